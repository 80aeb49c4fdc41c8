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
from sunshine.models import OneTimeKey
from sunshine.once import create_once, parse_key

from ..models import Person
from ..selectors import caseload, may_record_in_field
from ..services.work_list import work_list_batched
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


def _key_or_none(value):
    try:
        return parse_key(value)
    except DjangoValidationError:
        return None


def sync_records(*, request, records: list) -> list[dict]:
    """Apply a batch; answer one result per record, in order.

    Two queries look up, for the whole batch, the persons the user may see and the ids already used; each new
    record then goes through its serializer and service in its own transaction (one refused record leaves the
    others saved). The stored work list refreshes the batch's persons once, at its end.
    """
    user = request.user
    keys = [_key_or_none(r.get("id")) for r in records if isinstance(r, dict)]
    used = dict(OneTimeKey.objects.filter(key__in=[k for k in keys if k]).values_list("key", "user_id"))
    person_ids = {
        int(str(r["data"].get("person")))
        for r in records
        if isinstance(r, dict) and isinstance(r.get("data"), dict) and str(r["data"].get("person", "")).isdigit()
    }
    reachable = set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    with work_list_batched():  # the stored work list's persons refreshed once, after the batch
        return [sync_record(request=request, record=r, reachable=reachable, used=used) for r in records]


def sync_record(*, request, record, reachable: set[int], used: dict) -> dict:
    """Apply one record of a batch; answer its result (created, exists or refused with field messages)."""
    if not isinstance(record, dict):
        return _refused(None, {"non_field_errors": [_("A record must be an object.")]})
    record_id = record.get("id")
    serializer_class = SYNC_TYPES.get(record.get("type"))
    data = record.get("data")
    user = request.user
    try:
        key = parse_key(record_id)
    except DjangoValidationError as error:
        return _refused(record_id, error.message_dict)
    if key is None:
        return _refused(record_id, {"id": [_("Each record needs its id (UUID).")]})
    if key in used:  # sent before (its answer was lost on the way back), or another account's id
        if used[key] == user.pk:
            return {"id": record_id, "status": "exists", "errors": {}}
        return _refused(record_id, {"id": [_("This one-time id has already been used.")]})
    if serializer_class is None:
        return _refused(record_id, {"type": [_("Unknown record type.")]})
    if not isinstance(data, dict):
        return _refused(record_id, {"data": [_("The record's fields are missing.")]})
    if not may(user, "add", serializer_class.Meta.model):
        return _refused(record_id, {"type": [_("Your role may not record this.")]})
    person = str(data.get("person", ""))
    if not person.isdigit() or int(person) not in reachable:
        # Out of reach and missing answer alike, and nothing else is checked: no detail about a person the
        # user may not see.
        return _refused(record_id, {"person": [_("Not in your area.")]})

    def create():
        serializer = serializer_class(data=data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return serializer.save()

    try:
        _row, created = create_once(user=user, key=key, create=create, unused=True)
    except DjangoValidationError as error:
        return _refused(record_id, error.message_dict if hasattr(error, "error_dict") else _messages(error.messages))
    except serializers.ValidationError as error:
        return _refused(record_id, _messages(error.detail))
    return {"id": record_id, "status": "created" if created else "exists", "errors": {}}


class SyncRequestSerializer(serializers.Serializer):
    records = serializers.ListField(child=serializers.JSONField(), max_length=MAX_RECORDS, default=list)


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField(allow_null=True)  # echoed as sent: a record without an id answers null
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
        return Response({"results": sync_records(request=request, records=batch.validated_data["records"])})


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
