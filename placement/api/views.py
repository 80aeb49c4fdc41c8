import datetime as dt

from sunshine.api.viewsets import ScopedModelViewSet

from ..models import Employer, FollowUp, Placement, PlacementBase
from ..selectors import bases_with_scale
from . import serializers as s


class PlacementBaseViewSet(ScopedModelViewSet):
    """Placement bases with today's scale. Every signed-in user reads them; county offices change their own."""

    model = PlacementBase
    serializer_class = s.PlacementBaseSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["kind", "region"]

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return bases_with_scale(user=self.request.user, day=dt.date.today()).order_by("-scale", "name", "pk")
        return PlacementBase.objects.editable_by(self.request.user)


class EmployerViewSet(ScopedModelViewSet):
    model = Employer
    select_related = ("region",)
    serializer_class = s.EmployerSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return super().get_queryset()
        return Employer.objects.editable_by(self.request.user)


class PlacementViewSet(ScopedModelViewSet):
    """Placements of persons in the caller's region; corrected, never deleted."""

    model = Placement
    select_related = ("recorded_by",)
    serializer_class = s.PlacementSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["person", "base", "mode"]


class FollowUpViewSet(ScopedModelViewSet):
    model = FollowUp
    select_related = ("recorded_by",)
    serializer_class = s.FollowUpSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["placement"]
