"""seed_demo (DESIGN §6): a realistic demo population that is valid by the rules, deterministic and idempotent.

One population (1,000 persons, history up to TODAY) is seeded for the whole module inside a transaction that is
rolled back when the module ends, so other modules never see it; each test runs in a savepoint within it.
"""

import datetime as dt
import io
import itertools
import statistics
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test import override_settings

from cases import choices
from cases.choices import COMMUNITY_MEASURES, AlertKind, EndReason, MeasureKind, TransferStatus
from cases.id_numbers import birth_date_of, normalize_id_number, sex_of
from cases.models import (
    Absence,
    Alert,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    Measure,
    Person,
    StatusEvent,
    Transfer,
    UrineTest,
    Visit,
)
from cases.models.records import PersonRecord
from cases.selectors import work_list
from cases.services import late_report_alerts_raise, measure_validate
from cases.services.alerts import breach_counts, breached
from demo.management.commands.seed_demo import BULK, DatabaseSink
from demo.population import DEMO_PASSWORD, FIELDS, STAFF, Geography, generate, identities
from placement.choices import PlacementMode, ScaleClass
from placement.models import BaseSubsidy, FollowUp, Loan, Placement, PlacementBase, scale_class
from placement.selectors import bases_with_scale
from placement.services import placement_validate
from reporting.models import IndicatorSnapshot
from reporting.snapshots import month_ends, snapshots_compute
from sunshine.access import SYSTEM
from sunshine.choices import Role
from sunshine.models import User
from sunshine.pinyin import pinyin_initials
from training.models import Course, Enrolment
from training.services import progress_validate
from welfare.choices import MEDICAL_KINDS, ONE_OFF_KINDS, BenefitStatus
from welfare.models import Benefit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 12, 31)
PERSONS, SEED = 1000, 11
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def population(django_db_setup, django_db_blocker):
    """The seed_demo output; the rows stay until the module ends, then are rolled back."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_regions", stdout=io.StringIO())
            out = io.StringIO()
            call_command(
                "seed_demo", "--persons", str(PERSONS), "--seed", str(SEED), "--today", TODAY.isoformat(), stdout=out
            )
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class MemorySink:
    """Keeps the rows instead of writing them; ids counted from 1."""

    def __init__(self):
        self.rows = defaultdict(list)
        self.next = defaultdict(lambda: 1)

    def allocate(self, model, count):
        first = self.next[model]
        self.next[model] += count
        return list(range(first, first + count))

    def write(self, model, fields, rows):
        assert fields == FIELDS[model]
        self.rows[model].extend(rows)


def _generated(seed: int, persons: int = 200) -> dict:
    geo = Geography.load()
    sink = MemorySink()
    generate(people=identities(geo, persons, seed), geo=geo, seed=seed, today=TODAY, sink=sink, staff={"x": 1})
    return sink.rows


def test_it_is_deterministic_for_a_seed(population):
    first, again, other = _generated(5), _generated(5), _generated(6)
    assert first.keys() == again.keys() and len(first) >= 18
    for model, rows in first.items():
        assert rows == again[model], model.__name__
    assert {row[1] for row in first[Person]}.isdisjoint({row[1] for row in other[Person]})


def test_it_seeds_once_and_refuses_another_population(population):
    def state():
        return [model.objects.count() for model in FIELDS] + [User.objects.count()]

    call_command("seed_demo", "--persons", "40", "--seed", "3", stdout=io.StringIO())
    before = state()
    assert before[0] == PERSONS + 40
    out = io.StringIO()
    call_command("seed_demo", "--persons", "40", "--seed", "3", stdout=out)
    assert state() == before  # the same arguments again change nothing
    assert "already here" in out.getvalue()
    with pytest.raises(CommandError, match="40 of the 41 ID numbers"):
        call_command("seed_demo", "--persons", "41", "--seed", "3", stdout=io.StringIO())
    assert state() == before


def _foreign_keys(model) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["columns"][0] for c in constraints.values() if c["foreign_key"]}


def test_the_bulk_tables_keep_their_foreign_keys_and_a_broken_one_fails_the_run(population):
    for model in BULK:
        expected = {f.column for f in model._meta.concrete_fields if f.is_relation}
        assert _foreign_keys(model) == expected, model.__name__
    missing_person = 2**31 - 1
    row = (missing_person, TODAY.toordinal(), "home", "", "", True, TODAY.toordinal())
    with pytest.raises(IntegrityError), transaction.atomic():
        with DatabaseSink(bulk=(Visit,)) as sink:
            sink.write(Visit, FIELDS[Visit], [row])  # PostgreSQL: refused when the keys are added back
        connection.check_constraints(table_names=[Visit._meta.db_table])  # SQLite: checked at commit; ask now
    assert not Visit.objects.filter(person_id=missing_person).exists()
    assert _foreign_keys(Visit) == {"person_id", "recorded_by_id"}


def test_every_role_has_an_account_at_sample_regions(population):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    accounts = {user.username: user for user in User.objects.filter(username__in=STAFF)}
    assert set(accounts) == set(STAFF)
    for historical in ("demo_worker", "demo_police", "demo_county", "demo_prefecture", "demo_province", "demo_hr"):
        assert historical in population
    for user in accounts.values():
        user.full_clean(exclude=["password"])
        assert user.check_password(DEMO_PASSWORD)
    assert {user.region.prefecture for user in accounts.values() if user.region_id} >= {"5201", "5203", "5205"}
    assert DEMO_PASSWORD in population


def test_the_persons_are_valid_unique_and_spread_over_the_province(population):
    persons = list(Person.objects.select_related("township"))
    assert len(persons) == PERSONS
    for person in persons:
        assert normalize_id_number(person.id_number) == person.id_number
        assert (person.birth_date, person.sex) == (birth_date_of(person.id_number), sex_of(person.id_number))
        assert person.name_initials == pinyin_initials(person.name)
        assert person.township.level == "township"
        assert person.first_use_on <= person.registered_on <= TODAY
        assert person.registered_on.year - person.birth_date.year >= 16
    persons[0].full_clean()
    prefectures = Counter(person.township.prefecture for person in persons)
    assert len(prefectures) == 9 and prefectures.most_common(1)[0][0] == "5201"
    assert prefectures["5201"] > prefectures["5206"] and prefectures["5203"] > prefectures["5204"]
    years = Counter(person.registered_on.year for person in persons)
    assert years[2011] > years[2008] and years[2011] > 2 * years[2021]  # the campaign years stand out
    assert any(person.id_number.startswith(("5224", "5222")) for person in persons)  # retired address codes
    assert Counter(person.sex for person in persons)["M"] > 0.75 * PERSONS
    assert len({person.ethnicity for person in persons}) >= 6
    assert Person.objects.within("520102016").count() >= 30  # demo_worker's caseload


def test_every_measure_follows_the_legal_rules(population):
    measures = list(Measure.objects.all())
    for measure in measures:
        measure.full_clean()
        measure_validate(measure, today=TODAY)
        if measure.kind in COMMUNITY_MEASURES and measure.reported_on:
            assert measure.started_on == measure.reported_on <= measure.agreement_on
        if measure.end_reason == EndReason.COMPLETED and measure.kind in COMMUNITY_MEASURES:
            assert measure.ended_on == measure.planned_end
    assert {m.kind for m in measures} == set(MeasureKind.values)
    reasons = Counter(m.end_reason for m in measures)
    for reason in ("completed", "escalated", "released", "early_release", "terminated", "deceased", "withdrawn"):
        assert reasons[reason] > 0, reason
    orders = [m for m in measures if m.kind in COMMUNITY_MEASURES and m.report_deadline < TODAY]
    in_time = sum(1 for m in orders if m.reported_on and not m.reported_late(TODAY))
    assert 0.8 < in_time / len(orders) < 0.97  # mostly within 15 days, a few late or never
    assert any(m.extension_months for m in measures)
    # the alerts the services would have raised are there: the nightly late-report job finds nothing to add,
    # and every community measure has the serious-breach alerts its counts call for (missed tests, absences,
    # days away), each with the count, as the services would have raised them
    assert late_report_alerts_raise(today=TODAY) == 0
    alerts = {(a.measure_id, a.kind): a for a in Alert.objects.all()}
    for measure in measures:
        if measure.kind in COMMUNITY_MEASURES and measure.started_on:
            for kind, count in breach_counts(measure=measure, today=TODAY).items():
                alert = alerts.get((measure.pk, kind))
                assert (alert is not None) == breached(kind, count), (measure.pk, kind, count)
                assert alert is None or alert.count == count, (measure.pk, kind, count, alert.count)
    assert {kind for _measure, kind in alerts} == set(AlertKind.values)


def _dates(model):
    return [f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "DateField"]


RECORDS = [UrineTest, Visit, DrugUseFinding, StatusEvent, Absence, Leave, Counselling, HelpGroupMember, Alert]
RECORDS += [Placement, FollowUp, Loan, Enrolment, Benefit]


@pytest.mark.parametrize("model", RECORDS, ids=lambda model: model.__name__)
def test_records_keep_the_date_rules_of_the_record_services(population, model):
    """No date in the future (except those allowed to be: a leave's end, a contract's end), none before birth."""
    assert issubclass(model, PersonRecord)
    rows = list(model.objects.values("person__birth_date", *_dates(model)))
    assert rows
    for row in rows:
        born = row.pop("person__birth_date")
        for name, value in row.items():
            if value is not None:
                assert value >= born, (name, row)
                assert value <= TODAY or name in model.future_fields, (name, row)
    for record in model.objects.all()[::25]:
        record.full_clean()


def test_records_follow_the_rules_of_their_services(population):
    for placement in Placement.objects.select_related("base"):
        placement_validate(placement)
        assert placement.long_contract == Placement.is_long(placement.contract_start, placement.contract_end)
    assert {p.mode for p in Placement.objects.all()} == set(PlacementMode.values)
    assert not FollowUp.objects.exclude(person=F("placement__person")).exists()
    for follow_up in FollowUp.objects.select_related("placement"):
        assert follow_up.visited_on >= follow_up.placement.contract_start
    for enrolment in Enrolment.objects.select_related("course", "person"):
        progress_validate(enrolment, today=TODAY)
        assert enrolment.enrolled_on <= enrolment.course.end_date
        assert (enrolment.status == "awaiting_approval") <= enrolment.crosses_counties
    assert Enrolment.objects.filter(completed=True).exclude(certificate_number="").exists()
    for model in (Leave, Absence, Benefit):
        for record in model.objects.all():
            record.clean()
    open_benefits = Counter()
    for benefit in Benefit.objects.all():
        running = benefit.status == BenefitStatus.APPROVED and benefit.kind not in ONE_OFF_KINDS
        if benefit.status == BenefitStatus.APPLIED or running:
            group = "medical" if benefit.kind in MEDICAL_KINDS else benefit.kind
            open_benefits[benefit.person_id, group] += 1
    assert open_benefits and max(open_benefits.values()) == 1  # one open application or running benefit a kind
    # transfers: each starts where the previous one ended; the last one leads to the person's township
    by_person = defaultdict(list)
    for transfer in Transfer.objects.filter(status=TransferStatus.ACCEPTED).order_by("effective_on", "id"):
        by_person[transfer.person_id].append(transfer)
    assert by_person and any(t.crosses_counties for chain in by_person.values() for t in chain)
    townships = dict(Person.objects.values_list("pk", "township_id"))
    for person_id, chain in by_person.items():
        for before, after in itertools.pairwise(chain):
            assert before.to_township_id == after.from_township_id
        assert chain[-1].to_township_id == townships[person_id]
        assert all(t.county_approved_on for t in chain if t.crosses_counties)
    assert Transfer.objects.filter(status=TransferStatus.PENDING).exists()
    # nothing after a death
    deaths = dict(StatusEvent.objects.filter(kind="deceased").values_list("person_id", "occurred_on"))
    assert deaths and len(deaths) == StatusEvent.objects.filter(kind="deceased").count()
    after_death = ((UrineTest, "tested_on"), (Visit, "visited_on"), (Placement, "contract_start"))
    after_death += ((FollowUp, "visited_on"), (Benefit, "applied_on"), (Measure, "started_on"))
    after_death += ((Absence, "returned_on"), (Leave, "returned_on"), (StatusEvent, "occurred_on"))
    for model, field in after_death:
        for person_id, day in model.objects.filter(person__in=deaths).values_list("person_id", field):
            assert day is None or day <= deaths[person_id], (model.__name__, person_id)  # None: never reported


def test_tests_and_visits_follow_the_schedule_with_misses_and_relapses(population):
    results = Counter(UrineTest.objects.values_list("result", flat=True))
    assert set(results) == set(choices.TestResult.values)
    total = sum(results.values())
    assert 0.01 < results["positive"] / total < 0.08 and results["evaded"] + results["refused"] > 0.01 * total
    assert UrineTest.objects.filter(kind="surprise").exists()
    assert Visit.objects.count() > 15 * PERSONS and UrineTest.objects.count() > 15 * PERSONS
    assert Visit.objects.filter(whereabouts_confirmed=False).exists()
    assert (
        DrugUseFinding.objects.filter(source="urine_test").exists()
        and DrugUseFinding.objects.exclude(source="urine_test").exists()
    )
    events = set(StatusEvent.objects.values_list("kind", flat=True))
    assert events >= {"deceased", "lost", "found", "detained", "released", "imprisoned"}
    assert Leave.objects.exists() and Absence.objects.exists() and HelpGroupMember.objects.exists()
    assert Counselling.objects.exists()
    # the gaps between scheduled tests: about 30 days in the first measure year, 90 in the third
    gaps = {1: [], 3: []}
    for measure in Measure.objects.filter(kind="community_detox", ended_on__isnull=False, end_reason="completed")[:60]:
        days = list(
            UrineTest.objects.filter(
                person=measure.person_id,
                kind="scheduled",
                tested_on__gte=measure.started_on,
                tested_on__lt=measure.ended_on,
            )
            .order_by("tested_on")
            .values_list("tested_on", flat=True)
        )
        for before, after in itertools.pairwise(days):
            year = measure.year_on(before)
            if year in gaps:
                gaps[year].append((after - before).days)
    assert 27 <= statistics.median(gaps[1]) <= 33 and 85 <= statistics.median(gaps[3]) <= 95


def test_the_sample_desks_show_their_staff_at_work(population):
    desk = Person.objects.filter(township_id=STAFF["demo_worker"][1])
    worker_name, police_name = STAFF["demo_worker"][3], STAFF["demo_police"][3]
    assert HelpGroupMember.objects.filter(person__in=desk, role="worker", name=worker_name).exists()
    assert Visit.objects.filter(person__in=desk, visitors=f"{worker_name}、{police_name}").exists()
    assert Alert.objects.filter(acknowledged_by__username="demo_county", person__township__parent="520102").exists()
    # the demo worker's home page has work on it: due this week, and overdue
    items = work_list(user=User.objects.get(username="demo_worker"), today=TODAY)
    assert len(items) > 3 and any(item.due_on < TODAY for item in items)


def test_bases_of_every_scale_class_and_placements_in_every_mode(population):
    viewer = SYSTEM
    classes = set()
    for day in month_ends(dt.date(2011, 1, 1), TODAY)[::3]:
        classes |= {scale_class(base.scale) for base in bases_with_scale(user=viewer, day=day) if base.opened_on <= day}
    assert classes == set(ScaleClass.values)
    opened = PlacementBase.objects.values_list("opened_on", flat=True)
    assert any(dt.date(2011, 1, 1) <= day <= dt.date(2014, 12, 31) for day in opened)
    assert BaseSubsidy.objects.exists() and Loan.objects.exists() and FollowUp.objects.exists()
    assert Course.objects.count() >= 10 and Enrolment.objects.count() > 50


def test_the_indicators_over_the_population_are_plausible(population):
    day = dt.date(2024, 11, 30)
    snapshots_compute(day=day)
    province = {s.indicator: s for s in IndicatorSnapshot.objects.filter(date=day, region_id="52")}
    assert province["registered"].numerator == Person.objects.filter(registered_on__lte=day).count()
    control = province["control_rate"]
    assert 0.3 < control.numerator / control.denominator < 0.95
    assert province["consolidation_rate"].numerator > 0
    assert 0 < province["placement_rate"].numerator < province["placement_rate"].denominator
    assert province["deceased"].numerator > 0 and province["report_rate"].numerator > 0


def test_the_planner_has_statistics_of_the_seeded_tables(population, django_assert_num_queries):
    """seed_demo ends with ANALYZE of every table it filled (issue 17: stale statistics after a bulk load)."""
    from sunshine.db import analyze

    if connection.vendor != "postgresql":
        with django_assert_num_queries(0):  # nothing to refresh on SQLite
            analyze(Person, Visit)
        return
    with connection.cursor() as cursor:  # ANALYZE writes pg_class in place: seen inside the seeding transaction
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN (%s, %s, %s)",
            [Person._meta.db_table, Visit._meta.db_table, UrineTest._meta.db_table],
        )
        estimates = dict(cursor.fetchall())
    # before: -1, "never analyzed"; after, about the rows (other tests of the module may leave a few more behind)
    for model in (Person, Visit, UrineTest):
        rows = model.objects.count()
        assert rows >= PERSONS and abs(estimates[model._meta.db_table] - rows) <= rows / 10, model.__name__
