"""The figures of many dates in one pass (issue 17 item 2) equal the one-date statement's, region by region."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import DrugUseFinding, StatusEvent, Transfer, UrineTest
from reporting.indicator_range import range_figures
from reporting.indicators import region_figures
from reporting.snapshots import month_ends
from sunshine.models import Region

from ..factories import MeasureFactory, PersonFactory
from ..placement.factories import BaseFactory, PlacementFactory

pytestmark = pytest.mark.django_db
D = dt.date


def assert_same_as_each_date(days):
    ranged = list(range_figures(days))
    assert [day for day, _figures in ranged] == sorted(set(days))
    for day, figures in ranged:
        expected = region_figures(day)
        assert figures.keys() == expected.keys()
        differing = {code: (figures[code], expected[code]) for code in expected if figures[code] != expected[code]}
        assert differing == {}, day


def test_the_demo_population_gives_each_month_end_the_figures_of_its_own_run(db):
    call_command("seed_demo", "--persons", "300", "--seed", "5", "--today", "2016-06-30", stdout=io.StringIO())
    days = month_ends(D(2010, 1, 1), D(2016, 6, 30))
    ranged = dict(range_figures(days))
    assert ranged[D(2014, 12, 31)]["52"]["registered"][0] > 100  # the population is counted
    assert ranged[D(2014, 12, 31)]["52"]["control_rate"][1] > 20
    assert_same_as_each_date(days)


def test_the_edges_of_each_rule_fall_on_the_same_day(township_a, township_b, township_c):
    """Each rule's boundary on a date computed and the day either side of it."""
    urban = (
        Region.objects.within("5201")
        .filter(level="township", is_urban=True)
        .exclude(pk__in=[township_a.pk, township_b.pk, township_c.pk])
        .first()
    )
    moved = PersonFactory(township=township_b, registered_on=D(2010, 1, 31))
    for effective, origin in ((D(2012, 3, 1), township_a), (D(2012, 3, 1), township_c), (D(2012, 6, 30), urban)):
        Transfer.objects.create(
            person=moved, from_township=origin, to_township=township_b, requested_on=D(2012, 1, 1),
            status="accepted", effective_on=effective,
        )  # fmt: skip
    Transfer.objects.create(
        person=moved, from_township=township_c, to_township=township_b, requested_on=D(2012, 1, 1),
        status="rejected", effective_on=D(2012, 4, 30),
    )  # fmt: skip
    MeasureFactory(person=moved, started_on=D(2011, 2, 28), ended_on=D(2012, 2, 29), ordered_on=D(2011, 2, 13),
                   reported_on=D(2011, 2, 28))  # fmt: skip
    PlacementFactory(person=moved, contract_start=D(2011, 3, 31), contract_end=D(2012, 3, 31), left_on=D(2012, 1, 31))

    wandering = PersonFactory(township=urban, registered_on=D(2011, 1, 1), work_capacity="none")
    MeasureFactory(person=wandering, kind="community_rehab", started_on=D(2011, 1, 31), ordered_on=D(2011, 1, 16),
                   reported_on=None)  # fmt: skip
    MeasureFactory(person=wandering, kind="methadone", started_on=None, ordered_on=None, reported_on=None)
    PlacementFactory(person=wandering, contract_start=D(2011, 2, 28), contract_end=None)
    for kind, day in (("lost", D(2011, 5, 31)), ("found", D(2011, 5, 31)), ("lost", D(2011, 8, 31)),
                      ("found", D(2011, 10, 30)), ("lost", D(2012, 1, 31))):  # fmt: skip
        StatusEvent.objects.create(person=wandering, kind=kind, occurred_on=day)

    relapsing = PersonFactory(township=township_a, registered_on=D(2008, 2, 29))
    UrineTest.objects.create(person=relapsing, tested_on=D(2009, 2, 28), result="positive")
    UrineTest.objects.create(person=relapsing, tested_on=D(2010, 2, 28), result="negative")
    DrugUseFinding.objects.create(person=relapsing, found_on=D(2009, 12, 31))
    StatusEvent.objects.create(person=relapsing, kind="departed", occurred_on=D(2013, 1, 31))
    StatusEvent.objects.create(person=relapsing, kind="deceased", occurred_on=D(2013, 3, 31))

    late = PersonFactory(township=township_c, registered_on=D(2012, 12, 31))
    MeasureFactory(person=late, kind="compulsory", started_on=D(2012, 12, 31), ended_on=D(2013, 1, 1),
                   ordered_on=D(2012, 12, 30), reported_on=None)  # fmt: skip

    days = month_ends(D(2008, 1, 1), D(2013, 12, 31))
    days += [day + dt.timedelta(days=shift) for day in days for shift in (-1, 1)]
    days += [D(2012, 2, 28), D(2012, 3, 1), D(2012, 6, 29), D(2012, 6, 30), D(2013, 1, 1), D(2011, 2, 15)]
    assert_same_as_each_date(days)


