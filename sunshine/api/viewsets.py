"""The base viewset every personal-data endpoint derives from: rows come from ``visible_to``."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from sunshine.access import ensure_editable
from sunshine.concurrency import Versioned

from .concurrency import check_if_match, etag


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
            if self.action in {"update", "partial_update"} and isinstance(obj, Versioned):
                # Changes to one record take turns: its row stays locked from here to the save, so a
                # PATCH applies its fields to the latest state and leaves the others as they are.
                obj.refresh_from_db(from_queryset=type(obj)._base_manager.select_for_update())
                check_if_match(self.request, obj)
        self.versioned = obj
        return obj

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        self.versioned = serializer.instance

    def finalize_response(self, request, response, *args, **kwargs):
        obj = getattr(self, "versioned", None)
        if isinstance(obj, Versioned) and response.status_code == 200:
            response["ETag"] = etag(obj)
        return super().finalize_response(request, response, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "create" and not self.model.scope.may_edit(request.user):
            raise PermissionDenied
