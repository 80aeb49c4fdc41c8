"""Indicators as of a date D, built from small hand-made histories (DESIGN §4)."""

import datetime as dt
import io
import json
import random
import threading
import time
from fractions import Fraction

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from cases.models import DrugUseFinding, StatusEvent, Transfer, UrineTest
from reporting import snapshots
from reporting.indicator_range import range_figures
from reporting.indicators import CODES, abstinence_cutoff, ranks, region_figures
from reporting.models import IndicatorSnapshot
from reporting.snapshots import month_ends, snapshots_compute
from sunshine.db import analyze
from sunshine.models import Region

from ..factories import MeasureFactory, PersonFactory
from ..placement.factories import BaseFactory, PlacementFactory

pytestmark = pytest.mark.django_db
D = dt.date


def figures(day, code):
    every = region_figures(day)
    assert dict(range_figures([day]))[day] == every  # the computation of many dates agrees (issue 17 item 2)
    return every[code]


def test_a_person_counts_where_they_belonged_on_the_day(township_a, township_b):
    person = PersonFactory(township=township_b, registered_on=D(2010, 1, 1))
    Transfer.objects.create(
        person=person,
        from_township=township_a,
        to_township=township_b,
        requested_on=D(2012, 5, 20),
        status="accepted",
        effective_on=D(2012, 6, 1),
    )
    assert figures(D(2012, 5, 31), township_a.code)["registered"] == (1, None)
    assert figures(D(2012, 5, 31), township_b.code)["registered"] == (0, None)
    assert figures(D(2012, 6, 1), township_a.code)["registered"] == (0, None)
    assert figures(D(2012, 6, 1), township_b.code)["registered"] == (1, None)
    assert figures(D(2012, 6, 1), "520102")["registered"] == (1, None)  # same county either way


def test_abstinence_takes_exactly_three_calendar_years(township_a):
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    assert figures(D(2012, 12, 31), township_a.code)["abstinent_3y"] == (0, None)
    assert figures(D(2013, 1, 1), township_a.code)["abstinent_3y"] == (1, None)
    assert figures(D(2013, 1, 1), township_a.code)["current"] == (0, None)
    assert abstinence_cutoff(D(2015, 2, 28)) == D(2012, 2, 29)


def test_a_positive_test_or_finding_restarts_the_clock(township_a):
    person = PersonFactory(township=township_a, registered_on=D(2008, 1, 1))
    UrineTest.objects.create(person=person, tested_on=D(2011, 3, 1), result="positive")
    DrugUseFinding.objects.create(person=person, found_on=D(2010, 1, 1))
    UrineTest.objects.create(person=person, tested_on=D(2013, 1, 1), result="positive")  # after D: ignored
    assert figures(D(2012, 12, 31), township_a.code)["abstinent_3y"] == (0, None)
    assert figures(D(2014, 3, 1), township_a.code)["abstinent_3y"] == (0, None)  # the 2013 test counts now
    assert figures(D(2016, 1, 1), township_a.code)["abstinent_3y"] == (1, None)


def test_a_measure_ending_on_d_is_not_under_measure_and_restarts_the_clock(township_a):
    person = PersonFactory(township=township_a, registered_on=D(2005, 1, 1))
    MeasureFactory(
        person=person,
        ordered_on=D(2009, 1, 1),
        reported_on=D(2009, 1, 5),
        started_on=D(2009, 1, 5),
        ended_on=D(2012, 1, 5),
        end_reason="completed",
    )
    assert figures(D(2012, 1, 4), township_a.code)["control_rate"] == (1, 1)
    on_end = figures(D(2012, 1, 5), township_a.code)
    assert on_end["control_rate"] == (0, 1) and on_end["abstinent_3y"] == (0, None)
    assert figures(D(2015, 1, 5), township_a.code)["abstinent_3y"] == (1, None)


def test_deceased_and_departed_leave_current_and_the_consolidation_base(township_a):
    _alive, dead, gone = (PersonFactory(township=township_a, registered_on=D(2010, 1, 1)) for _ in range(3))
    StatusEvent.objects.create(person=dead, kind="deceased", occurred_on=D(2011, 1, 1))
    StatusEvent.objects.create(person=gone, kind="departed", occurred_on=D(2011, 1, 1))
    day = figures(D(2011, 6, 1), township_a.code)
    assert (day["registered"], day["deceased"], day["departed"], day["current"]) == (
        (3, None),
        (1, None),
        (1, None),
        (1, None),
    )
    assert day["consolidation_rate"] == (0, 1)
    assert figures(D(2010, 12, 31), township_a.code)["deceased"] == (0, None)


