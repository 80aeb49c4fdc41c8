"""The legal clocks and the rules of measure transitions (DESIGN §3), at their boundaries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import Alert, Measure
from cases.person_file import _planned_end
from cases.services import (
    measure_close,
    measure_escalate,
    measure_extend,
    measure_order,
    measure_record_discharge_notice,
    measure_record_report,
    measure_validate,
)

from ..factories import MeasureFactory

pytestmark = pytest.mark.django_db
D = dt.date


def order(user, person, **fields):
    fields.setdefault("kind", "community_detox")
    if fields["kind"] in ("community_detox", "community_rehab"):
        fields.setdefault("ordered_on", D(2011, 6, 1))
    return measure_order(user=user, measure=Measure(person=person, **fields))


# --- clocks -------------------------------------------------------------------------------------


def test_community_detox_runs_three_years_from_the_report():
    measure = Measure(
        kind="community_detox", ordered_on=D(2011, 6, 1), reported_on=D(2011, 6, 10), started_on=D(2011, 6, 10)
    )
    assert measure.planned_end == D(2014, 6, 10)  # DESIGN's own example
    assert measure.is_active_on(D(2014, 6, 9)) and measure.ended_on is None


@pytest.mark.parametrize(("reported_on", "late"), [(D(2011, 6, 16), False), (D(2011, 6, 17), True)])
def test_report_on_day_15_is_in_time_and_day_16_is_late(reported_on, late):
    measure = Measure(kind="community_detox", ordered_on=D(2011, 6, 1), reported_on=reported_on)
    assert measure.report_deadline == D(2011, 6, 16)
    assert measure.reported_late() is late


def test_an_unreported_order_is_late_only_after_the_deadline():
    measure = Measure(kind="community_detox", ordered_on=D(2011, 6, 1))
    assert not measure.reported_late(D(2011, 6, 16))
    assert measure.reported_late(D(2011, 6, 17))


def test_a_measure_ending_on_d_is_not_active_on_d():
    measure = Measure(kind="voluntary_detox", started_on=D(2012, 1, 1), ended_on=D(2012, 3, 1))
    assert measure.is_active_on(D(2012, 2, 29)) and not measure.is_active_on(D(2012, 3, 1))
    assert list(Measure.objects.none().active_on(D(2012, 3, 1))) == []


def test_isolation_runs_two_years_plus_extension_and_may_end_early_after_one():
    measure = Measure(kind="compulsory_isolation", started_on=D(2012, 2, 29), extension_months=6)
    assert measure.planned_end == D(2014, 8, 28)  # 29 Feb + 2 years falls back to the 28th
    assert measure.early_release_from == D(2013, 2, 28)


def test_rehabilitation_term_is_up_to_three_years():
    assert Measure(kind="community_rehab", started_on=D(2012, 1, 1), term_months=24).planned_end == D(2014, 1, 1)
    assert Measure(kind="community_rehab", started_on=D(2012, 1, 1)).planned_end == D(2015, 1, 1)


def test_measure_years_turn_on_the_anniversary():
    measure = Measure(kind="community_detox", started_on=D(2011, 6, 10))
    assert [measure.year_on(day) for day in (D(2012, 6, 9), D(2012, 6, 10), D(2013, 6, 10))] == [1, 2, 3]


# --- decisions ----------------------------------------------------------------------------------


def test_only_the_county_office_orders(worker_a, county_officer, person_a):
    with pytest.raises(PermissionDenied):
        order(worker_a, person_a)
    assert order(county_officer, person_a).pk


def test_the_county_cannot_order_outside_its_county(county_officer, person_c):
    with pytest.raises(PermissionDenied):
        order(county_officer, person_c)
    assert not Measure.objects.exists()


def test_reporting_starts_the_clock_and_a_late_report_alerts(worker_a, county_officer, person_a):
    measure = order(county_officer, person_a)
    measure_record_report(user=worker_a, measure=measure, reported_on=D(2011, 6, 17), agreement_on=D(2011, 6, 17))
    measure.refresh_from_db()
    assert measure.started_on == D(2011, 6, 17) and measure.planned_end == D(2014, 6, 17)
    assert Alert.objects.get(measure=measure).kind == "late_report"


def test_a_report_in_time_raises_no_alert(worker_a, county_officer, person_a):
    measure = order(county_officer, person_a)
    measure_record_report(user=worker_a, measure=measure, reported_on=D(2011, 6, 16), agreement_on=None)
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "community_rehab"}, "kind"),  # no preceding compulsory isolation
        ({"kind": "community_rehab", "term_months": 0}, "term_months"),  # empty is 3 years; 0 is no term
        ({"kind": "community_rehab", "term_months": 37}, "term_months"),
        ({"reported_on": D(2011, 5, 1)}, "reported_on"),  # report before the order
        ({"kind": "compulsory_isolation", "started_on": D(2012, 1, 1), "pregnant": True}, "kind"),
        ({"kind": "compulsory_isolation", "started_on": D(2012, 1, 1), "nursing_infant": True}, "kind"),
        ({"kind": "compulsory_isolation", "started_on": D(2012, 1, 1), "extension_months": 13}, "extension_months"),
        ({"kind": "voluntary_detox"}, "started_on"),
        ({"kind": "community_detox", "ordered_on": None}, "ordered_on"),
        ({"kind": "methadone", "started_on": D(2099, 1, 1)}, "started_on"),
        (
            {
                "kind": "voluntary_detox",
                "started_on": D(2012, 1, 1),
                "ended_on": D(2011, 12, 31),
                "end_reason": "completed",
            },
            "ended_on",
        ),
    ],
)
def test_illegal_measures_are_refused_on_their_field(county_officer, person_a, fields, field):
    with pytest.raises(ValidationError) as error:
        order(county_officer, person_a, **fields)
    assert field in error.value.message_dict
    assert not Measure.objects.exists()


def test_overlapping_community_measures_are_refused(county_officer, person_a):
    order(county_officer, person_a, reported_on=D(2011, 6, 10))
    with pytest.raises(ValidationError) as error:
        order(county_officer, person_a, ordered_on=D(2012, 1, 1))
    assert "kind" in error.value.message_dict
    assert Measure.objects.count() == 1


def test_methadone_may_run_alongside_community_detox(county_officer, person_a):
    order(county_officer, person_a, reported_on=D(2011, 6, 10))
    order(county_officer, person_a, kind="methadone", started_on=D(2012, 1, 1))
    assert Measure.objects.count() == 2


def test_rehabilitation_follows_release_from_isolation(county_officer, person_a):
    isolation = order(county_officer, person_a, kind="compulsory_isolation", started_on=D(2010, 1, 1))
    measure_close(user=county_officer, measure=isolation, ended_on=D(2012, 1, 1), end_reason="released")
    rehab = order(county_officer, person_a, kind="community_rehab", ordered_on=D(2012, 1, 1), reported_on=D(2012, 1, 5))
    assert rehab.planned_end == D(2015, 1, 5)


@pytest.mark.parametrize(("ended_on", "ok"), [(D(2012, 12, 31), False), (D(2013, 1, 1), True)])
def test_early_release_only_after_one_year(county_officer, person_a, ended_on, ok):
    isolation = order(county_officer, person_a, kind="compulsory_isolation", started_on=D(2012, 1, 1))
    if ok:
        measure_close(user=county_officer, measure=isolation, ended_on=ended_on, end_reason="early_release")
    else:
        with pytest.raises(ValidationError, match="2013-01-01"):
            measure_close(user=county_officer, measure=isolation, ended_on=ended_on, end_reason="early_release")


@pytest.mark.parametrize(("ended_on", "ok"), [(D(2014, 6, 9), False), (D(2014, 6, 10), True)])
def test_discharge_on_completion_at_exactly_three_years(county_officer, person_a, ended_on, ok):
    measure = order(county_officer, person_a, reported_on=D(2011, 6, 10))
    if ok:
        measure_close(user=county_officer, measure=measure, ended_on=ended_on, end_reason="completed")
        assert measure.discharge_notice_deadline == D(2014, 6, 17)
    else:
        with pytest.raises(ValidationError):
            measure_close(user=county_officer, measure=measure, ended_on=ended_on, end_reason="completed")


def test_discharge_notice_is_recorded_by_the_township(worker_a, county_officer, person_a):
    measure = order(county_officer, person_a, reported_on=D(2011, 6, 10))
    measure_close(user=county_officer, measure=measure, ended_on=D(2014, 6, 10), end_reason="completed")
    with pytest.raises(ValidationError):
        measure_record_discharge_notice(user=worker_a, measure=measure, notified_on=D(2014, 6, 9))
    measure_record_discharge_notice(user=worker_a, measure=measure, notified_on=D(2014, 6, 12))
    assert Measure.objects.get(pk=measure.pk).discharge_notified_on == D(2014, 6, 12)


def test_escalation_ends_the_community_measure_and_starts_isolation_together(county_officer, person_a):
    measure = order(county_officer, person_a, reported_on=D(2011, 6, 10))
    isolation = measure_escalate(
        user=county_officer, measure=measure, decided_on=D(2012, 3, 1), order_number="强戒[2012]1号"
    )
    measure.refresh_from_db()
    assert (measure.ended_on, measure.end_reason) == (D(2012, 3, 1), "escalated")
    assert (isolation.kind, isolation.started_on, isolation.planned_end) == (
        "compulsory_isolation",
        D(2012, 3, 1),
        D(2014, 3, 1),
    )


def test_a_refused_escalation_leaves_the_community_measure_open(county_officer, person_a):
    measure = order(county_officer, person_a, reported_on=D(2011, 6, 10))
    with pytest.raises(ValidationError):
        measure_escalate(user=county_officer, measure=measure, decided_on=D(2011, 6, 1))  # before the start
    measure.refresh_from_db()
    assert measure.ended_on is None and Measure.objects.count() == 1


def test_extension_is_capped_at_one_year(county_officer, person_a):
    isolation = order(county_officer, person_a, kind="compulsory_isolation", started_on=D(2012, 1, 1))
    measure_extend(user=county_officer, measure=isolation, extension_months=12)
    assert Measure.objects.get(pk=isolation.pk).planned_end == D(2015, 1, 1)
    with pytest.raises(ValidationError):
        measure_extend(user=county_officer, measure=isolation, extension_months=13)


def test_the_nightly_job_alerts_unreported_orders_once(county_officer, person_a, person_b):
    from cases.tasks import raise_late_report_alerts

    today = dt.date.today()
    late = order(county_officer, person_a, ordered_on=today - dt.timedelta(days=16))
    order(county_officer, person_b, ordered_on=today - dt.timedelta(days=15))  # still in time
    assert raise_late_report_alerts.apply().get() == 1
    assert raise_late_report_alerts.apply().get() == 0
    assert list(Alert.objects.values_list("measure", "kind")) == [(late.pk, "late_report")]


def test_a_stale_close_form_is_refused_with_the_other_save_on_its_field(client, county_officer, person_a):
    """The close form carries the version it showed: a save based on it after another user's change is refused."""
    measure = MeasureFactory(person=person_a)
    client.force_login(county_officer)
    url = reverse("cases:measure_close", args=[measure.pk])
    shown = client.get(url).context["form"]["version"].value()
    Measure.objects.get(pk=measure.pk).save()  # somebody else saves the measure meanwhile
    response = client.post(url, {"version": shown, "ended_on": "2014-06-10", "end_reason": "completed"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "保存" in " ".join(response.context["form"].non_field_errors())
    measure.refresh_from_db()
    assert measure.ended_on is None
    assert response.context["form"]["version"].value() == measure.version  # saving again is a decision in sight


@pytest.mark.parametrize("started_on", [D(2011, 6, 10), D(2024, 1, 31), D(2024, 2, 29), D(2023, 3, 31)])
def test_it_gives_the_work_list_the_planned_end_the_measure_gives(person_a, started_on):
    """The work list's expiry (``_planned_end``, in SQL) is ``Measure.planned_end``: month ends fall back to the
    shorter month's last day, a detox measure runs 3 years whatever its term, a rehabilitation measure its term or
    3 years without one."""
    terms = {"community_detox": [None, 12], "community_rehab": [None, 0, 1, 11, 13, 24, 36]}
    measures = [
        MeasureFactory(person=person_a, kind=kind, started_on=started_on, term_months=term)
        for kind, kind_terms in terms.items()
        for term in kind_terms
    ]
    in_sql = dict(Measure.objects.filter(person=person_a).annotate(end=_planned_end()).values_list("pk", "end"))
    assert {m.pk: in_sql[m.pk] for m in measures} == {m.pk: m.planned_end for m in measures}
    if started_on == D(2024, 1, 31):
        rehab = {m.term_months: m.planned_end for m in measures if m.kind == "community_rehab"}
        assert (rehab[1], rehab[13], rehab[None]) == (D(2024, 2, 29), D(2025, 2, 28), D(2027, 1, 31))


def test_a_stored_term_of_0_months_does_not_stop_its_measure_being_edited(person_a):
    measure = MeasureFactory(person=person_a, kind="community_rehab", started_on=D(2012, 1, 1), term_months=0)
    try:
        measure_validate(measure, today=D(2013, 1, 1))
    except ValidationError as error:
        assert "term_months" not in error.message_dict
    assert measure.planned_end == D(2015, 1, 1)  # read as no term: 3 years
