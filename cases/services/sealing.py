"""Sealing, unsealing and lawful queries (DESIGN §3b).

A file is sealed by the nightly pass on the first day its person counts as abstinent three years (the indicators'
predicate, ``reporting.indicators.abstinent_clocks``; the pass lives in ``reporting.sealing`` because that predicate
reads placements, above this app) or by a county officer's decision for a person with no active measure. A new case
— a drug-use finding, a positive urine test or a measure order recorded through ``sealed_case_record`` — unseals it.
A lawful query, approved by a second officer, opens one sealed file read-only to its requester for at most 7 days.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunshine.access import ensure, grants_changed, may
from sunshine.choices import OFFICES, Role
from sunshine.dates import add_years
from sunshine.models import User

from ..choices import LegalBasis, QueryStatus, SealCause, TestResult, UnsealCause
from ..id_numbers import normalize_id_number
from ..models import DrugUseFinding, LawfulQuery, Measure, Person, Sealing, UrineTest
from ..models.sealing import GRANT_DAYS
from .measures import measure_order
from .records import record_save, urine_test_record

ABSTINENCE_YEARS = 3
# The record a new case makes, by the event that unseals the file (a measure order has its own service).
CASE_RECORDS = {UnsealCause.FINDING: DrugUseFinding, UnsealCause.POSITIVE_TEST: UrineTest}


def _seal(*, person: Person, on: dt.date, cause: str, reason: str = "", user: User | None = None) -> Sealing:
    sealing = Sealing.objects.create(person=person, sealed_on=on, cause=cause, reason=reason, sealed_by=user)
    Person.objects.filter(pk=person.pk).update(sealed=True)
    person.sealed = True
    return sealing


@transaction.atomic
def person_seal(*, user: User, person: Person, reason: str, today: dt.date | None = None) -> Sealing:
    """A county officer seals the file of a person of their county who has no active measure, giving the reason."""
    today = today or dt.date.today()
    ensure(user, "seal", person)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for sealing.")})
    if Measure.objects.filter(person=person).active_on(today).exists():
        raise ValidationError({"reason": _("A measure is active: the file can be sealed only when none is.")})
    return _seal(person=person, on=today, cause=SealCause.DECISION, reason=reason.strip(), user=user)


@transaction.atomic
def persons_seal_abstinent(*, day: dt.date, clocks: dict[int, dt.date]) -> int:
    """Seal the persons abstinent three years on ``day`` (``clocks``: person id → abstinence clock start, as the
    indicators compute it) who are not sealed yet; returns how many were sealed.

    A person unsealed by a new case is sealed again only once they count as abstinent after that case: the first
    abstinent day (clock + 3 years) must fall after the last unsealing (a measure ordered but not yet begun does not
    restart the clock, and must not let the pass seal them again the next night).
    """
    sealed = set(Person.objects.filter(pk__in=list(clocks), sealed=True).values_list("pk", flat=True))
    unsealed = dict(
        Sealing.objects.filter(person_id__in=list(clocks), unsealed_on__isnull=False)
        .values("person_id")
        .annotate(last=Max("unsealed_on"))
        .values_list("person_id", "last")
    )
    due = [
        pk
        for pk, clock in clocks.items()
        if pk not in sealed and (pk not in unsealed or add_years(clock, ABSTINENCE_YEARS) > unsealed[pk])
    ]
    for person in Person.objects.filter(pk__in=due).order_by("pk"):
        _seal(person=person, on=day, cause=SealCause.ABSTINENT)
    return len(due)


def _unseal(*, person: Person, user: User, cause: str, reason: str, on: dt.date) -> Sealing:
    sealing = Sealing.objects.select_for_update().get(person=person, unsealed_on__isnull=True)
    sealing.unsealed_on, sealing.unseal_cause, sealing.unseal_reason, sealing.unsealed_by = on, cause, reason, user
    sealing.save()
    Person.objects.filter(pk=person.pk).update(sealed=False)
    person.sealed = False
    return sealing


def sealed_person_by_id(*, user: User, id_number: str) -> Person | None:
    """The sealed person of that ID number within ``user``'s region, found without being shown (a new case)."""
    try:
        number = normalize_id_number(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from None
    return Person.objects.sealed_from(user).filter(id_number=number).first()


def case_events(user: User) -> list[str]:
    """The new-case events ``user``'s role may record (police and county: findings; workers, police and county:
    positive tests; county: measure orders)."""
    events = [event for event, model in CASE_RECORDS.items() if model.scope.may_edit(user)]
    return [*events, UnsealCause.MEASURE_ORDER] if user.role == Role.COUNTY_OFFICER else events


@transaction.atomic
def sealed_case_record(*, user: User, id_number: str, event: str, record, reason: str):
    """Record a new case about a sealed person met again (DESIGN §3b): the file is unsealed, with who and why, and
    the finding, positive test or measure order is saved through its ordinary service, all or nothing.

    ``record`` is the unsaved DrugUseFinding, UrineTest or Measure, its person left unset.
    """
    if event not in case_events(user):
        raise PermissionDenied
    person = sealed_person_by_id(user=user, id_number=id_number)
    if person is None:
        raise ValidationError({"id_number": _("No sealed file has this ID number in your region.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the file is reopened (the case).")})
    record.person = person
    if event == UnsealCause.POSITIVE_TEST and record.result != TestResult.POSITIVE:
        raise ValidationError({"result": _("Only a positive test reopens a sealed file.")})
    on = getattr(record, "ordered_on", None) or getattr(record, record.date_field, None) or dt.date.today()
    _unseal(person=person, user=user, cause=event, reason=reason.strip(), on=on)
    if event == UnsealCause.MEASURE_ORDER:
        measure_order(user=user, measure=record)
    elif event == UnsealCause.POSITIVE_TEST:  # as the test form: police and county also record the finding
        urine_test_record(user=user, test=record, record_finding=may(user, "add", DrugUseFinding))
    else:
        record_save(user=user, record=record)
    return person


# Lawful queries ------------------------------------------------------------------------------------------------


@transaction.atomic
def lawful_query_request(
    *,
    user: User,
    id_number: str,
    querying_unit: str,
    basis: str,
    case_number: str = "",
    regulation: str = "",
    purpose: str,
) -> LawfulQuery:
    """A county, prefecture or provincial officer asks to read one sealed file of their region by full ID number."""
    if user.role not in OFFICES:
        raise PermissionDenied
    errors = {}
    person = None
    try:
        person = sealed_person_by_id(user=user, id_number=id_number)
        if person is None:
            errors["id_number"] = _("No sealed file has this ID number in your region.")
    except ValidationError as error:
        errors.update(error.message_dict)
    if not querying_unit.strip():
        errors["querying_unit"] = _("Name the querying unit.")
    if basis == LegalBasis.CASE and not case_number.strip():
        errors["case_number"] = _("Give the number of the case being handled.")
    if basis == LegalBasis.REGULATION and not regulation.strip():
        errors["regulation"] = _("Name the state regulation the query is made under.")
    if basis not in LegalBasis.values:
        errors["basis"] = _("Choose the legal basis.")
    if not purpose.strip():
        errors["purpose"] = _("State the purpose of the query.")
    if errors:
        raise ValidationError(errors)
    return LawfulQuery.objects.create(
        requester=user,
        region_id=user.region_id,
        person=person,
        querying_unit=querying_unit.strip(),
        basis=basis,
        case_number=case_number.strip() if basis == LegalBasis.CASE else "",
        regulation=regulation.strip() if basis == LegalBasis.REGULATION else "",
        purpose=purpose.strip(),
        days=GRANT_DAYS,
    )


def lawful_queries_pending(*, user: User) -> Iterable[LawfulQuery]:
    """The requests ``user`` may decide: pending, of their region, not their own."""
    return LawfulQuery.objects.editable_by(user).filter(status=QueryStatus.PENDING).exclude(requester=user)


@transaction.atomic
def lawful_query_decide(*, user: User, query: LawfulQuery, approve: bool, reason: str) -> LawfulQuery:
    """A second officer of the same or a higher level approves (a read-only grant of at most 7 days) or refuses."""
    query = LawfulQuery.objects.select_for_update().get(pk=query.pk)
    # the decider's region contains the requester's (the same or a higher level), and they are not the requester
    ensure(user, "decide", query)
    if query.status != QueryStatus.PENDING:
        raise ValidationError({"reason": _("This request has already been decided.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    now = timezone.now()
    query.status = QueryStatus.APPROVED if approve else QueryStatus.REFUSED
    query.decided_by, query.decided_at, query.decision_reason = user, now, reason.strip()
    query.expires_at = now + query.grant_period if approve else None
    query.save()
    grants_changed()
    return query
