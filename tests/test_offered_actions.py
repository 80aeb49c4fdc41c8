"""Pages offer only what the user may do: every link a page shows to a member of the cast opens for them.

The probe's technique, kept in CI: sign in as each member of the cast, open the pages where actions are offered
(home and work list, lists, every person file they see, transfers, alerts, bases, courses, benefits) and follow
every link on them. A link that answers 403 is an action offered to someone the declaration refuses (a worker
shown 接收 on her own outgoing transfer, police shown 登记走访); 404 or 500 is a broken or out-of-scope link.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse

from .conftest import CAST, SEES
from .test_permission_matrix import build_objects

pytestmark = pytest.mark.django_db

START_PAGES = [
    "home",
    "cases:person_list",
    "cases:transfer_list",
    "cases:alert_list",
    "placement:base_list",
    "training:course_list",
    "welfare:benefit_list",
]
NOT_FOLLOWED = re.compile(r"^/(static|i18n|accounts/logout|admin)/|^/api/")  # files, language switch, sign-out


def _links(body: str) -> set[str]:
    hrefs = {href.replace("&amp;", "&") for href in re.findall(r'href="([^"#]+)', body)}
    return {href for href in hrefs if href.startswith("/") and not NOT_FOLLOWED.search(href)}


@pytest.fixture
def scene(persons, township_a, township_b):
    """One record of every kind for each person, with a community measure reported a year and a half ago so
    that tests and visits are due (the work list offers to log them)."""
    from .factories import MeasureFactory

    objects = build_objects(persons, township_a, township_b)
    reported = dt.date.today() - dt.timedelta(days=540)
    for person in persons.values():
        MeasureFactory(person=person, kind="community_detox", ordered_on=reported, reported_on=reported,
                       started_on=reported)  # fmt: skip
    return objects


@pytest.mark.parametrize("who", CAST)
def test_every_offered_link_opens(who, client, cast, persons, scene):
    client.force_login(cast[who])
    pages = [reverse(name) for name in START_PAGES]
    pages += [reverse("cases:person_detail", kwargs={"pk": persons[key].pk}) for key in sorted(SEES[who])]
    offered: dict[str, str] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (who, page, response.status_code)
        for link in _links(response.content.decode()):
            offered.setdefault(link, page)
    assert offered, who
    refused = {}
    for link, page in offered.items():
        status = client.get(link).status_code
        if status in (403, 404, 500):
            refused[link] = (page, status)
    assert refused == {}, f"{who} is offered links that refuse them: {refused}"


def test_the_work_list_and_the_transfer_list_offer_actions_to_those_who_may(client, cast, persons, scene):
    """The links above exist at all: the receiving worker is offered 接收, the county officer the measure decisions."""
    transfer_a = scene["transfer"]["a"]  # from township A to township B
    accept = reverse("cases:transfer_accept", kwargs={"pk": transfer_a.pk})
    client.force_login(cast["worker_b"])
    assert accept in client.get(reverse("cases:transfer_list")).content.decode()
    client.force_login(cast["worker_a"])
    assert accept not in client.get(reverse("cases:transfer_list")).content.decode()
    client.force_login(cast["county_officer"])
    body = client.get(reverse("cases:person_detail", kwargs={"pk": persons["a"].pk})).content.decode()
    assert reverse("cases:measure_order", kwargs={"pk": persons["a"].pk}) in body
    assert reverse("cases:measure_close", kwargs={"pk": scene["measure"]["a"].pk}) in body
    client.force_login(cast["worker_a"])
    home = client.get(reverse("home")).content.decode()
    assert reverse("cases:record_create", kwargs={"pk": persons["a"].pk, "kind": "visit"}) in home