def test_a_suspended_community_measure_still_counts(township_a):
    person = PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    MeasureFactory(person=person)
    StatusEvent.objects.create(person=person, kind="detained", occurred_on=D(2012, 1, 1))
    assert figures(D(2012, 2, 1), township_a.code)["control_rate"] == (1, 1)


def test_lost_persons_lower_the_whereabouts_rate_until_found(township_a):
    person = PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    StatusEvent.objects.create(person=person, kind="lost", occurred_on=D(2011, 1, 1))
    StatusEvent.objects.create(person=person, kind="found", occurred_on=D(2011, 6, 1))
    assert figures(D(2011, 3, 1), township_a.code)["whereabouts_rate"] == (1, 2)
    assert figures(D(2011, 7, 1), township_a.code)["whereabouts_rate"] == (2, 2)


def test_the_urban_placement_rate_leaves_out_rural_townships(db):
    from tests.placement.factories import PlacementFactory

    urban = Region.objects.within("5201").filter(level="township", is_urban=True).first()
    rural = Region.objects.within("5201").filter(level="township", is_urban=False).first()
    for township in (urban, rural):
        person = PersonFactory(township=township, registered_on=D(2010, 1, 1))
        MeasureFactory(person=person)
        PlacementFactory(person=person)
    province = figures(D(2012, 6, 1), "52")
    assert province["placement_rate"] == (2, 2)
    assert province["placement_rate_urban"] == (1, 1)


def test_a_zero_denominator_is_no_data(township_a):
    day = D(2012, 1, 1)
    snapshots_compute(day=day)
    values = {s.indicator: s.value for s in IndicatorSnapshot.objects.filter(date=day, region=township_a)}
    assert values["control_rate"] is None and values["placement_rate"] is None and values["registered"] == 0


def test_report_rate_counts_orders_past_their_deadline(township_a):
    for reported in (D(2011, 6, 16), D(2011, 6, 17), None):
        MeasureFactory(
            person=PersonFactory(township=township_a),
            ordered_on=D(2011, 6, 1),
            reported_on=reported,
            started_on=reported,
        )
    assert figures(D(2011, 6, 15), township_a.code)["report_rate"] == (0, 0)
    assert figures(D(2011, 6, 16), township_a.code)["report_rate"] == (1, 3)


def test_every_parent_is_the_sum_of_its_children(db):
    call_command("seed_demo", "--persons", "400", "--seed", "3", stdout=io.StringIO())
    day = D(2014, 6, 30)
    every = region_figures(day)
    children: dict[str, list[str]] = {}
    for code, parent in Region.objects.exclude(parent=None).values_list("code", "parent_id"):
        children.setdefault(parent, []).append(code)
    assert every["52"]["registered"][0] > 50  # the demo population is counted
    for parent, kids in children.items():
        for code, (numerator, denominator) in every[parent].items():
            assert numerator == sum(every[kid][code][0] for kid in kids), (parent, code)
            if denominator is not None:
                assert denominator == sum(every[kid][code][1] for kid in kids), (parent, code)


def test_a_run_is_idempotent_and_all_or_nothing(township_a):
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    day = D(2012, 12, 31)
    snapshots_compute(day=day)
    first = list(
        IndicatorSnapshot.objects.filter(date=day).values_list("region", "indicator", "numerator", "denominator")
    )
    assert len(first) == Region.objects.count() * len(CODES)
    snapshots_compute(day=day)
    assert (
        list(IndicatorSnapshot.objects.filter(date=day).values_list("region", "indicator", "numerator", "denominator"))
        == first
    )

    PersonFactory(township=township_a, registered_on=D(2011, 1, 1))  # would change the figures

    def killed(code):
        if code == "520102":
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        snapshots_compute(day=day, between_regions=killed)
    assert (
        list(IndicatorSnapshot.objects.filter(date=day).values_list("region", "indicator", "numerator", "denominator"))
        == first
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_date_at_once_take_turns(township_a):
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    day, errors = D(2012, 12, 31), []
    holding, release = threading.Event(), threading.Event()

    def hold(code):  # the first run stops after its first region, inside its transaction, until released
        if not holding.is_set():
            holding.set()
            release.wait(30)

    def run(**kwargs):
        try:
            snapshots_compute(day=day, **kwargs)
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=run, kwargs={"between_regions": hold})
    first.start()
    assert holding.wait(30)
    second = threading.Thread(target=run)
    second.start()
    second.join(3)
    assert second.is_alive()  # waiting for the first run's lock on the date, not racing it
    release.set()
    first.join(30)
    second.join(30)
    assert errors == []
    assert IndicatorSnapshot.objects.filter(date=day).count() == Region.objects.count() * len(CODES)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's (CI runs it)")
