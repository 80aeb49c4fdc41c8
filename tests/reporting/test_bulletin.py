"""The monthly bulletin (通报): ranks, ties, changes and no data from hand-built snapshots; the PDF; scope; audit."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reporting.bulletin import bulletin
from reporting.models import IndicatorSnapshot
from sunshine.models import AuditEntry, Job, Region
from sunshine.regions import RegionCode

pytestmark = pytest.mark.django_db
D = dt.date
JUNE, MAY = D(2013, 6, 30), D(2013, 5, 31)


def snap(day, region, indicator, numerator, denominator=None):
    return IndicatorSnapshot(
        date=day, region_id=region, indicator=indicator, numerator=numerator, denominator=denominator
    )


@pytest.fixture
def towns():
    """Four townships of county 520102 (the county has more: those have no snapshots at all)."""
    return list(Region.objects.filter(parent_id="520102").order_by("code")[:4])


@pytest.fixture
def figures(towns):
    """June and May figures of 520102 and four of its townships (t1..t4), and of the county next door.

    control_rate in June: t1 3/4 and t2 6/8 tie at 75%, t3 1/2 = 50%, t4 0/0 (no data); in May t1 was 1/2,
    t2 had no snapshot, t3 3/5. registered in June: t2 and t3 tie at 12, t1 10; t1 had 8 in May.
    """
    t1, t2, t3, t4 = (town.code for town in towns)
    rows = [
        snap(JUNE, "520102", "control_rate", 10, 14),
        snap(MAY, "520102", "control_rate", 6, 12),
        snap(JUNE, t1, "control_rate", 3, 4),
        snap(JUNE, t2, "control_rate", 6, 8),
        snap(JUNE, t3, "control_rate", 1, 2),
        snap(JUNE, t4, "control_rate", 0, 0),
        snap(MAY, t1, "control_rate", 1, 2),
        snap(MAY, t3, "control_rate", 3, 5),
        snap(JUNE, "520102", "registered", 34),
        snap(JUNE, t1, "registered", 10),
        snap(JUNE, t2, "registered", 12),
        snap(JUNE, t3, "registered", 12),
        snap(MAY, t1, "registered", 8),
        snap(JUNE, "520103", "control_rate", 1, 1),
        snap(JUNE, "5201", "control_rate", 11, 15),
        snap(MAY, "5201", "control_rate", 7, 13),
    ]
    IndicatorSnapshot.objects.bulk_create(rows)
    return t1, t2, t3, t4


def table(found, code):
    return next(t for t in found.tables if t.code == code)


def test_children_are_ranked_best_first_with_shared_ranks_and_no_data_last(county_officer, towns, figures):
    t1, t2, t3, t4 = figures
    found = bulletin(user=county_officer, region=Region.objects.get(code="520102"), month=D(2013, 6, 1))
    assert found.has_data and found.has_previous and found.day == JUNE and found.previous_day == MAY
    control = table(found, "control_rate")
    ranked = [(row.region.code, row.rank, row.shown, row.change_shown) for row in control.rows]
    assert ranked[:3] == [(t1, 1, "75.0%", "+25.0"), (t2, 1, "75.0%", ""), (t3, 3, "50.0%", "-10.0")]
    # a zero denominator and a missing snapshot are both no data, ranked nowhere, after the ranked ones
    assert all(rank is None and shown == "" for _code, rank, shown, _change in ranked[3:])
    assert {code for code, *_rest in ranked[3:]} == set(Region.objects.filter(parent_id="520102").values_list(
        "code", flat=True)) - {t1, t2, t3}  # fmt: skip
    assert ranked[3][0] == t4  # no-data rows by code: t4 is the first township after t1..t3

    registered = table(found, "registered")
    assert [(row.region.code, row.rank, row.shown) for row in registered.rows[:3]] == [
        (t2, 1, "12"),
        (t3, 1, "12"),
        (t1, 3, "10"),
    ]
    assert registered.rows[2].change_shown == "+2" and not registered.merit and control.merit


def test_the_region_own_figure_is_assessed_against_its_target(county_officer, figures):
    found = bulletin(user=county_officer, region=Region.objects.get(code="520102"), month=D(2013, 6, 15))
    control = table(found, "control_rate")
    assert control.own.shown == "71.4%" and control.own.change_shown == "+21.4"  # 10/14 against 6/12
    # the seeded province target: 55% at 2011-12-31 to 75% by 2013-12-31, a derived milestone on 2013-06-30
    goal = 0.55 + 0.20 * (JUNE - D(2011, 12, 31)).days / (D(2013, 12, 31) - D(2011, 12, 31)).days
    assert control.assessment["goal"] == pytest.approx(goal) and control.assessment["derived"]
    assert control.assessment["met"] is True and control.goal_shown == f"{goal * 100:.1f}%"
    assert table(found, "whereabouts_rate").assessment["goal"] is None  # no target at any level
    assert table(found, "registered").own.shown == "34" and table(found, "registered").own.change is None


def test_rates_come_first_and_every_indicator_has_a_table(county_officer, figures):
    from reporting.indicators import CODES, RATES

    found = bulletin(user=county_officer, region=Region.objects.get(code="520102"), month=JUNE)
    assert [t.code for t in found.tables][: len(RATES)] == list(RATES)
    assert sorted(t.code for t in found.tables) == sorted(CODES)


def test_a_month_without_snapshots_says_so(county_officer, figures):
    found = bulletin(user=county_officer, region=Region.objects.get(code="520102"), month=D(2013, 7, 1))
    assert not found.has_data and found.has_previous  # June is there, July is not
    assert all(row.value is None for t in found.tables for row in t.rows)


@pytest.mark.parametrize("region", ["520102", "52"])
def test_the_bulletin_takes_three_queries_whatever_the_number_of_regions(
    province_officer, figures, region, django_assert_num_queries
):
    place = Region.objects.get(code=region)
    # child regions; snapshots of both month ends; targets in force
    with django_assert_num_queries(3):
        found = bulletin(user=province_officer, region=place, month=JUNE)
    assert len(found.children) == Region.objects.filter(parent=place).count() > 5


def test_the_prefecture_ranks_its_counties(prefecture_officer, figures):
    found = bulletin(user=prefecture_officer, region=Region.objects.get(code="5201"), month=JUNE)
    control = table(found, "control_rate")
    assert [(row.region.code, row.rank, row.shown) for row in control.rows[:2]] == [
        ("520103", 1, "100.0%"),
        ("520102", 2, "71.4%"),
    ]
    assert control.rows[1].change_shown == "+21.4" and control.own.shown == "73.3%"


def test_the_page_shows_the_ranked_tables_of_the_latest_complete_month(
    client, county_officer, figures, django_assert_max_num_queries
):
    IndicatorSnapshot.objects.create(date=D(2013, 7, 14), region_id="520102", indicator="registered", numerator=40)
    client.force_login(county_officer)
    # session, user, the user's region (also the menu's), the region asked (in scope), latest snapshot date,
    # region choices, child regions, snapshots of both month ends, targets, the issue number, session save
    # (savepoint, update, release), the lawful-query banner's grant check (#14): 14, whatever the number of regions
    # (the selector's three are pinned below)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reporting:bulletin"))
    assert response.status_code == 200
    found = response.context["bulletin"]
    assert found.month == D(2013, 6, 1)  # 2013-07-14 is mid-month: July is not complete
    page = response.content.decode()
    assert found.tables[0].code == "control_rate" and found.tables[0].rows[0].region.code == figures[0]
    assert "75.0%" in page and "+25.0" in page
    assert f'action="{reverse("reporting:bulletin_pdf")}"' in page and 'name="month" value="2013-06"' in page
    drill = IndicatorSnapshot.objects.get(date=JUNE, region_id=figures[0], indicator="control_rate")
    assert reverse("reporting:drill_down", args=[drill.pk]) in page
    linked = [row for table in found.tables for row in table.rows if row.snapshot_id and row.value is not None]
    assert linked and all(f'href="{reverse("reporting:drill_down", args=[row.snapshot_id])}"' in page for row in linked)
    assert all(row.link == reverse("reporting:drill_down", args=[row.snapshot_id]) for row in linked)


def _print(client, django_capture_on_commit_callbacks, month="2013-06"):
    """POST the PDF route: the job runs (on commit, here at once); the job, and the PDF's text."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:bulletin_pdf"), {"region": "520102", "month": month})
    job = Job.objects.filter(kind="bulletin_pdf").latest("pk")
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == "done", job.message
    return job, [page.extract_text() for page in PdfReader(io.BytesIO(bytes(job.file))).pages]


