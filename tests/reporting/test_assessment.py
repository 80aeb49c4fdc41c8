"""The assessment report (考核): its figures from snapshots, the Excel and PDF files, finalising, the page and the
command. Text is compared with the figures' own words (resolved in the report's language), never literal Chinese
or English, so the tests hold before and after the translations are done."""

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import time

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reporting.assessment import (
    CODES,
    assessment_document,
    assessment_figures,
    assessment_finalise,
)
from reporting.exports import assessment_pdf, assessment_xlsx
from reporting.models import AssessmentReport, IndicatorSnapshot, Pairing, Target
from reporting.snapshots import snapshots_compute
from sunshine.access import SYSTEM
from sunshine.models import AuditEntry, Job, Region

from ..factories import MeasureFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db
D = dt.date
YEAR_END = D(2012, 12, 31)


@pytest.fixture
def population(township_a, township_b, township_c, worker_a, worker_b):
    """County 520102: A has two persons, one under a measure; B one, under a measure (control 2/3). County
    520103 (township C): one under a measure (1/1). Two township workers in 520102. Figures of 2012-06-30 and
    2012-12-31."""
    for township, measured in ((township_a, True), (township_a, False), (township_b, True), (township_c, True)):
        person = PersonFactory(township=township, registered_on=D(2010, 1, 1))
        if measured:
            MeasureFactory(person=person)
    Pairing.objects.create(unit="省人社厅", region_id="520102", since=D(2011, 10, 1), responsibilities="培训就业")
    Pairing.objects.create(unit="省民政厅", region_id=township_a.code, since=D(2009, 1, 1), until=D(2010, 12, 31))
    Pairing.objects.create(unit="省卫生厅", region_id="520103", since=D(2011, 1, 1))
    for day in (D(2012, 6, 30), YEAR_END):
        snapshots_compute(day=day)


def county():
    return Region.objects.get(code="520102")


def test_the_figures_of_a_county_come_from_its_year_end_snapshots_against_targets(
    population, township_a, township_b, django_assert_num_queries
):
    region = county()
    # the date, the regions, the snapshots, the targets, the workers, the pairings, the previous year's date (none
    # here: its figures are not read), the issuing office (the system-wide reader needs no query of its own)
    with django_assert_num_queries(8):
        figures = assessment_figures(region=region, year=2012)
    assert figures["snapshot_date"] == "2012-12-31" and figures["year"] == 2012
    summary = figures["region"]
    control = summary["figures"]["control_rate"]
    assert (control["numerator"], control["denominator"]) == (2, 3)
    assert control["value"] == pytest.approx(2 / 3)
    # the seeded province target, a linear milestone between 55% (2011-12-31) and 75% (2013-12-31)
    assert control["goal"] == pytest.approx(0.55 + 0.2 * 366 / 731) and control["derived"] is True
    assert control["met"] is True and control["gap"] == pytest.approx(2 / 3 - control["goal"])
    assert summary["figures"]["current"] == {"numerator": 3, "denominator": None, "value": 3}
    assert "goal" not in summary["figures"]["whereabouts_rate"]  # no target set on it
    # rank among the counties of 贵阳市 that have figures: 520103 (1/1) is ahead on control, tied on whereabouts
    assert summary["rank"]["control_rate"] == {"rank": 2, "of": 2}
    assert summary["rank"]["whereabouts_rate"] == {"rank": 1, "of": 2}
    assert summary["rank"]["placement_rate"] == {"rank": 1, "of": 2}  # both 0 of their community measures: a tie
    # the staff ratio: 3 current persons, 2 active township workers
    assert summary["staff"] == {"workers": 2, "current": 3, "ratio": 1.5, "norm": 30, "met": True}
    [townships] = figures["levels"]
    assert townships["level"] == "township"
    assert [row["code"] for row in townships["regions"]] == list(
        Region.objects.filter(parent_id="520102").order_by("code").values_list("code", flat=True)
    )
    rows = {row["code"]: row for row in townships["regions"]}
    assert rows[township_a.code]["figures"]["control_rate"]["value"] == 0.5
    assert rows[township_a.code]["figures"]["control_rate"]["met"] is False
    assert rows[township_a.code]["staff"]["ratio"] == 2.0 and rows[township_a.code]["parent_name"] == "南明区"
    empty = next(row for row in townships["regions"] if row["code"] not in (township_a.code, township_b.code))
    assert empty["figures"]["control_rate"]["value"] is None  # no persons: no data, never 0%
    assert empty["staff"] == {"workers": 0, "current": 0, "ratio": None, "norm": 30, "met": None}
    # pairing units active in 2012 in the county (not the one that ended in 2010, not the other county's)
    assert [p["unit"] for p in figures["pairings"]] == ["省人社厅"]
    # the other county's figures do not travel with the report: only the rank does
    assert "520103" not in json.dumps(figures)
    json.dumps(figures, allow_nan=False)  # plain JSON


