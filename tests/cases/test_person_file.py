"""The printable person file (档案) as PDF: contents, scope, audit, query count."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cases.models import Visit
from cases.pathway import PATHWAY, Stage
from cases.timeline import person_rows, reading_once
from sunshine.models import AuditEntry

from ..factories import RECORD_FACTORIES, MeasureFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def history(person_a, worker_a):
    person_a.household_address, person_a.other_infections = "贵阳市南明区新华路1号", "丙型肝炎"
    person_a.save()
    MeasureFactory(person=person_a, order_number="筑公(戒)决字[2011]7号", authority="南明分局")
    for factory in RECORD_FACTORIES.values():
        factory(person=person_a, recorded_by=worker_a)
    return person_a


def test_the_file_prints_details_full_id_measures_clocks_stage_and_timeline(client, county_officer, history):
    client.force_login(county_officer)
    response = client.get(reverse("cases:person_file_pdf", args=[history.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    pages, text = pdf_text(response)
    assert pages >= 1 and f"1 / {pages}" in text
    assert history.name in text and history.id_number in text  # the official file: the full ID number
    assert "贵阳市南明区新华路1号" in text and "丙型肝炎" in text  # a county officer reads health data
    assert "筑公(戒)决字[2011]7号" in text and "南明分局" in text
    assert "2011-03-16" in text and "2014-03-10" in text  # report deadline (order + 15 days), planned end (3 years)
    # the timeline: every record, the measure's order and report, newest first
    for day in ("2012-02-01", "2011-03-10", "2011-03-01"):
        assert day in text
    assert text.index("2012-02-01") < text.rindex("2011-03-10") < text.rindex("2011-03-01")
    assert "贵阳" in text and "志愿者" in text  # the leave's destination, the help-group member


def test_the_stage_is_printed_with_the_pathway(client, county_officer, history):
    client.force_login(county_officer)
    _pages, text = pdf_text(client.get(reverse("cases:person_file_pdf", args=[history.pk])))
    with translation.override(settings.LANGUAGE_CODE):  # the interface language the file is printed in
        labels = [str(stage.label) for stage in PATHWAY]
        current = str(Stage.REHAB.label)  # under an active community detox measure
    assert f": {current}" in text and all(label in text for label in labels)


def test_health_data_only_for_its_readers(client, prefecture_officer, history):
    client.force_login(prefecture_officer)
    _pages, text = pdf_text(client.get(reverse("cases:person_file_pdf", args=[history.pk])))
    assert history.id_number in text and "丙型肝炎" not in text


def test_every_print_is_audited_as_an_export_of_the_file(client, worker_a, history):
    client.force_login(worker_a)
    client.get(reverse("cases:person_file_pdf", args=[history.pk]))
    entry = AuditEntry.objects.get(event=AuditEntry.Event.EXPORT)
    assert entry.actor == worker_a and entry.object_pk == str(history.pk) and entry.region_id == history.township_id
    assert entry.additional_data == {"document": "person_file", "format": "pdf"}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker_a", 200),
        ("police_a", 200),
        ("county_officer", 200),
        ("prefecture_officer", 200),
        ("province_officer", 200),
        ("worker_b", 404),  # the other township of the same county
        ("other_county_officer", 404),
        ("hr_staff", 404),  # department staff see no person files
        ("sysadmin", 404),
    ],
)
def test_the_file_follows_the_person_scope(request, client, person_a, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("cases:person_file_pdf", args=[person_a.pk])).status_code == status
    assert AuditEntry.objects.filter(event=AuditEntry.Event.EXPORT).count() == (status == 200)


def test_signed_out_users_are_sent_to_sign_in(client, person_a):
    response = client.get(reverse("cases:person_file_pdf", args=[person_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_file_takes_a_fixed_number_of_queries(
    client, county_officer, person_a, worker_a, django_assert_max_num_queries
):
    client.force_login(county_officer)
    # session, user; person with township and county; pathway facts (measures, status events, training,
    # placement); the person's rows, each list read once for the timeline, the measures and the help group (cases
    # 11, training 1, placement 2, welfare 1); audit insert; session save (savepoint, update, release); the
    # lawful-query grant check (#14): 27
    MeasureFactory(person=person_a)
    for factory in RECORD_FACTORIES.values():
        factory(person=person_a, recorded_by=worker_a)
    with django_assert_max_num_queries(27):
        small = client.get(reverse("cases:person_file_pdf", args=[person_a.pk]))
    for day in range(20):
        MeasureFactory(person=person_a, ordered_on=dt.date(2012, 1, 1) + dt.timedelta(days=day))
        for factory in RECORD_FACTORIES.values():
            factory(person=person_a, recorded_by=worker_a)
    with django_assert_max_num_queries(27):
        large = client.get(reverse("cases:person_file_pdf", args=[person_a.pk]))
    assert pdf_text(large)[0] > pdf_text(small)[0]  # more records, more pages, the same queries


def test_the_person_page_links_the_printable_file(client, worker_a, person_a):
    client.force_login(worker_a)
    page = client.get(person_a.get_absolute_url()).content.decode()
    assert reverse("cases:person_file_pdf", args=[person_a.pk]) in page


def test_a_file_reads_each_list_of_its_rows_once_and_only_while_it_is_drawn(
    worker_a, county_officer, person_a, person_b, django_assert_num_queries
):
    """The timeline and the sections ask for the same rows: within ``reading_once`` each list is read once for each
    reader; outside it (and after it) every call reads afresh, so nothing written is missed."""
    RECORD_FACTORIES["visit"](person=person_a, recorded_by=worker_a)
    with reading_once(person_a):
        with django_assert_num_queries(1):
            first = person_rows(person_a, worker_a, Visit)
            assert person_rows(person_a, worker_a, Visit) is first and len(first) == 1
        with django_assert_num_queries(1):  # another reader: their own rows, read for them
            assert person_rows(person_a, county_officer, Visit) == first
        with django_assert_num_queries(1):  # another person: not held by this block
            assert person_rows(person_b, worker_a, Visit) == []
        with reading_once(person_a), django_assert_num_queries(0):  # a block within the block keeps its rows
            assert person_rows(person_a, worker_a, Visit) is first
    RECORD_FACTORIES["visit"](person=person_a, recorded_by=worker_a)
    assert len(person_rows(person_a, worker_a, Visit)) == 2
    assert len(person_rows(person_a, worker_a, Visit)) == 2  # (read again: nothing is held outside the block)
    assert "_rows_read" not in person_a.__dict__


def test_the_page_takes_the_same_queries_with_more_measures_and_records(
    client, county_officer, person_a, worker_a, django_assert_max_num_queries
):
    """Each measure offers its actions by asking ``may`` of it, which reads the measure's person: the rows the file
    reads carry that person, so the page costs the same with one measure or twenty."""
    MeasureFactory(person=person_a)
    client.force_login(county_officer)
    with django_assert_max_num_queries(29):
        client.get(person_a.get_absolute_url())
    for day in range(20):
        MeasureFactory(person=person_a, ordered_on=dt.date(2012, 1, 1) + dt.timedelta(days=day))
        for factory in RECORD_FACTORIES.values():
            factory(person=person_a, recorded_by=worker_a)
    with django_assert_max_num_queries(29):
        response = client.get(person_a.get_absolute_url())
    assert len(response.context["measures"]) == 21 and len(response.context["timeline"]) > 60


@pytest.mark.parametrize("url", ["cases:person_detail", "cases:person_file_pdf"])
def test_the_file_reads_the_person_once_and_their_rows_without_them(client, county_officer, person_a, worker_a, url):
    """The person is read once, with their township; each list of their rows is read alone (a statement that joined
    every foreign key would carry the person's columns, the ID number among them, into every one of them)."""
    MeasureFactory(person=person_a)
    for factory in RECORD_FACTORIES.values():
        factory(person=person_a, recorded_by=worker_a)
    client.force_login(county_officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url, args=[person_a.pk])).status_code == 200
    reading_the_person = [query["sql"] for query in queries if '"cases_person"."id_number"' in query["sql"]]
    assert len(reading_the_person) == 1, reading_the_person
    person_read = reading_the_person[0]  # the person's own row, by its id, from the persons' table
    assert person_read.lstrip().startswith("SELECT") and 'FROM "cases_person"' in person_read
    assert f'"cases_person"."id" = {person_a.pk}' in person_read