def test_the_bases_scale_classes_change_on_the_same_days(township_a, township_c):
    """A base reaches 100 and drops back when one holder leaves; another reaches 50 only once it opens; a person
    with two contracts at a base counts once there, a short contract not at all."""
    first = BaseFactory(region=township_a, opened_on=D(2011, 6, 15))
    second = BaseFactory(region=township_c, opened_on=D(2012, 12, 31))
    holders = PersonFactory.create_batch(100, township=township_a, registered_on=D(2010, 1, 1))
    for number, person in enumerate(holders):
        PlacementFactory(person=person, mode="concentrated", base=first, contract_start=D(2011, 7, 1),
                         contract_end=D(2012, 6, 30), left_on=D(2012, 1, 31) if number == 0 else None)  # fmt: skip
    PlacementFactory(person=holders[1], mode="concentrated", base=first, contract_start=D(2011, 9, 1),
                     contract_end=D(2013, 8, 31))  # fmt: skip
    PlacementFactory(person=holders[2], mode="concentrated", base=second, contract_start=D(2012, 1, 1),
                     contract_end=D(2012, 3, 31))  # fmt: skip
    for person in PersonFactory.create_batch(50, township=township_c, registered_on=D(2010, 1, 1)):
        PlacementFactory(person=person, mode="concentrated", base=second, contract_start=D(2012, 1, 1),
                         contract_end=D(2014, 12, 31))  # fmt: skip
    days = [*month_ends(D(2011, 1, 1), D(2013, 12, 31)), D(2011, 6, 30), D(2011, 7, 1), D(2012, 1, 31), D(2012, 2, 1)]
    ranged = dict(range_figures(days))
    assert ranged[D(2011, 7, 31)]["52"]["bases_100_plus"] == (1, None)
    assert ranged[D(2012, 2, 29)][township_a.code]["bases_50_99"] == (1, None)
    assert ranged[D(2012, 12, 31)]["52"]["bases_50_99_opened"] == (1, None)
    assert ranged[D(2013, 1, 31)]["52"]["bases_50_99_opened"] == (0, None)
    assert_same_as_each_date(days)


def test_the_choices_in_the_settings_hold_for_the_range_too(settings, township_a):
    person = PersonFactory(township=township_a, registered_on=D(2010, 1, 1), work_capacity="none")
    MeasureFactory(person=person, kind="methadone", started_on=D(2011, 1, 1))
    MeasureFactory(person=person, started_on=D(2011, 1, 1))
    PlacementFactory(person=person)
    settings.INDICATOR_CONTROL_MEASURES = ["community_detox"]
    settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE = False
    assert_same_as_each_date([D(2012, 6, 30), D(2012, 12, 31)])
    settings.INDICATOR_CONTROL_MEASURES = ["methadone"]
    settings.INDICATOR_PLACEMENT_EXCLUDES_UNABLE = True
    assert_same_as_each_date([D(2012, 6, 30), D(2012, 12, 31)])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_reads_share_one_snapshot(township_a):
    """Called outside a transaction (as the command is), the reads run in one of their own (REPEATABLE READ on
    PostgreSQL) and leave none open."""
    MeasureFactory(person=PersonFactory(township=township_a, registered_on=D(2010, 1, 1)))
    assert_same_as_each_date([D(2011, 12, 31), D(2012, 12, 31)])
    assert not connection.in_atomic_block


def test_no_dates_no_figures(db):
    assert list(range_figures([])) == []