def test_the_pdf_is_an_official_document_printed_in_the_background_and_audited(
    client, county_officer, towns, figures, django_capture_on_commit_callbacks
):
    client.force_login(county_officer)
    job, pages = _print(client, django_capture_on_commit_callbacks)
    assert job.file_name == "通报-520102-2013-06.pdf" and job.content_type == "application/pdf"
    text = "".join(pages).replace("\n", "")
    first = pages[0].replace("\n", "")
    assert first.startswith("阳光工程工作通报第1期南明区禁毒委员会办公室")
    assert "各乡（镇、街道）禁毒工作办公室：" in first and "2013-06-30" in first
    for town in towns[:3]:
        assert town.name in text
    assert "75.0%" in text and "50.0%" in text and "71.4%" in text and "+25.0" in text and "-10.0" in text
    assert "（印章）南明区禁毒委员会办公室" in text and "印发" in text
    entry = AuditEntry.objects.get(event=AuditEntry.Event.EXPORT)
    assert entry.actor == county_officer and entry.region_id == "520102"
    assert entry.additional_data == {
        "export": "bulletin", "region": "520102", "month": "2013-06", "format": "pdf", "issue": 1
    }  # fmt: skip
    page = client.get(reverse("reporting:bulletin"), {"region": "520102", "month": "2013-06"}).content.decode()
    assert "第1期" in page


