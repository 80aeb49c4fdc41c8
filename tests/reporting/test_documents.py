"""The assessment report as an official document (issue 16): the written body against sentences written by hand,
the PDF's frame read back with pypdf, document numbers, corrected versions, targets and staff as they were."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from pypdf import PdfReader

from reporting.assessment import assessment_correct, assessment_figures, assessment_finalise
from reporting.exports import assessment_pdf
from reporting.models import AssessmentReport, IssuingOffice, Target
from reporting.snapshots import snapshots_compute
from reporting.targets import target_set
from sunshine.models import Region, StaffPeriod
from sunshine.services import staff_save

from ..factories import MeasureFactory, PersonFactory, StaffFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def population(township_a, township_b, township_c, worker_a, worker_b):
    """County 520102 (南明区): township A (新华路街道) two persons, one under a measure; B (西湖路街道) one, under
    a measure. County 520103 (township C) one, under a measure. Workers A and B since 2000. Figures of
    2011-12-31 (A's second person not yet registered) and 2012-12-31."""
    for township, measured, registered in (
        (township_a, True, D(2010, 1, 1)),
        (township_a, False, D(2012, 3, 1)),
        (township_b, True, D(2010, 1, 1)),
        (township_c, True, D(2010, 1, 1)),
    ):
        person = PersonFactory(township=township, registered_on=registered)
        if measured:
            MeasureFactory(person=person)
    for day in (D(2011, 12, 31), D(2012, 12, 31)):
        snapshots_compute(day=day)


def county():
    return Region.objects.get(code="520102")


def _text(content: bytes) -> list[str]:
    return [page.extract_text().replace("\n", "") for page in PdfReader(io.BytesIO(content)).pages]


def test_the_written_body_of_a_county_reads_as_written_by_hand(population):
    """Worked by hand: control 2/3 = 66.7% against the 2012 milestone 55% + 20% × 366/731 = 65.0%, 1.7 points
    above; 2011: 2/2 = 100%, so down 33.3 points. Consolidation 0/3 against 11% + 19% × 366/731 = 20.5%.
    Urban placement: nobody placed of the two under CD/CR. Staff: 3 current persons, 2 workers: 1.5."""
    with translation.override("zh-hans"):
        body = assessment_figures(region=county(), year=2012)["body"]
    assert body == [
        "截至2012年12月31日，南明区登记在册吸毒人员3名，其中现有吸毒人员3名；设有目标值的3项指标中1项达标。",
        "管控率为66.7%（2/3），目标值65.0%（按年度推算），已达标，高出1.7个百分点；"
        "在贵阳市所辖2个县（市、区）中排第2位；较2011年12月31日下降33.3个百分点。",
        "戒断巩固率为0.0%（0/3），目标值20.5%（按年度推算），未达标，相差20.5个百分点；"
        "在贵阳市所辖2个县（市、区）中排第1位；与2011年12月31日持平。",
        "城镇就业安置率为0.0%（0/2），目标值40.0%，未达标，相差40.0个百分点；"
        "在贵阳市所辖2个县（市、区）中排第1位；与2011年12月31日持平。",
        "行踪掌握率为100.0%（3/3）；在贵阳市所辖2个县（市、区）中排第1位；与2011年12月31日持平。",
        "报到率为100.0%（2/2）；在贵阳市所辖2个县（市、区）中排第1位；与2011年12月31日持平。",
        "各乡镇（街道）中，管控率最高的是西湖路街道（100.0%），最低的是新华路街道（50.0%）。",
        "平均每名社区禁毒专职工作人员负责现有吸毒人员1.5名（现有吸毒人员3名，专职工作人员2名），"
        "符合每人不超过30名的要求。",
    ]


def test_the_province_body_weighs_the_bases_against_the_yearly_targets(population):
    with translation.override("zh-hans"):
        figures = assessment_figures(region=Region.objects.get(code="52"), year=2012)
    body = figures["body"]
    assert (
        "全年建成规模100人以上安置基地0个，目标15个，差15个，未完成；全年建成规模50至99人安置基地0个，目标15个，差15个，未完成。"
        in body
    )
    assert not any("所辖" in sentence for sentence in body)  # the province has no regions beside it to rank among
    assert [base["goal"] for base in figures["bases"]] == [15, 15]


def test_the_finalised_pdf_is_an_official_document(population, province_officer):
    IssuingOffice.objects.create(
        region=county(),
        name="南明区禁毒委员会办公室",
        prefix="南禁毒办",
        recipients="各乡（镇、街道）",
        copy_to="区公安分局",
    )
    with translation.override("zh-hans"):
        report = assessment_finalise(user=province_officer, region=county(), year=2012, notes="请各乡镇对照整改。")
    year = timezone.localdate().year
    number = f"南禁毒办〔{year}〕1号"
    assert report.document_number == number
    pages = _text(assessment_pdf(report.figures, final=True))
    first, text = pages[0], "".join(pages)
    # the frame: issuing office's mark, document number, title, main recipients
    assert first.startswith("南明区禁毒委员会办公室文件") and number in first
    assert "关于南明区2012年度“阳光工程”工作考核情况的通报" in first and "各乡（镇、街道）：" in first
    # the body as written, the notes and the indicator choices
    assert "管控率为66.7%（2/3），目标值65.0%（按年度推算），已达标，高出1.7个百分点" in text
    assert "请各乡镇对照整改。" in text and "计入管控的措施：社区戒毒、社区康复" in text
    assert "城镇就业安置率（名称以“街道”“镇”结尾的乡镇）为考核指标，目标值40%" in text
    # the signature block with room for the seal, and the 版记
    today = timezone.localdate()
    dated = f"{today.year}年{today.month}月{today.day}日"
    assert "（印章）南明区禁毒委员会办公室" + dated in text
    assert "抄送：区公安分局" in text and f"南明区禁毒委员会办公室 {dated}印发" in text
    # the annexes: listed, then each with its table; townships listed only with data
    assert (
        "附件：1. 指标完成情况2. 本年度安置基地建设目标完成情况3. 人员配比与结对帮扶单位4. 下级地区 · 乡镇（街道）"
        in text
    )
    assert "附件1指标完成情况" in text and "附件2本年度安置基地建设目标完成情况" in text
    assert "附件4下级地区 · 乡镇（街道）" in text
    assert "520102016" in text and "520102017" in text and "520102001" not in text  # 520102001: nobody registered
    assert "草稿" not in text


def test_the_province_pdf_stops_at_counties_and_lists_only_regions_with_data(population):
    with translation.override("zh-hans"):
        figures = assessment_figures(region=Region.objects.get(code="52"), year=2012)
        pages = _text(assessment_pdf(figures, final=False))
    text = "".join(pages)
    assert len(pages) <= 12
    assert "下级地区 · 市（州）" in text and "下级地区 · 县（市、区）" in text
    assert "下级地区 · 乡镇（街道）" not in text and "各乡镇（街道）数据见本报告的Excel文件。" in text
    assert "520102" in text and "520103" in text and "520111" not in text  # 花溪区: no persons
    assert "南明禁毒办" not in text and "（定稿时编号）" in pages[0] and "黔禁毒办" not in pages[0]
    assert figures["document"]["prefix"] == "黔禁毒办"  # the province's default: its short name
    assert [level["level"] for level in figures["levels"]] == ["prefecture", "county", "township"]  # Excel: all


def test_each_office_numbers_its_documents_in_a_yearly_sequence(population, province_officer):
    first = assessment_finalise(user=province_officer, region=county(), year=2012)
    second = assessment_finalise(user=province_officer, region=county(), year=2011)
    other = assessment_finalise(user=province_officer, region=Region.objects.get(code="520103"), year=2012)
    year = timezone.localdate().year
    assert [first.document_number, second.document_number, other.document_number] == [
        f"南明禁毒办〔{year}〕1号",
        f"南明禁毒办〔{year}〕2号",
        f"云岩禁毒办〔{year}〕1号",
    ]


def test_a_corrected_version_keeps_both_with_their_figures_and_checksums(population, province_officer, township_a):
    report = assessment_finalise(user=province_officer, region=county(), year=2012)
    with pytest.raises(ValidationError) as refused:
        assessment_correct(user=province_officer, report=report, reason="  ")
    assert "reason" in refused.value.message_dict
    PersonFactory(township=township_a, registered_on=D(2011, 5, 1))  # a person registered late, found in review
    snapshots_compute(day=D(2012, 12, 31))
    with translation.override("zh-hans"):
        corrected = assessment_correct(user=province_officer, report=report, reason="补录漏报人员1名")
    report.refresh_from_db()
    assert report.superseded_at is not None and corrected.superseded_at is None
    assert (report.version, corrected.version, corrected.reason) == (1, 2, "补录漏报人员1名")
    assert report.figures["region"]["figures"]["registered"]["value"] == 3
    assert corrected.figures["region"]["figures"]["registered"]["value"] == 4
    assert corrected.document_number == report.document_number  # the same document, corrected
    assert report.sha256_pdf != corrected.sha256_pdf
    for version in (report, corrected):
        assert hashlib.sha256(assessment_pdf(version.figures, final=True)).hexdigest() == version.sha256_pdf
    first = _text(assessment_pdf(corrected.figures, final=True))[0]
    assert "（更正版）" in first and "更正原因：补录漏报人员1名" in first
    with pytest.raises(ValidationError):  # the old version cannot be corrected again
        assessment_correct(user=province_officer, report=report, reason="再次更正")
    assert AssessmentReport.objects.filter(region=county(), year=2012).count() == 2


def test_a_target_changed_in_2013_leaves_the_2012_assessment_unchanged(population, province_officer):
    before = assessment_figures(region=county(), year=2012)["region"]["figures"]["control_rate"]
    target_set(
        user=province_officer,
        target=Target(
            indicator="control_rate",
            region_id="52",
            baseline_value=Decimal("0.55"),
            baseline_date=D(2011, 12, 31),
            target_value=Decimal("0.9"),
            deadline=D(2013, 12, 31),
            effective_from=D(2013, 1, 1),
        ),
    )
    after = assessment_figures(region=county(), year=2012)["region"]["figures"]["control_rate"]
    assert after == before and after["goal"] == pytest.approx(0.55 + 0.2 * 366 / 731)
    snapshots_compute(day=D(2013, 12, 31))
    assert assessment_figures(region=county(), year=2013)["region"]["figures"]["control_rate"]["goal"] == 0.9


def test_a_worker_account_created_in_2025_does_not_change_the_2013_staff_ratio(population, township_a):
    snapshots_compute(day=D(2013, 12, 31))
    before = assessment_figures(region=county(), year=2013)["region"]["staff"]
    assert (before["workers"], before["current"]) == (2, 3)
    StaffFactory(username="newcomer", role="township_worker", region=township_a, _save__from=D(2025, 3, 1))
    assert assessment_figures(region=county(), year=2013)["region"]["staff"] == before


def test_accounts_keep_the_history_of_their_role_region_and_active_periods(county_officer, township_a, township_b):
    account = StaffFactory.build(username="w9", role="township_worker", region=township_a)
    staff_save(manager=county_officer, account=account, password="Sunshine-test-2011-x")
    today = timezone.localdate()
    assert list(StaffPeriod.objects.filter(user=account).values_list("region_id", "started_on", "ended_on")) == [
        (township_a.code, today, None)
    ]
    account.full_name = "王五"  # not a change of role, region or activity: the period stays open
    staff_save(manager=county_officer, account=account)
    account.region = township_b
    staff_save(manager=county_officer, account=account)
    account.is_active = False
    staff_save(manager=county_officer, account=account)
    assert list(StaffPeriod.objects.filter(user=account).values_list("region_id", "ended_on").order_by("pk")) == [
        (township_a.code, today),
        (township_b.code, today),
    ]


def test_finalising_is_confirmed_then_corrected_with_a_reason_and_both_are_listed(
    client, population, province_officer, county_officer, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from sunshine.models import Job

    confirm = reverse("reporting:assessment_finalise")
    client.force_login(county_officer)
    assert client.get(confirm, {"region": "520102", "year": 2012}).status_code == 403
    client.force_login(province_officer)
    page = client.get(confirm, {"region": "520102", "year": 2012})
    assert page.status_code == 200 and "管控率为66.7%（2/3）" in page.content.decode()
    assert AssessmentReport.objects.count() == 0  # showing what will be frozen freezes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm, {"region": "520102", "year": 2012, "notes": ""})
    first = AssessmentReport.objects.get()
    job = Job.objects.get(kind="assessment_finalise")
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    correct = reverse("reporting:assessment_correct", args=[first.pk])
    refused = client.post(correct, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"] == ["请填写更正原因。"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(correct, {"reason": "补录漏报人员"})
    second = AssessmentReport.objects.get(superseded_at=None)
    assert second.version == 2 and second.reason == "补录漏报人员"
    assert client.get(correct).status_code == 404  # the superseded version is not corrected again
    listed = client.get(reverse("reporting:assessment"), {"region": "520102", "year": 2012}).content.decode()
    for version in (first, second):
        assert version.sha256_pdf[:12] in listed and version.sha256_xlsx[:12] in listed
    assert 'data-superseded="true"' in listed and "补录漏报人员" in listed