@pytest.mark.django_db(transaction=True)
def test_a_backfill_never_stores_figures_older_than_a_nightly_runs(township_a, monkeypatch):
    """A backfill reads every date's records first and stores them after: a nightly run of one of its dates in
    between either waits for it or is read by it, never written over with figures read before it."""
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    days, errors = [D(2012, 11, 30), D(2012, 12, 31)], []
    read, release = threading.Event(), threading.Event()
    computed = snapshots.range_figures

    def read_then_held(dates):  # the backfill stops once its figures are read, before it stores any
        for day, figures_of_day in computed(dates):
            if not read.is_set():
                read.set()
                release.wait(30)
            yield day, figures_of_day

    monkeypatch.setattr(snapshots, "range_figures", read_then_held)

    def run(compute):
        try:
            compute()
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    backfill = threading.Thread(target=run, args=[lambda: list(snapshots.snapshots_compute_range(days))])
    backfill.start()
    assert read.wait(30)
    PersonFactory(township=township_a, registered_on=D(2011, 1, 1))  # committed after the backfill read
    nightly = threading.Thread(target=run, args=[lambda: snapshots.snapshots_compute(day=days[-1])])
    nightly.start()
    _until_done_or_waiting_for_a_lock(nightly)  # stored already, or queued behind the backfill's locks
    release.set()
    backfill.join(30)
    nightly.join(30)
    assert errors == []
    registered = IndicatorSnapshot.objects.filter(region_id=township_a.code, indicator="registered")
    assert dict(registered.values_list("date", "numerator")) == {days[0]: 1, days[1]: 2}  # the nightly's 2 stays


def _until_done_or_waiting_for_a_lock(thread, seconds=30) -> None:
    """Wait until ``thread`` ends or some connection waits for an advisory lock."""
    deadline = time.monotonic() + seconds
    while thread.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)


def test_a_rerun_updates_changed_figures_and_drops_vanished_ones(township_a):
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    day = D(2012, 12, 31)
    snapshots_compute(day=day)
    other_day = IndicatorSnapshot.objects.create(
        date=D(2012, 11, 30), region_id="52", indicator="registered", numerator=9
    )
    IndicatorSnapshot.objects.create(date=day, region_id="52", indicator="retired_indicator", numerator=5)
    ids = {(s.region_id, s.indicator): s.pk for s in IndicatorSnapshot.objects.filter(date=day)}
    PersonFactory(township=township_a, registered_on=D(2011, 1, 1))
    snapshots_compute(day=day)
    snapshots = IndicatorSnapshot.objects.filter(date=day)
    assert snapshots.get(region_id=township_a.code, indicator="registered").numerator == 2
    province = snapshots.get(region_id="52", indicator="registered")
    assert province.numerator == 2
    assert province.pk == ids["52", "registered"]  # updated in place: a drill-down link to it still works
    assert not snapshots.filter(indicator="retired_indicator").exists()
    assert snapshots.count() == Region.objects.count() * len(CODES)
    assert IndicatorSnapshot.objects.get(pk=other_day.pk).numerator == 9  # other dates are left alone


def test_the_commands_compute_and_show(township_a):
    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    call_command("compute_indicators", "--date", "2012-12-31", stdout=io.StringIO())
    out = io.StringIO()
    call_command("show_indicators", "--region", township_a.code, "--date", "2012-12-31", "--json", stdout=out)
    rows = {row["code"]: row for row in json.loads(out.getvalue())}
    assert rows["registered"] == {"code": "registered", "numerator": 1, "denominator": None, "value": 1}
    assert rows["control_rate"] == {"code": "control_rate", "numerator": 0, "denominator": 1, "value": 0.0}
    assert rows["placement_rate"]["value"] is None
    assert month_ends(D(2011, 11, 15), D(2012, 2, 1)) == [
        D(2011, 11, 30),
        D(2011, 12, 31),
        D(2012, 1, 31),
        D(2012, 2, 29),
    ]