def test_an_issue_keeps_its_number_and_its_bytes_and_the_next_month_takes_the_next(
    client, county_officer, figures, django_capture_on_commit_callbacks
):
    client.force_login(county_officer)
    first, _pages = _print(client, django_capture_on_commit_callbacks)
    again, _pages = _print(client, django_capture_on_commit_callbacks)
    assert bytes(again.file) == bytes(first.file)  # the same issue: same number, same date, same bytes
    _may, pages = _print(client, django_capture_on_commit_callbacks, month="2013-05")
    assert "第2期" in pages[0]


def test_a_month_without_figures_gives_a_clear_page_not_an_empty_pdf(client, county_officer, figures):
    client.force_login(county_officer)
    query = {"region": "520102", "month": "2013-07"}
    for response in (
        client.get(reverse("reporting:bulletin"), query),
        client.post(reverse("reporting:bulletin_pdf"), query),
    ):
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert 'id="no-data"' in response.content.decode() and "2013-07-31" in response.content.decode()
        assert f'action="{reverse("reporting:bulletin_pdf")}"' not in response.content.decode()  # no PDF button
    assert not Job.objects.exists() and not AuditEntry.objects.filter(event=AuditEntry.Event.EXPORT).exists()


@pytest.mark.parametrize("month", ["2013-13", "2013", "0001-01", "9999-12"])
def test_a_bad_month_is_refused_on_the_form(client, county_officer, figures, month):
    client.force_login(county_officer)
    response = client.post(reverse("reporting:bulletin_pdf"), {"region": "520102", "month": month})
    assert response.status_code == 400 and list(response.context["form"].errors) == ["month"]
    assert not Job.objects.exists()


def test_the_target_column_holds_the_target_and_the_status_its_own_column(client, county_officer, figures):
    client.force_login(county_officer)
    found = client.get(reverse("reporting:bulletin"), {"region": "520102", "month": "2013-06"}).context["bulletin"]
    control = found.tables[0]
    # the province's target, a linear milestone on 2013-06-30: 55% + 20% × 547 / 731 = 69.97%
    assert [row.goal_shown for row in control.rows[:3]] == ["70.0%", "70.0%", "70.0%"]
    assert [row.met for row in control.rows[:3]] == [True, True, False]


