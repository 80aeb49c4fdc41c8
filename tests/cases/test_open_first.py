"""What awaits a decision comes first: open alerts and open transfers head their lists, an order awaiting its
report heads a person's measures, and the home page shows the newest few open alerts and transfers with a link to
the rest.

The alert list once sorted by ``acknowledged_on`` and left where the nulls go to the engine: SQLite puts them
first, PostgreSQL last, so on the real database a county office saw alerts decided in 2008 above the open ones. The
transfer list sorted by the status's text, which put rejected transfers first and those awaiting the county's
approval behind the cancelled ones. The measures sorted by start date descending, which puts an order not yet
started first on PostgreSQL and last on SQLite.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Alert, Transfer
from cases.views import HOME_LIST

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _alert(person, raised_on, acknowledged_on=None):
    return Alert.objects.create(
        person=person, kind="tests_missed", raised_on=raised_on, count=3, acknowledged_on=acknowledged_on
    )


def _transfer(person, to_township, requested_on, status):
    return Transfer.objects.create(
        person=person, from_township=person.township, to_township=to_township, requested_on=requested_on, status=status
    )


def test_the_alert_list_shows_the_open_alerts_first_the_newest_first(client, county_officer, township_a):
    decided_long_ago = _alert(PersonFactory(township=township_a), D(2008, 6, 2), acknowledged_on=D(2008, 6, 9))
    open_older = _alert(PersonFactory(township=township_a), D(2020, 1, 5))
    decided_lately = _alert(PersonFactory(township=township_a), D(2024, 3, 1), acknowledged_on=D(2024, 3, 8))
    open_newer = _alert(PersonFactory(township=township_a), D(2024, 2, 1))
    client.force_login(county_officer)
    listed = list(client.get(reverse("cases:alert_list")).context["object_list"])
    assert listed == [open_newer, open_older, decided_lately, decided_long_ago]


def test_the_transfer_list_shows_the_open_transfers_first_the_newest_first(
    client, county_officer, township_a, township_b
):
    rows = [
        ("rejected", D(2025, 5, 1)),
        ("accepted", D(2025, 4, 1)),
        ("awaiting_county", D(2024, 1, 1)),
        ("cancelled", D(2025, 6, 1)),
        ("pending", D(2025, 1, 1)),
    ]
    made = {status: _transfer(PersonFactory(township=township_a), township_b, day, status) for status, day in rows}
    client.force_login(county_officer)
    listed = [transfer.status for transfer in client.get(reverse("cases:transfer_list")).context["object_list"]]
    assert listed == ["pending", "awaiting_county", "cancelled", "rejected", "accepted"]
    assert all(transfer.is_open == (transfer.status in ("pending", "awaiting_county")) for transfer in made.values())


def test_an_order_awaiting_its_report_heads_the_persons_measures(client, worker_a, person_a):
    ended = MeasureFactory(person=person_a, ordered_on=D(2011, 3, 1), started_on=D(2011, 3, 10), ended_on=D(2014, 3, 9))
    later = MeasureFactory(person=person_a, ordered_on=D(2015, 5, 1), started_on=D(2015, 5, 8), ended_on=D(2018, 5, 7))
    awaiting = MeasureFactory(person=person_a, ordered_on=D(2026, 1, 5), reported_on=None, started_on=None)
    assert list(person_a.measures.all()) == [awaiting, later, ended]
    client.force_login(worker_a)
    shown = client.get(reverse("cases:person_detail", kwargs={"pk": person_a.pk})).context["measures"]
    assert list(shown) == [awaiting, later, ended]


def test_the_home_page_shows_the_newest_open_alerts_and_links_to_the_rest(client, county_officer, township_a):
    alerts = [
        _alert(PersonFactory(township=township_a), D(2025, 1, 1) + dt.timedelta(days=n)) for n in range(HOME_LIST)
    ]
    _alert(PersonFactory(township=township_a), D(2026, 1, 1), acknowledged_on=D(2026, 1, 2))  # decided: not here
    client.force_login(county_officer)
    page = client.get(reverse("home")).content.decode()
    assert all(alert.person.name in page for alert in alerts)
    assert "More open alerts" not in page and "更多待处理预警" not in page

    older = _alert(PersonFactory(name="最早某", township=township_a), D(2024, 12, 31))
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert older.person.name not in page  # the eleventh, the oldest: on the alert list
    assert response.context["alerts"][:HOME_LIST] == alerts[::-1]  # the newest first
    assert f'href="{reverse("cases:alert_list")}">更多待处理预警' in page


def test_the_home_page_shows_the_newest_open_transfers_and_links_to_the_rest(
    client, county_officer, township_a, township_b
):
    days = [D(2025, 1, 1) + dt.timedelta(days=n) for n in range(HOME_LIST)]
    transfers = [_transfer(PersonFactory(township=township_a), township_b, day, "pending") for day in days]
    _transfer(PersonFactory(name="已拒某", township=township_a), township_b, D(2026, 1, 1), "rejected")
    client.force_login(county_officer)
    response = client.get(reverse("home"))
    assert "已拒某" not in response.content.decode() and "更多待办执行地变更" not in response.content.decode()
    assert response.context["transfers"] == transfers[::-1]  # the open ones, the newest first

    _transfer(PersonFactory(name="最早某", township=township_a), township_b, D(2024, 12, 31), "awaiting_county")
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert "最早某" not in page and response.context["transfers"][:HOME_LIST] == transfers[::-1]
    assert f'href="{reverse("cases:transfer_list")}">更多待办执行地变更' in page