def test_a_range_computes_the_month_ends_within_it_and_never_a_day_to_come(township_a):
    out = io.StringIO()
    call_command("compute_indicators", "--from", "2012-01-15", "--to", "2012-03-30", stdout=out)
    dates = set(IndicatorSnapshot.objects.values_list("date", flat=True))
    assert dates == {D(2012, 1, 31), D(2012, 2, 29)}  # 31 March lies after --to
    assert out.getvalue().count("snapshots in") == 2
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for arguments in (
        ["--date", tomorrow],
        ["--from", "2026-01-01", "--to", tomorrow],
        ["--from", "2012-02-01", "--to", "2012-01-01"],
        ["--from", "2012-03-01", "--to", "2012-03-30"],  # no month end within
    ):
        with pytest.raises(CommandError):
            call_command("compute_indicators", *arguments, stdout=io.StringIO())
    assert set(IndicatorSnapshot.objects.values_list("date", flat=True)) == dates


def test_a_range_leaves_the_planner_statistics_of_what_it_wrote(township_a):
    """A range is a bulk load: the snapshot table is analyzed after it (PostgreSQL's ``pg_class.reltuples``, which
    ANALYZE sets to the rows it found)."""
    if connection.vendor != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's (CI runs it)")
    table = IndicatorSnapshot._meta.db_table

    def planned_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    IndicatorSnapshot.objects.all().delete()
    snapshots_compute(day=D(2012, 12, 31))  # one night's date: autovacuum's to see to
    one_date = IndicatorSnapshot.objects.count()
    analyze(IndicatorSnapshot)  # (the statistics survive a test's rollback: start from known ones)
    assert planned_rows() == one_date
    call_command("compute_indicators", "--from", "2012-01-01", "--to", "2012-04-30", stdout=io.StringIO())
    assert IndicatorSnapshot.objects.count() == 5 * one_date
    assert planned_rows() == 5 * one_date


def test_the_nightly_task_computes_yesterday(township_a):
    from reporting.tasks import compute_indicators

    assert compute_indicators.apply(kwargs={"day": "2012-12-31"}).get() == Region.objects.count() * len(CODES)
    assert IndicatorSnapshot.objects.filter(date=D(2012, 12, 31)).exists()


def test_the_indicator_api_is_scoped_and_filtered(client, county_officer, worker_a, township_a):
    from django.urls import reverse

    PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    snapshots_compute(day=D(2012, 12, 31))
    client.force_login(county_officer)
    url = reverse("api:indicator-list")
    rows = client.get(url, {"region": "520102", "date": "2012-12-31", "indicator": "control_rate"}).json()["results"]
    assert rows == [
        {
            "date": "2012-12-31",
            "region": "520102",
            "indicator": "control_rate",
            "numerator": 0,
            "denominator": 1,
            "value": 0.0,
        }
    ]
    assert client.get(url, {"region": "5201", "date": "2012-12-31"}).json()["count"] == 0  # above the county
    assert client.get(url, {"region": "520103", "date": "2012-12-31"}).json()["count"] == 0  # another county
    placement = client.get(url, {"region": township_a.code, "indicator": "placement_rate"}).json()["results"][0]
    assert placement["value"] is None
    client.force_login(worker_a)  # a township worker sees their township's figures only
    regions = {
        row["region"] for row in client.get(url, {"date": "2012-12-31", "indicator": "registered"}).json()["results"]
    }
    assert regions == {township_a.code}


