"""The base viewset every personal-data endpoint derives from: rows come from ``visible_to``."""

from django.core.exceptions import PermissionDenied
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from sunshine.access import ensure_editable


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List and read what the user may see; change only what they may edit.

    ``get_object`` answers 404 for objects outside the user's scope (they are not in the queryset)
    and 403 for objects the user sees but may not change. Writes go through services, which check
    the scope again after saving.
    """

    model = None  # the scoped model served
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related(*self.select_related)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS:
            ensure_editable(self.request.user, obj)
        return obj

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "create" and not self.model.scope.may_edit(request.user):
            raise PermissionDenied