def test_a_province_report_has_three_levels_in_the_same_number_of_queries(population, django_assert_num_queries):
    province = Region.objects.get(code="52")
    with django_assert_num_queries(8):  # as for a county
        figures = assessment_figures(region=province, year=2012)
    assert [level["level"] for level in figures["levels"]] == ["prefecture", "county", "township"]
    assert [len(level["regions"]) for level in figures["levels"]] == [9, 88, 1510]
    assert figures["region"]["rank"] == {}  # the province has no siblings
    assert figures["region"]["figures"]["control_rate"]["numerator"] == 3
    # bases built in the year: the province's own yearly targets, 15 + 15 (2011-2013)
    assert [(b["code"], b["value"], b["goal"], b["met"]) for b in figures["bases"]] == [
        ("bases_100_plus_opened", 0, 15.0, False),
        ("bases_50_99_opened", 0, 15.0, False),
    ]


def test_yearly_base_targets_apply_to_a_region_below_only_when_it_has_its_own(population):
    figures = assessment_figures(region=county(), year=2012)
    assert [b["goal"] for b in figures["bases"]] == [None, None]  # the province's 15 is not split among counties
    Target.objects.create(
        indicator="bases_100_plus_opened",
        region_id="520102",
        target_value=2,
        deadline=D(2013, 12, 31),
        per_year=True,
        effective_from=D(2011, 1, 1),
    )
    figures = assessment_figures(region=county(), year=2012)
    assert [(b["value"], b["goal"], b["met"]) for b in figures["bases"]] == [(0, 2.0, False), (0, None, None)]


def test_the_current_year_uses_its_latest_date_and_a_year_without_figures_is_refused(population):
    IndicatorSnapshot.objects.filter(date=YEAR_END).delete()
    assert assessment_figures(region=county(), year=2012)["snapshot_date"] == "2012-06-30"
    with pytest.raises(ValidationError) as refused:
        assessment_figures(region=county(), year=2013)
    assert "2013" in refused.value.message_dict["year"][0]


def _sheet_rows(sheet):
    return {row[0].value: row for row in sheet.iter_rows(min_row=3)}


def test_the_excel_file_has_a_summary_and_a_sheet_per_level_with_frozen_headers(population, township_a):
    figures = assessment_figures(region=Region.objects.get(code="5201"), year=2012)
    text = figures["text"]
    content = assessment_xlsx(figures, final=False)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [text["summary"], *(level["label"] for level in figures["levels"])]
    summary, counties, townships = book.worksheets
    assert (summary.freeze_panes, counties.freeze_panes, townships.freeze_panes) == ("A6", "D3", "D3")
    assert summary["A1"].value.startswith("贵阳市") and text["draft_note"] == summary["A2"].value
    # the indicator table: rates first, in Chinese words only (no code keys), each a number in percent format
    assert [summary.cell(row, 1).value for row in range(6, 6 + len(CODES))] == [figures["labels"][c] for c in CODES]
    assert [summary.cell(5, column).value for column in range(1, 10)] == [
        text[key] for key in ("indicator", "numerator", "denominator", "value", "target", "derived", "gap",
                              "assessment", "rank")
    ]  # fmt: skip
    control = summary.cell(6, 4)
    assert control.value == pytest.approx(3 / 4) and control.number_format == "0.0%"
    assert summary.cell(6, 5).value == pytest.approx(figures["region"]["figures"]["control_rate"]["goal"])
    assert summary.cell(6, 8).value == text["met"]
    # print setup: A4 landscape, one page wide, header rows on every page, page number in the footer
    for sheet, rows in ((summary, "$5:$5"), (counties, "$1:$2"), (townships, "$1:$2")):
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == rows
        assert sheet.oddFooter.center.text == "&P / &N"
    # a level sheet: two header rows, one row per region, its control rate group (numerator ... met)
    assert counties.cell(1, 4).value == figures["labels"]["control_rate"]
    assert [counties.cell(2, c).value for c in range(4, 9)] == [
        text["numerator"], text["denominator"], text["value"], text["target"], text["assessment"]
    ]  # fmt: skip
    assert len(list(townships.iter_rows(min_row=3))) == len(figures["levels"][1]["regions"])
    row = _sheet_rows(townships)[township_a.code]
    assert [cell.value for cell in row[:3]] == [township_a.code, township_a.name, "南明区"]
    assert [cell.value for cell in row[3:8]] == [1, 2, 0.5, pytest.approx(0.6501, abs=1e-4), text["not_met"]]
    assert row[5].number_format == "0.0%"
    nobody = _sheet_rows(counties)["520111"]  # 花溪区: no persons
    assert nobody[5].value == text["no_data"]
    cells = [cell for sheet in book.worksheets for line in sheet.iter_rows() for cell in line]
    assert cells and not [cell for cell in cells if cell.data_type == "f"]  # values only