def test_the_drill_down_lists_agree_with_the_figures(
    client, county_officer, worker_a, township_a, township_b, monkeypatch
):
    from django.urls import reverse

    from cases.models import Person
    from reporting.indicators import PERSON_CONDITIONS, drill_down
    from reporting.views.drill_down import DrillDownView
    from sunshine.access import SYSTEM

    call_command("seed_demo", "--persons", "300", "--seed", "5", stdout=io.StringIO())
    day = D(2014, 6, 30)
    snapshots_compute(day=day)
    for code in ("52", "520102", township_a.code):
        for indicator in PERSON_CONDITIONS:
            snapshot = IndicatorSnapshot.objects.get(date=day, region_id=code, indicator=indicator)
            numerator, denominator = drill_down(day=day, region_code=code, indicator=indicator, viewer=SYSTEM)
            assert len(numerator) == snapshot.numerator, (code, indicator)
            assert (denominator is None and snapshot.denominator is None) or len(denominator) == snapshot.denominator
    # the page, for the county officer: the control rate of the county
    snapshot = IndicatorSnapshot.objects.get(date=day, region_id="520102", indicator="control_rate")
    client.force_login(county_officer)
    url = reverse("reporting:drill_down", args=[snapshot.pk])
    monkeypatch.setattr(DrillDownView, "per_page", 5)  # pages of 5, so that the county's lists take several
    response = client.get(url)
    counts = [count for _key, _label, count in response.context["tabs"]]
    # first the complement (未管控: current persons under no measure), then the numerator and the denominator
    assert counts == [snapshot.denominator - snapshot.numerator, snapshot.numerator, snapshot.denominator]
    assert response.context["chosen"] == "complement"

    def listed(key):
        """Every person of a list, page by page as the pager leads."""
        pks, page = [], client.get(url, {"list": key})
        while True:
            pks += [person.pk for person in page.context["persons"]]
            assert len(page.context["persons"]) <= 5
            if not page.context["page_obj"].has_next():
                return pks
            assert f"list={key}" in page.content.decode()  # the pager keeps the list
            page = client.get(url, {"list": key, "page": page.context["page_obj"].next_page_number()})

    complement, counted, denominator = listed("complement"), listed("numerator"), listed("denominator")
    assert complement and not set(complement) & set(counted)
    assert sorted(complement + counted) == denominator and len(denominator) == snapshot.denominator > 10
    page = response.content.decode()
    assert "<h1>南明区 · 管控率 · 2014-06-30</h1>" in page and "未管控（现有吸毒人员中无措施者）" in page
    assert "control_rate" not in page
    assert set(denominator) <= set(Person.objects.visible_to(county_officer).values_list("pk", flat=True))
    client.force_login(worker_a)  # the county's figure is not a township worker's
    assert client.get(reverse("reporting:drill_down", args=[snapshot.pk])).status_code == 404


def test_bases_count_by_scale_class_and_by_the_year_they_opened(township_a, township_c):
    def base_with(township, opened_on, persons):
        base = BaseFactory(region=township, opened_on=opened_on)
        for _ in range(persons):
            PlacementFactory(person=PersonFactory(township=township), base=base, mode="centralised")
        return base

    base_with(township_a, D(2011, 3, 1), 100)  # large, opened in 2011
    base_with(township_a, D(2012, 2, 1), 50)  # medium, opened in the year of D
    base_with(township_c, D(2012, 5, 1), 49)  # too small to count in either class
    figures = {code: numerator for code, (numerator, _) in region_figures(D(2012, 6, 30))["520102"].items()}
    assert (figures["bases_100_plus"], figures["bases_100_plus_opened"]) == (1, 0)
    assert (figures["bases_50_99"], figures["bases_50_99_opened"]) == (1, 1)
    province = {code: numerator for code, (numerator, _) in region_figures(D(2012, 6, 30))["52"].items()}
    assert province["bases_50_99_opened"] == 1 and province["bases_100_plus"] == 1


def test_the_indicator_choices_are_settings(settings, township_a):
    on_methadone = PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    MeasureFactory(person=on_methadone, kind="methadone", ordered_on=None, reported_on=None)
    unable = PersonFactory(township=township_a, registered_on=D(2010, 1, 1), work_capacity="none")
    MeasureFactory(person=unable)
    able = PersonFactory(township=township_a, registered_on=D(2010, 1, 1))
    MeasureFactory(person=able)
    PlacementFactory(person=able)
    day = D(2012, 6, 1)
    assert figures(day, township_a.code)["control_rate"] == (3, 3)  # the design's default: every kind
    assert figures(day, township_a.code)["placement_rate"] == (1, 2)
    settings.INDICATOR_CONTROL_MEASURES = ["community_detox", "community_rehab"]
    settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE = True
    assert figures(day, township_a.code)["control_rate"] == (2, 3)
    assert figures(day, township_a.code)["placement_rate"] == (1, 1)
    MeasureFactory(person=on_methadone, kind="methadone", ordered_on=None, reported_on=None)
    PersonFactory(township=township_a, registered_on=D(2000, 1, 1))  # abstinent since 2003
    MeasureFactory(person=PersonFactory(township=township_a, registered_on=D(2000, 1, 1)), kind="methadone",
                   ordered_on=None, reported_on=None, started_on=D(2012, 1, 1))  # fmt: skip
    # on methadone: not counted as controlled under this choice, but not abstinent either
    assert figures(day, township_a.code)["abstinent_3y"] == (1, None)
    assert figures(day, township_a.code)["control_rate"] == (2, 4)
    settings.INDICATOR_CONTROL_MEASURES = ["community_detox", "no_such_kind"]
    with pytest.raises(ImproperlyConfigured):
        figures(day, township_a.code)


