from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from sunshine.api.serializers import call_service
from sunshine.api.viewsets import ScopedModelViewSet

from .. import services
from ..filters import BenefitApiFilter
from ..models import Benefit
from . import serializers as s


class BenefitViewSet(ScopedModelViewSet):
    """Welfare benefits of the caller's region (civil-affairs staff: their region's, without the person files).

    POST applies (township worker or county office); PATCH corrects an application (county office);
    ``decide`` and ``end`` are civil affairs' decisions. Benefits are never deleted."""

    model = Benefit
    select_related = ("recorded_by", "decided_by")
    serializer_class = s.BenefitSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = BenefitApiFilter

    def _act(self, request, serializer_class, service):
        benefit = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        benefit = call_service(service, user=request.user, benefit=benefit, **data.validated_data)
        return Response(self.get_serializer(benefit).data)

    @extend_schema(request=s.BenefitDecisionSerializer, responses=s.BenefitSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._act(request, s.BenefitDecisionSerializer, services.benefit_decide)

    @extend_schema(request=s.BenefitEndSerializer, responses=s.BenefitSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._act(request, s.BenefitEndSerializer, services.benefit_end)
