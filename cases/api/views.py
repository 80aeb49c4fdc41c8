from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from sunshine.api.viewsets import ScopedModelViewSet
from sunshine.audit import audit_event
from sunshine.models import AuditEntry

from ..models import Person
from ..selectors import person_list
from .serializers import PersonSerializer


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("q", str, description="Name, ID number digits or pinyin initials")])
)
class PersonViewSet(ScopedModelViewSet):
    """Persons of the caller's region. Reading one person is audited like opening the file."""

    model = Person
    select_related = ("township",)
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return person_list(user=self.request.user, query=self.request.query_params.get("q", ""))
        return super().get_queryset()

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        audit_event(person, event=AuditEntry.Event.VIEW, actor=request.user, request=request)
        return Response(self.get_serializer(person).data)