def test_ranks_share_on_ties_skip_after_them_and_leave_no_data_out():
    values = {"a": 0.5, "b": 0.75, "c": 0.75, "d": None, "e": 0.1}
    assert ranks(values) == {"b": 1, "c": 1, "a": 3, "e": 4, "d": None}  # as the bulletin, dashboard and report show


def test_ranks_count_the_values_above_each_one_exactly():
    """Ranked by sorting once (a county's 48 townships by 16 figures on every bulletin), the rank is still one more
    than the number of values strictly above, fractions compared exactly (1/3 is not 0.333)."""
    chooser = random.Random(17)
    pool = [None, 0, 1, Fraction(1, 3), Fraction(2, 6), Fraction(333, 1000), Fraction(2, 3), 5]
    for _round in range(50):
        values = {key: chooser.choice(pool) for key in range(chooser.randint(0, 30))}
        present = [value for value in values.values() if value is not None]
        expected = {key: None if value is None else 1 + sum(other > value for other in present)
                    for key, value in values.items()}  # fmt: skip
        assert ranks(values) == expected


def test_a_county_drill_down_gives_the_ids_of_the_province_wide_facts_in_one_statement(
    province_officer, township_a, township_c, django_assert_num_queries
):
    """The drill-down reads only the county's persons' records (issue 17); its lists are the ids the facts of the
    whole province give for the county, numerator and denominator from one statement, as long as the figures."""
    from cases.models import Person
    from reporting.indicators import PERSON_CONDITIONS, _facts_statement, drill_down

    call_command("seed_demo", "--persons", "300", "--seed", "5", stdout=io.StringIO())
    day, county = D(2014, 6, 30), township_a.parent_id
    # on D one belonged to the county and has left it since, the other arrived after D
    left, arrived = PersonFactory(township=township_c), PersonFactory(township=township_a)
    for person, source, target in ((left, township_a, township_c), (arrived, township_c, township_a)):
        person.registered_on = D(2010, 1, 1)
        person.save()
        Transfer.objects.create(
            person=person, from_township=source, to_township=target, requested_on=D(2014, 7, 1),
            status="accepted", effective_on=D(2014, 7, 2),
        )  # fmt: skip

    def province_wide(condition):  # the facts of every person, then the county's rows
        tail = f"SELECT id FROM classed WHERE township LIKE %(prefix)s AND {condition}"  # noqa: S608
        sql, params = _facts_statement(day, Person.objects.visible_to(province_officer), tail)
        with connection.cursor() as cursor:
            cursor.execute(sql, {**params, "prefix": f"{county}%"})
            return {pk for (pk,) in cursor.fetchall()}

    figures = region_figures(day)[county]
    for indicator, (numerator, denominator) in PERSON_CONDITIONS.items():
        with django_assert_num_queries(1):  # the one facts statement
            counted, of = drill_down(day=day, region_code=county, indicator=indicator, viewer=province_officer)
        assert set(counted) == province_wide(numerator) and len(counted) == figures[indicator][0], indicator
        if denominator is None:
            assert of is None
            continue
        assert set(of) == province_wide(denominator) and len(of) == figures[indicator][1], indicator
        complement = set(of) - set(counted)  # the drill-down page's 未管控 / 未安置 list
        assert len(complement) == figures[indicator][1] - figures[indicator][0], indicator
        assert complement or indicator != "control_rate"  # the seeded county has persons under no measure
    registered, _ = drill_down(day=day, region_code=county, indicator="registered", viewer=province_officer)
    assert left.pk in registered and arrived.pk not in registered