def test_text_typed_by_people_never_becomes_a_formula(population, province_officer):
    from ..sunshine.test_spreadsheets import PAYLOADS, assert_values_only

    for payload in PAYLOADS[:-1]:
        Pairing.objects.create(unit=payload, region_id="520102", since=D(2012, 1, 1))
    report = assessment_finalise(user=province_officer, region=county(), year=2012, notes=PAYLOADS[-1])
    assert_values_only(assessment_xlsx(report.figures, final=True), PAYLOADS)


def test_the_excel_file_is_the_same_bytes_for_the_same_figures_across_a_second(population):
    figures = assessment_figures(region=county(), year=2012)
    first = assessment_xlsx(figures, final=True)
    time.sleep(1.1 - time.time() % 1)  # into the next second: no timestamp may leak into the file
    assert assessment_xlsx(figures, final=True) == first
    assert assessment_xlsx(figures, final=False) != first  # the status line says draft
    properties = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert (
        properties.created
        == properties.modified
        == dt.datetime.fromisoformat(figures["generated_at"]).astimezone(dt.UTC).replace(tzinfo=None)
    )


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_pdf_shows_the_figures_with_a_cover_and_a_draft_mark_on_every_page(population, township_a):
    figures = assessment_figures(region=Region.objects.get(code="5201"), year=2012)
    text = figures["text"]
    content = assessment_pdf(figures, final=False)
    assert content == assessment_pdf(figures, final=False)  # same figures, same bytes
    pages = _pages(content)
    assert 5 <= len(pages) <= 12
    cover = pages[0].replace("\n", "")
    assert "贵阳市禁毒委员会办公室" in cover and "2012" in cover and text["unnumbered"] in cover
    assert text["draft"].replace(" ", "") in cover.replace(" ", "")
    with translation.override(figures["language"]):
        mark = translation.gettext("DRAFT — not finalised")
    assert all(mark in page for page in pages)  # print/base.html's mark, on every page
    body = "".join(pages)
    assert "75.0%" in body  # the prefecture's control rate (3 of 4)
    assert "南明区" in body and "云岩区" in body and township_a.name in body  # counties and townships tables
    assert "<svg" not in body  # the chart is drawn, not printed as markup
    final = _pages(assessment_pdf(figures, final=True))
    assert not any(mark in page for page in final) and text["draft"] not in final[0]


