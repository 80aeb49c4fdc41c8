"""Lawful queries (依法查询, issue #14, DESIGN §3b): request, a second officer's decision, a read-only grant of at
most seven days for the requester alone, the banner and the audit entries naming the grant."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import LawfulQuery, Person, WorkDue
from cases.selectors import live_work_rows, work_rows
from cases.services import lawful_query_decide, lawful_query_request
from cases.services.work_list import work_list_rebuild
from sunshine.models import AuditEntry

from ..conftest import CAST
from ..factories import StaffFactory
from ..permission_matrix import ROUTES, ObjectRoute, PersonRoute
from ..test_permission_matrix import build_objects
from .test_person_file import pdf_text

pytestmark = pytest.mark.django_db
BANNER = "已封存 · 依法查询 · 注意保密"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen(monkeypatch):
    """Time stands still at NOW; ``frozen.move(days)`` moves it."""

    class Clock:
        now = NOW

        def move(self, **delta):
            self.now = self.now + dt.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _ask(user, person, **overrides):
    fields = {"id_number": person.id_number, "querying_unit": "南明分局刑侦大队", "basis": "case",
              "case_number": "南公刑〔2026〕12号", "purpose": "办理贩毒案件，核实涉案人员吸毒史"}  # fmt: skip
    return lawful_query_request(user=user, **{**fields, **overrides})


def test_a_request_names_unit_basis_and_purpose(county_officer, person_s):
    with pytest.raises(ValidationError) as error:
        _ask(county_officer, person_s, querying_unit="", case_number="", purpose=" ")
    assert set(error.value.message_dict) == {"querying_unit", "case_number", "purpose"}
    with pytest.raises(ValidationError) as error:
        _ask(county_officer, person_s, basis="regulation")
    assert set(error.value.message_dict) == {"regulation"}
    query = _ask(county_officer, person_s, basis="regulation", regulation="《反洗钱法》第二十条")
    assert (query.status, query.regulation, query.case_number, query.region_id) == (
        "pending", "《反洗钱法》第二十条", "", "520102"
    )  # fmt: skip


def test_only_a_sealed_file_of_the_region_can_be_asked_for(county_officer, other_county_officer, person_s, person_a):
    for user, person in ((other_county_officer, person_s), (county_officer, person_a)):
        with pytest.raises(ValidationError) as error:
            _ask(user, person)
        assert error.value.message_dict == {"id_number": ["本辖区没有该身份证号的封存记录。"]}
    with pytest.raises(ValidationError) as error:
        _ask(county_officer, person_s, id_number="123")
    assert "id_number" in error.value.message_dict


def test_workers_and_police_cannot_ask(worker_a, police_a, person_s):
    for user in (worker_a, police_a):
        with pytest.raises(PermissionDenied):
            _ask(user, person_s)


def test_the_requester_never_decides_and_a_lower_or_other_office_cannot(
    county_officer, other_county_officer, person_s, client
):
    query = _ask(county_officer, person_s)
    with pytest.raises(PermissionDenied):
        lawful_query_decide(user=county_officer, query=query, approve=True, reason="同意")
    with pytest.raises(PermissionDenied):  # another county's office does not hold the requester's region
        lawful_query_decide(user=other_county_officer, query=query, approve=True, reason="同意")
    client.force_login(county_officer)
    assert client.get(reverse("cases:lawful_query_decide", args=[query.pk])).status_code == 403
    response = client.post(reverse("api:lawful-query-decide", args=[query.pk]), {"approve": True, "reason": "同意"})
    assert response.status_code == 403
    query.refresh_from_db()
    assert query.status == "pending" and query.expires_at is None


def test_a_decision_needs_a_reason_and_is_made_once(county_officer, prefecture_officer, person_s, frozen):
    query = _ask(county_officer, person_s)
    with pytest.raises(ValidationError):
        lawful_query_decide(user=prefecture_officer, query=query, approve=True, reason="")
    refused = lawful_query_decide(user=prefecture_officer, query=query, approve=False, reason="依据不足")
    assert (refused.status, refused.decided_by, refused.expires_at) == ("refused", prefecture_officer, None)
    assert not Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()
    with pytest.raises(ValidationError):
        lawful_query_decide(user=prefecture_officer, query=query, approve=True, reason="改变主意")


@pytest.fixture
def granted(county_officer, person_s, frozen):
    """county_officer asked; a second officer of the same county approved: seven days from NOW."""
    colleague = StaffFactory(username="county_officer_2", role="county_officer", region_id="520102")
    query = lawful_query_decide(user=colleague, query=_ask(county_officer, person_s), approve=True, reason="依法同意")
    assert query.expires_at == NOW + dt.timedelta(days=7)
    return query


def test_with_a_grant_the_requester_only_reads_until_expiry(client, cast, persons, township_a, township_b, granted,
                                                            frozen):  # fmt: skip
    """The permission matrix's sealed person s, under a grant to county_officer: every read route answers 200 to
    the requester and 404 to everyone else; every write route refuses the requester; after 7 days, 404 again."""
    objects = build_objects(persons, township_a, township_b)
    person_s = persons["s"]
    routes = [(name, spec) for name, spec in ROUTES.items() if isinstance(spec, (PersonRoute, ObjectRoute))]
    assert len(routes) > 20
    for who in CAST:
        client.force_login(cast[who])
        for name, spec in routes:
            target = person_s if isinstance(spec, PersonRoute) else objects[spec.obj]["s"]
            url = reverse(name, kwargs={"pk": target.pk, **spec.kwargs})
            status = getattr(client, spec.method)(url).status_code
            writes = spec.method != "get" or getattr(spec, "edit", False) or spec.editors or spec.action
            if who != "county_officer":
                assert status == 404, (name, who, status)
            elif writes and name != "cases:person_reveal_id":
                assert status == 403, (name, status)
            else:
                assert status == 200, (name, status)
    client.force_login(cast["county_officer"])
    response = client.patch(reverse("api:person-detail", args=[person_s.pk]), {"notes": "改"},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    response = client.post(reverse("cases:person_update", args=[person_s.pk]), {"name": "改名"})
    assert response.status_code == 403
    person_s.refresh_from_db()
    assert person_s.notes == "" and person_s.name == "戊某" and person_s.sealed
    frozen.move(days=7)  # the grant ends by itself
    client.force_login(cast["county_officer"])  # (the session itself ended after 30 idle minutes)
    assert client.get(reverse("cases:person_detail", args=[person_s.pk])).status_code == 404
    assert client.get(reverse("api:person-detail", args=[person_s.pk])).status_code == 404


def test_pages_under_a_grant_carry_the_banner_and_the_audit_names_the_grant(client, county_officer, granted, frozen):
    client.force_login(county_officer)
    person = granted.person
    body = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert BANNER in body and person.name in body
    assert BANNER in client.get(reverse("cases:person_list")).content.decode()
    view = AuditEntry.objects.filter(event="view", object_id=person.pk).latest("timestamp")
    assert view.actor == county_officer and view.additional_data == {"lawful_query": granted.pk}
    pdf = client.get(reverse("cases:person_file_pdf", args=[person.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(pdf)
    assert BANNER.replace(" ", "") in text.replace(" ", "") and person.name in text
    export = AuditEntry.objects.filter(event="export").latest("timestamp")
    assert export.additional_data["lawful_query"] == granted.pk
    frozen.move(days=7, seconds=1)
    client.force_login(county_officer)
    response = client.get(reverse("cases:person_list"))
    assert response.status_code == 200 and BANNER not in response.content.decode()


def test_the_approvers_list_shows_requests_without_name(
    client, county_officer, prefecture_officer, person_s, other_county_officer, django_assert_max_num_queries
):
    for _ in range(3):
        _ask(county_officer, person_s)
    client.force_login(prefecture_officer)
    # session, user, the user's region (menu), the banner's grant check, count, the page of queries (with person,
    # requester, decider, region joined), and the session saved (savepoint, update, release)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("cases:lawful_query_list"))
    body = response.content.decode()
    assert body.count("南明分局刑侦大队") == 3 and person_s.masked_id in body
    assert person_s.name not in body and person_s.id_number not in body
    client.force_login(other_county_officer)
    assert "南明分局刑侦大队" not in client.get(reverse("cases:lawful_query_list")).content.decode()


def test_the_api_asks_and_decides_under_the_same_rules(client, county_officer, prefecture_officer, person_s, frozen):
    client.force_login(county_officer)
    response = client.post(reverse("api:lawful-query-list"), {"id_number": person_s.id_number, "basis": "case",
                                                               "querying_unit": "刑侦大队", "case_number": "",
                                                               "purpose": "办案"})  # fmt: skip
    assert response.status_code == 400 and "case_number" in response.json()
    response = client.post(reverse("api:lawful-query-list"), {"id_number": person_s.id_number, "basis": "case",
                                                               "querying_unit": "刑侦大队", "case_number": "A-1",
                                                               "purpose": "办案"})  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["masked_id"] == person_s.masked_id and "id_number" not in data and data["status"] == "pending"
    client.force_login(prefecture_officer)
    response = client.post(reverse("api:lawful-query-decide", args=[data["id"]]), {"approve": True, "reason": "同意"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert LawfulQuery.objects.get(pk=data["id"]).expires_at == NOW + dt.timedelta(days=7)


def test_an_export_under_a_grant_carries_the_banner_and_names_the_grant(client, county_officer, granted, frozen):
    client.force_login(county_officer)
    response = client.get(reverse("placement:tax_relief_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == BANNER and sheet["A2"].value == "用人单位"
    assert AuditEntry.objects.filter(event="export").latest("timestamp").additional_data["lawful_query"] == [granted.pk]
    frozen.move(days=8)
    client.force_login(county_officer)
    sheet = load_workbook(io.BytesIO(client.get(reverse("placement:tax_relief_export")).content)).worksheets[0]
    assert sheet["A1"].value != BANNER


def test_a_grant_puts_no_sealed_work_on_the_list(county_officer, person_s, granted):
    today = NOW.date()
    person_s.measures.create(kind="community_detox", ordered_on=today - dt.timedelta(days=20))
    assert Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()  # the grant reads the file
    assert not live_work_rows(user=county_officer, today=today).exists()  # the one person with work due is sealed
    work_list_rebuild(today)
    WorkDue.objects.create(person=person_s, kind="visit", due_on=today, name=person_s.name)  # a row left stale
    assert work_rows(user=county_officer, today=today).count() == 0  # the stored list hides it all the same


def test_a_request_reads_an_officers_grants_once_and_its_statements_carry_no_grant_subquery(
    client, county_officer, person_s, person_a, granted
):
    """Every scoped statement of the person file would otherwise ask for the grants itself (sunshine.access,
    ``grants_read_once``): in a request they are read once and the statements name the granted person."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(county_officer)
    for person in (person_s, person_a):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:person_detail", args=[person.pk])).status_code == 200
        asking = [query["sql"] for query in queries.captured_queries if "cases_lawfulquery" in query["sql"]]
        # the grants, read once: no statement's subquery, and the banner and the audit entry (which names the
        # grant the sealed file is read under) take them from that read
        assert len(asking) == 1 and asking[0].startswith('SELECT "cases_lawfulquery"')
    # outside a request (a job, a command) each statement asks for itself, so a grant is judged as rows are read
    assert "cases_lawfulquery" in str(Person.objects.visible_to(county_officer).query)


def test_within_a_request_a_grant_decided_is_read_again_and_its_expiry_is_kept(county_officer, person_s, frozen):
    from sunshine.access import grants_read_once

    colleague = StaffFactory(username="county_officer_2", role="county_officer", region_id="520102")
    query = _ask(county_officer, person_s)
    with grants_read_once():
        assert not Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()
        lawful_query_decide(user=colleague, query=query, approve=True, reason="依法同意")
        assert Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()
        for other in (colleague, StaffFactory(role="township_worker", region_id=person_s.township_id)):
            assert not Person.objects.visible_to(other).filter(pk=person_s.pk).exists()  # the grant is one reader's
        assert Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()
        frozen.move(days=7, seconds=1)  # read once, but each use checks the expiry
        assert not Person.objects.visible_to(county_officer).filter(pk=person_s.pk).exists()
