"""Pages and API lists take a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Alert, Transfer

from ..factories import RECORD_FACTORIES, MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _population(n, township, other, recorder):
    for _ in range(n):
        person = PersonFactory(township=township)
        measure = MeasureFactory(person=person)
        for factory in RECORD_FACTORIES.values():
            factory(person=person, recorded_by=recorder)
        Transfer.objects.create(
            person=person, from_township=township, to_township=other, requested_on=dt.date(2012, 1, 1)
        )
        Alert.objects.create(
            person=person, measure=measure, kind="tests_missed", raised_on=dt.date(2012, 1, 1), count=3
        )


# Each list: session, user, user's region (menu), count, one page of rows with their relations,
# and the idle-expiry session save (savepoint, update, release); API lists have no menu query. An officer's
# lawful-query grants are read once per request: the pages' banner and every scoped query share that read.
LISTS = [
    ("cases:transfer_list", 9),
    ("cases:alert_list", 9),
    ("api:measure-list", 8),
    ("api:transfer-list", 8),
    ("api:alert-list", 8),
    *[(f"api:{name}-list", 8) for name in RECORD_FACTORIES],
]


@pytest.mark.parametrize(("name", "limit"), LISTS, ids=[name for name, _ in LISTS])
def test_lists_do_not_grow_with_rows(
    client, county_officer, township_a, township_b, name, limit, django_assert_max_num_queries
):
    _population(3, township_a, township_b, county_officer)
    client.force_login(county_officer)
    with django_assert_max_num_queries(limit):
        small = client.get(reverse(name))
    _population(12, township_a, township_b, county_officer)
    with django_assert_max_num_queries(limit):
        large = client.get(reverse(name))
    assert small.status_code == large.status_code == 200
    if name.startswith("api:"):
        assert large.json()["count"] > small.json()["count"]


@pytest.mark.parametrize("name", ["api:measure-list", "api:alert-list"])
def test_api_lists_join_only_what_they_name(client, county_officer, township_a, township_b, name):
    """A viewset naming no relations joins none: select_related() without names would join every foreign key (the
    person, their township), building each row's person from columns the answer never shows, the ID number among
    them."""
    _population(2, township_a, township_b, county_officer)
    client.force_login(county_officer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).json()["count"] == 2
    assert not [query["sql"] for query in queries if '"cases_person"."id_number"' in query["sql"]]