def test_finalising_freezes_the_figures_and_both_files_reproduce_their_checksums(
    population, province_officer, township_a
):
    report = assessment_finalise(user=province_officer, region=county(), year=2012, notes="  年终考核  ")
    report = AssessmentReport.objects.get(pk=report.pk)  # as the database gives it back
    assert (report.snapshot_date, report.notes, report.finalised_by) == (YEAR_END, "年终考核", province_officer)
    assert report.figures["notes"] == "年终考核" and report.figures["finalised"]["by"] == province_officer.username
    frozen = report.figures["region"]["figures"]["control_rate"]
    assert (frozen["numerator"], frozen["denominator"]) == (2, 3)
    for fmt, render in (("xlsx", assessment_xlsx), ("pdf", assessment_pdf)):
        assert hashlib.sha256(render(report.figures, final=True)).hexdigest() == report.sha256(fmt)
    # later records and a recomputation change the draft figures, never the finalised report
    PersonFactory(township=township_a, registered_on=D(2011, 1, 1))
    snapshots_compute(day=YEAR_END)
    assert assessment_figures(region=county(), year=2012)["region"]["figures"]["control_rate"]["denominator"] == 4
    for fmt in ("xlsx", "pdf"):
        document = assessment_document(viewer=SYSTEM, region=county(), year=2012, fmt=fmt)
        assert document.final and document.sha256 == report.sha256(fmt)
    pdf = _pages(assessment_document(viewer=SYSTEM, region=county(), year=2012, fmt="pdf").content)
    assert "年终考核" in "".join(pdf) and report.document_number in pdf[0]
    # in another process, with another hash seed: the same bytes (the web and the worker must agree)
    script = (
        "import django, hashlib, json, sys; django.setup();"
        "from reporting.exports import assessment_pdf, assessment_xlsx;"
        "f = json.load(sys.stdin);"
        "print(hashlib.sha256(assessment_xlsx(f, final=True)).hexdigest(),"
        " hashlib.sha256(assessment_pdf(f, final=True)).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "sunshine.settings"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(report.figures),
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
    )
    assert out.stdout.split() == [report.sha256_xlsx, report.sha256_pdf]


def test_finalising_is_refused_with_a_reason(population, province_officer, county_officer, township_a):
    with pytest.raises(PermissionDenied):
        assessment_finalise(user=county_officer, region=county(), year=2012)
    with pytest.raises(ValidationError) as refused:
        assessment_finalise(user=province_officer, region=township_a, year=2012)
    assert "region" in refused.value.message_dict
    this_year = dt.date.today().year
    with pytest.raises(ValidationError) as refused:
        assessment_finalise(user=province_officer, region=county(), year=this_year)
    assert "year" in refused.value.message_dict  # not over yet
    IndicatorSnapshot.objects.filter(date=D(2012, 6, 30)).update(date=D(2011, 6, 30))
    with pytest.raises(ValidationError) as refused:
        assessment_finalise(user=province_officer, region=county(), year=2011)
    assert "2011-12-31" in refused.value.message_dict["year"][0]  # mid-year figures only
    assessment_finalise(user=province_officer, region=county(), year=2012)
    with pytest.raises(ValidationError) as refused:
        assessment_finalise(user=province_officer, region=county(), year=2012)
    assert "year" in refused.value.message_dict
    assert AssessmentReport.objects.count() == 1


# The page -----------------------------------------------------------------------------------------------------------


def test_an_office_previews_its_region_and_not_another_one(
    client, population, county_officer, django_assert_max_num_queries
):
    client.force_login(county_officer)
    url = reverse("reporting:assessment")
    # session, user, the user's region, the region asked for, the default year, a final report?, the figures (9),
    # the regions to choose from, the finalised reports, and the session's idle-expiry update (3, with savepoints),
    # the lawful-query banner's grant check (#14)
    with django_assert_max_num_queries(21):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["year"] == 2012 and response.context["region"].code == "520102"
    preview = response.context["preview"]
    assert preview["draft"] and preview["as_of"] == "2012-12-31"
    assert preview["rows"][0]["value"] == "66.7%" and preview["rows"][0]["rank"] == "2 / 2"
    assert b'data-final="false"' in response.content and b"<svg" in response.content
    assert client.get(url, {"region": "520103"}).status_code == 404
    assert client.get(url, {"region": "52"}).status_code == 404
    assert client.get(url, {"year": 2019}).context["problem"]  # no figures that year: said so, no preview


@pytest.mark.parametrize("who", ["worker_a", "hr_staff", "sysadmin", "police_a"])
def test_staff_outside_the_offices_are_refused(client, cast, who):
    client.force_login(cast[who])
    assert client.get(reverse("reporting:assessment")).status_code == 403
    assert client.post(reverse("reporting:assessment_export"), {"year": 2012, "format": "xlsx"}).status_code == 403