def test_a_count_target_is_not_held_against_the_regions_below(county_officer, province_officer, figures):
    """The province's 15 bases of 100 or more opened a year are a province total, not each county's."""
    IndicatorSnapshot.objects.bulk_create(
        [snap(JUNE, "52", "bases_100_plus_opened", 9), snap(JUNE, "5201", "bases_100_plus_opened", 4)]
    )
    province = bulletin(user=province_officer, region=Region.objects.get(code="52"), month=JUNE)
    opened = table(province, "bases_100_plus_opened")
    assert opened.assessment["goal"] == 15 and opened.assessment["met"] is False and opened.goal_shown == "15"
    assert opened.rows[0].region.code == "5201" and opened.rows[0].met is None  # no target of its own
    county = bulletin(user=county_officer, region=Region.objects.get(code="520102"), month=JUNE)
    assert table(county, "bases_100_plus_opened").assessment["goal"] is None
    # a rate's target holds below the region it is set on: every township is assessed against the 75% path
    assert [row.met for row in table(county, "control_rate").rows[:3]] == [True, True, False]


@pytest.mark.parametrize(
    ("who", "region", "status"),
    [
        ("county_officer", "520102", 200),
        ("county_officer", "520103", 404),  # the county next door
        ("county_officer", "5201", 404),  # the prefecture above
        ("other_county_officer", "520102", 404),
        ("prefecture_officer", "520102", 200),
        ("prefecture_officer", "520302", 404),  # another prefecture's county
        ("province_officer", "520302", 200),
        ("county_officer", "nonsense", 404),
        ("worker_a", "520102", 403),
        ("police_a", "520102", 403),
        ("hr_staff", "520102", 403),
        ("sysadmin", "520102", 403),
    ],
)
def test_officers_read_their_region_and_below_only(request, client, figures, who, region, status):
    client.force_login(request.getfixturevalue(who))
    query = {"region": region, "month": "2013-06"}
    assert client.get(reverse("reporting:bulletin"), query).status_code == status, (who, region)
    printed = client.post(reverse("reporting:bulletin_pdf"), query).status_code
    # a job is started (302) where there are June figures; 520302 has none: the page says so
    assert printed == (302 if status == 200 and region == "520102" else status), (who, region)
    assert Job.objects.count() == (1 if printed == 302 else 0)


def test_a_township_has_no_bulletin(client, county_officer, towns):
    client.force_login(county_officer)
    assert client.get(reverse("reporting:bulletin"), {"region": towns[0].code}).status_code == 404


def test_the_region_choices_are_the_officer_region_and_below(client, prefecture_officer, figures):
    client.force_login(prefecture_officer)
    response = client.get(reverse("reporting:bulletin"), {"region": "5201", "month": "2013-06"})
    codes = [code for code, _label in response.context["form"].fields["region"].choices]
    assert codes[0] == "5201" and "520102" in codes and "520103" in codes
    assert all(RegionCode("5201").contains(code) and not RegionCode(code).is_township for code in codes)


def test_the_menu_links_the_bulletin_for_officers_only(client, county_officer, worker_a):
    client.force_login(county_officer)
    assert reverse("reporting:bulletin") in client.get(reverse("home")).content.decode()
    client.force_login(worker_a)
    assert reverse("reporting:bulletin") not in client.get(reverse("home")).content.decode()


def test_the_latest_month_is_that_of_the_region_and_its_children_in_one_query(
    towns, county_officer, province_officer, django_assert_num_queries
):
    """The bulletin's month: the latest complete month with snapshots of the region or a region right below it
    (a township's figures of a later month do not make a prefecture's bulletin); read in one indexed query."""
    from reporting.bulletin import latest_month

    prefecture, county, other_county = (Region.objects.get(code=code) for code in ("5201", "520102", "520103"))
    IndicatorSnapshot.objects.bulk_create(
        [
            snap(MAY, "5201", "registered", 1),
            snap(JUNE, "520102", "registered", 1),  # a county of the prefecture
            snap(D(2013, 7, 31), towns[0].code, "registered", 1),  # a township: below the children
            snap(D(2013, 7, 15), "520103", "registered", 1),  # a county, mid-month (the nightly run)
        ]
    )
    with django_assert_num_queries(1):  # the latest date, the regions as a subquery
        assert latest_month(user=county_officer, region=prefecture) == D(2013, 6, 1)  # 520103 is out of reach
    with django_assert_num_queries(1):
        assert latest_month(user=county_officer, region=county) == D(2013, 7, 1)  # its township's July
    assert latest_month(user=province_officer, region=prefecture) == D(2013, 6, 1)  # July 15 is not a month end
    assert latest_month(user=province_officer, region=other_county) == D(2013, 6, 1)
