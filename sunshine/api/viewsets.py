"""The one base every API viewset derives from: rows come from the scope, actions are asked of ``may``.

After NetBox: the queryset is restricted for every action before any object is looked up (``visible_to``; for
a change to a public row, ``editable_by``), relation filters take their choices from the same scope
(``sunshine.filters.ScopedFilterSet``), and the browsable API draws no forms (``renderers``).
"""

from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS

from sunshine.access import ensure

# DRF's own action names and the declared action (sunshine.access.Scope) they perform.
CHANGES = {"update": "change", "partial_update": "change", "destroy": "change"}


class ScopedModelViewSet(viewsets.ModelViewSet):
    """List and read what the user may see; change, and act on, only what ``may`` allows.

    An object outside the user's scope is not in the queryset (404, like a missing one); an object the user
    sees but may not change or act on answers 403. A ``@action`` named like one of the model's declared
    actions (``accept``, ``close``) is asked under that name, any other write as ``"change"``. Writes go
    through services, which ask again and check the scope after saving. Read-only endpoints narrow
    ``http_method_names``.
    """

    model = None  # the scoped model served
    select_related: tuple[str, ...] = ()

    def get_queryset(self):
        rows = self.model.objects.visible_to(self.request.user)
        if self.model.scope.public and self.request.method not in SAFE_METHODS:
            # everybody reads a public row (a course, a base): outside the user's reach it is "not there" to change
            rows = self.model.objects.editable_by(self.request.user)
        return rows.select_related(*self.select_related)

    def action_name(self) -> str:
        if self.action in self.model.scope.actions:
            return self.action
        return CHANGES.get(self.action, "change")

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in SAFE_METHODS:
            ensure(self.request.user, self.action_name(), obj)
        return obj

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "create":
            ensure(request.user, "add", self.model)
        elif self.model.scope.public and request.method not in SAFE_METHODS:
            ensure(request.user, self.action_name(), self.model)  # the role here; the row's region in get_queryset