def test_an_export_runs_as_a_job_and_its_file_opens(
    client, population, county_officer, django_capture_on_commit_callbacks
):
    client.force_login(county_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:assessment_export"), {"region": "520102", "year": 2012, "format": "xlsx"}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.status, job.params["region"]) == ("assessment_export", "done", "520102")
    assert job.result["final"] is False and job.file_name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.file)))
    assert len(book.sheetnames) == 2 and book.worksheets[0].cell(6, 4).value == pytest.approx(2 / 3)
    entry = AuditEntry.objects.get(event="export")
    assert entry.actor == county_officer and entry.additional_data["region"] == "520102"
    assert entry.additional_data["sha256"] == hashlib.sha256(bytes(job.file)).hexdigest()
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert reverse("job_download", args=[job.pk]).encode() in page.content
    # another county's region: 404, and no job
    other = client.post(reverse("reporting:assessment_export"), {"region": "520103", "year": 2012, "format": "pdf"})
    assert other.status_code == 404 and Job.objects.count() == 1
    bad = client.post(reverse("reporting:assessment_export"), {"region": "520102", "year": 2012, "format": "doc"})
    assert bad.status_code == 200 and bad.context["export_form"].errors["format"]


def test_a_provincial_officer_finalises_on_the_page_and_exports_the_frozen_report(
    client, population, province_officer, county_officer, django_capture_on_commit_callbacks
):
    client.force_login(county_officer)
    url = reverse("reporting:assessment_finalise")
    assert client.post(url, {"region": "520102", "year": 2012}).status_code == 403
    client.force_login(province_officer)
    page = client.get(reverse("reporting:assessment"), {"region": "520102", "year": 2012})
    assert page.context["may_finalise"] and b'id="assessment-finalise"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"region": "520102", "year": 2012, "notes": "好"})
    job = Job.objects.get(kind="assessment_finalise")
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.status == "done", job.message
    report = AssessmentReport.objects.get()
    assert job.result == {"report": report.pk, "sha256_xlsx": report.sha256_xlsx, "sha256_pdf": report.sha256_pdf}
    again = client.post(url, {"region": "520102", "year": 2012})
    assert again.status_code == 200 and again.context["finalise_form"].errors["year"]
    # the county's office sees the finalised report and exports it: the frozen file, whose checksum matches
    client.force_login(county_officer)
    page = client.get(reverse("reporting:assessment"), {"year": 2012})
    assert page.context["report"] == report and list(page.context["finals"]) == [report]
    assert report.sha256_pdf[:12].encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:assessment_export"), {"region": "520102", "year": 2012, "format": "pdf"})
    export = Job.objects.get(kind="assessment_export")
    assert export.result["final"] is True
    assert hashlib.sha256(bytes(export.file)).hexdigest() == report.sha256_pdf == export.result["sha256"]
    entry = AuditEntry.objects.get(event="export", additional_data__format="pdf")
    assert entry.region_id == "520102" and entry.additional_data["final"] is True  # filed under the report's region
    # the other county's office sees none of it
    other = StaffFactory(username="other_county_officer", role="county_officer", region_id="520103")
    client.force_login(other)
    assert list(client.get(reverse("reporting:assessment"), {"year": 2012}).context["finals"]) == []


# The command --------------------------------------------------------------------------------------------------------


def test_the_command_writes_a_draft_then_the_frozen_report(tmp_path, population, province_officer):
    output = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command("export_assessment", "--region", "520102", "--year", "2012", "--format", "xlsx",
                 "--output", str(output), stdout=out)  # fmt: skip
    assert "[3/3]" in out.getvalue() and "draft" in out.getvalue()
    book = openpyxl.load_workbook(output)
    assert book.worksheets[0].cell(6, 4).value == pytest.approx(2 / 3)
    report = assessment_finalise(user=province_officer, region=county(), year=2012)
    call_command("export_assessment", "--region", "520102", "--year", "2012", "--format", "pdf",
                 "--output", str(tmp_path / "report.pdf"), stdout=out)  # fmt: skip
    assert hashlib.sha256((tmp_path / "report.pdf").read_bytes()).hexdigest() == report.sha256_pdf
    assert AuditEntry.objects.filter(event="export", additional_data__via="export_assessment").count() == 2
    with pytest.raises(CommandError, match="2019"):
        call_command("export_assessment", "--region", "520102", "--year", "2019", "--format", "pdf",
                     "--output", str(tmp_path / "x.pdf"), stdout=out)  # fmt: skip
    with pytest.raises(CommandError, match="Unknown region"):
        call_command("export_assessment", "--region", "5299", "--year", "2012", "--format", "pdf",
                     "--output", str(tmp_path / "x.pdf"), stdout=out)  # fmt: skip
