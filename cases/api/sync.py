"""The field app's sync endpoint (DESIGN §5a, §6): a batch of records made on a phone, offline or not.

Each record is validated and saved by the serializer of ``POST /api/v1/<type>/`` (hence through
``record_save``, the service behind the online form too, with its scoping and audit), under the record's
UUID as its one-time id (``sunshine.once``): sent again, it answers "exists" and creates nothing. Each
record stands alone: one refused record leaves the others saved.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sunshine.access import may
from sunshine.once import create_once, parse_key

from ..models import Person
from ..selectors import caseload, may_record_in_field
from . import serializers as s

# The four everyday records a worker makes in the field, by their API name.
SYNC_TYPES = {
    "visits": s.VisitSerializer,
    "urine-tests": s.UrineTestSerializer,
    "absences": s.AbsenceSerializer,
    "leaves": s.LeaveSerializer,
}
MAX_RECORDS = 500


def _messages(detail) -> dict[str, list[str]]:
    """DRF's error detail as {field: [messages]}; errors not about one field go under non_field_errors."""
    if isinstance(detail, dict):
        return {
            field: [str(m) for m in (value if isinstance(value, list) else [value])] for field, value in detail.items()
        }
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def _refused(record_id, errors: dict) -> dict:
    return {"id": record_id, "status": "refused", "errors": errors}


def sync_record(*, request, record) -> dict:
    """Apply one record of a batch; answer its result (created, exists or refused with field messages)."""
    if not isinstance(record, dict):
        return _refused(None, {"non_field_errors": [_("A record must be an object.")]})
    record_id = record.get("id")
    serializer_class = SYNC_TYPES.get(record.get("type"))
    data = record.get("data")
    if serializer_class is None:
        return _refused(record_id, {"type": [_("Unknown record type.")]})
    if not isinstance(data, dict):
        return _refused(record_id, {"data": [_("The record's fields are missing.")]})
    user = request.user

    def create():
        model = serializer_class.Meta.model
        if not may(user, "add", model):
            raise serializers.ValidationError({"type": [_("Your role may not record this.")]})
        # Out of reach and missing answer alike, and nothing else is checked: no detail about a person
        # the user may not see.
        person = str(data.get("person", ""))
        if not person.isdigit() or not Person.objects.visible_to(user).filter(pk=int(person)).exists():
            raise serializers.ValidationError({"person": [_("Not in your area.")]})
        serializer = serializer_class(data=data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return serializer.save()

    try:
        key = parse_key(record_id)
        if key is None:
            return _refused(record_id, {"id": [_("Each record needs its id (UUID).")]})
        _row, created = create_once(user=user, key=key, create=create)
    except DjangoValidationError as error:
        return _refused(record_id, error.message_dict if hasattr(error, "error_dict") else _messages(error.messages))
    except serializers.ValidationError as error:
        return _refused(record_id, _messages(error.detail))
    return {"id": record_id, "status": "created" if created else "exists", "errors": {}}


class SyncRequestSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.JSONField(), max_length=MAX_RECORDS, default=list)


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "exists", "refused"])
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)


class SyncView(APIView):
    """Apply a batch of up to 500 field records (visits, urine tests, absences, leave), each idempotent on its id.

    Answers 200 with one result per record, in the order sent.
    """

    @extend_schema(
        request=SyncRequestSerializer,
        responses=SyncResponseSerializer,
    )
    def post(self, request):
        if not may_record_in_field(request.user):
            raise PermissionDenied
        batch = SyncRequestSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        return Response({"results": [sync_record(request=request, record=r) for r in batch.validated_data["records"]]})


CASELOAD_HOURS = 72  # the phone erases its copy this long after the last sync (DESIGN §5a)


class CaseloadView(APIView):
    """The field app's offline copy of the caller's caseload: persons under an active measure with masked ID,
    stage, due items and recent visits and tests; no full ID number, no health data. Expires after 72 hours."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        if not may_record_in_field(request.user):
            raise PermissionDenied
        now = timezone.now()
        return Response(
            {
                "user": request.user.username,
                "synced_at": now.isoformat(),
                "expires_at": (now + dt.timedelta(hours=CASELOAD_HOURS)).isoformat(),
                "persons": caseload(user=request.user, today=timezone.localdate()),
            }
        )
