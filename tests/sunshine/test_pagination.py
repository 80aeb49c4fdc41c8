"""Bounded counts (issue 17): lists and searches count at most BOUND + 1 rows past the page's start, never every
row of the province; the API says whether ``count`` is exact, the pages say "N+ 条"."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sunshine.pagination import BoundedPageNumberPagination, BoundedPaginator

from ..factories import RECORD_FACTORIES, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bound(monkeypatch):
    """Rows counted past a page's start: 5 (or a page, if more); the API's pages of 2."""
    monkeypatch.setattr(BoundedPaginator, "bound", 5)
    monkeypatch.setattr(BoundedPageNumberPagination, "page_size", 2)


def test_the_api_reports_a_bounded_count_and_still_pages_past_it(client, county_officer, township_a, bound):
    person = PersonFactory(township=township_a)
    for _ in range(8):
        RECORD_FACTORIES["visit"](person=person)
    client.force_login(county_officer)
    url = reverse("api:visit-list")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).json()
    assert (first["count"], first["count_exact"], len(first["results"])) == (5, False, 2)  # "more than 5"
    assert list(first) == ["count", "count_exact", "next", "previous", "results"] and first["next"]
    counting = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counting) == 1 and "LIMIT 6" in counting[0]  # never a count over every row
    # with the bound above the list the count is exact
    BoundedPaginator.bound = 100
    exact = client.get(url).json()
    assert (exact["count"], exact["count_exact"]) == (8, True)


def test_pages_past_the_bound_open_and_the_last_one_ends_the_list(client, county_officer, township_a, bound):
    for _ in range(13):
        PersonFactory(township=township_a)
    client.force_login(county_officer)
    url = reverse("api:person-list")
    pages = [client.get(url, {"page": n}) for n in range(1, 9)]
    assert [page.status_code for page in pages] == [200] * 7 + [404]
    bodies = [page.json() for page in pages[:7]]
    assert sum(len(body["results"]) for body in bodies) == 13
    assert [body["count_exact"] for body in bodies] == [False, False, False, False, True, True, True]
    assert [body["count"] for body in bodies] == [5, 7, 9, 11, 13, 13, 13] and bodies[-1]["next"] is None


def test_the_person_list_and_search_say_more_than_the_bound(client, county_officer, township_a, bound):
    for n in range(40):
        PersonFactory(township=township_a, name=f"王{n:02d}")
    PersonFactory(township=township_a, name="李某")
    client.force_login(county_officer)
    url = reverse("cases:person_list")
    page = client.get(url).content.decode()  # 30 a page (more than the bound): 41 persons, counted to 31
    assert "第1页</span>" in page and "30+ 条" in page and "共" not in page
    page = client.get(url, {"page": 2}).content.decode()  # from row 31: 11 left, counted exactly
    assert "第2页，共2页" in page and "共 41 条" in page and "+ 条" not in page
    page = client.get(url, {"q": "王"}).content.decode()  # the search: 40 found, counted to 31
    assert "30+ 条" in page and "王00" in page and "李某" not in page
    page = client.get(url, {"q": "王", "page": 2}).content.decode()
    assert "共 40 条" in page and "王39" in page


def test_a_page_number_past_any_list_is_not_found_and_last_counts_from_its_own_page(
    client, county_officer, township_a, bound
):
    for _ in range(13):
        PersonFactory(township=township_a)
    client.force_login(county_officer)
    url = reverse("api:person-list")
    for page in ("99999999999999999999", "3000000000000"):  # an OFFSET the database could not hold, and a large one
        assert client.get(url, {"page": page}).status_code == 404
    assert client.get(reverse("cases:person_list"), {"page": "99999999999999999999"}).status_code == 404
    # "last" is found from a count that stops at the bound (6 rows: page 3), then counted again from page 3's row 5:
    # 9+ rows, more to come (it was "6 rows, exact", with no next page, counted from the first row)
    last = client.get(url, {"page": "last"}).json()
    assert (last["count"], last["count_exact"], len(last["results"])) == (9, False, 2) and last["next"]


@pytest.mark.parametrize("kind", ["visit", "urine-test"])
def test_a_township_sorts_its_own_records_and_an_office_walks_the_date_index(
    client, worker_a, county_officer, township_a, township_b, bound, kind
):
    """Newest first, the same ids as the county sees of that township, page after page; a township's page sorts its
    own records (an expression no index serves) instead of walking the province's (date, id) index."""
    import datetime as dt

    record = RECORD_FACTORIES[kind]
    date_field = record._meta.model.date_field
    days = [dt.date(2012, 3, 1) + dt.timedelta(days=n % 3) for n in range(5)]  # ties on a date: broken by id
    mine = [record(person=PersonFactory(township=township_a), **{date_field: day}).pk for day in days]
    record(person=PersonFactory(township=township_b))  # (another township's)
    url = reverse(f"api:{kind}-list")

    def listed(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            pages = [client.get(url, {"page": page}).json() for page in (1, 2, 3)]
        page_sql = [query["sql"] for query in queries if "ORDER BY" in query["sql"] and "COUNT(" not in query["sql"]]
        return [row["id"] for page in pages for row in page["results"]], page_sql

    expected = sorted(mine, key=lambda pk: (days[mine.index(pk)], pk), reverse=True)
    as_worker, worker_sql = listed(worker_a)
    assert as_worker == expected
    assert worker_sql and all("ORDER BY COALESCE(" in sql for sql in worker_sql)
    as_county, county_sql = listed(county_officer)
    assert [pk for pk in as_county if pk in mine] == expected
    assert county_sql and not any("COALESCE(" in sql.split("ORDER BY")[1] for sql in county_sql)


OURS = {"sunshine", "cases", "training", "placement", "welfare", "reporting", "outcomes"}


def _nullable(model, path: str) -> bool:
    """Whether the column at ``path`` (``field__field``) may read null: a nullable field on the way, or at the end."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
    return False


def test_an_ordering_says_where_the_nulls_of_a_nullable_column_go():
    """SQLite sorts nulls first going up and last going down, PostgreSQL the other way: an ordering that leaves it
    to the engine shows production another order than the tests on SQLite saw (the alert list did: open alerts,
    whose decision date is null, sank below those decided in 2008). The ordering of every model of ours on a
    nullable column says ``nulls_first`` or ``nulls_last``."""
    unsaid, checked = [], 0
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for term in model._meta.ordering:
            if isinstance(term, str):
                path, said = term.lstrip("-"), False
            else:  # an OrderBy of a column: F("name").desc(nulls_first=True)
                path, said = term.expression.name, bool(term.nulls_first or term.nulls_last)
            checked += 1
            if path != "pk" and _nullable(model, path) and not said:
                unsaid.append(f"{model.__name__}: {term}")
    assert checked > 30  # (every model's ordering was read)
    assert unsaid == []
