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

from sunshine.choices import OFFICES

from .conftest import CAST, COUNTY, SEES
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


REPORT_PAGES = ["reporting:dashboard", "reporting:bulletin", "reporting:assessment"]


@pytest.fixture
def reports(scene, cast):
    """The figures of the last month end and of yesterday, and a finalised assessment of county A's last year."""
    from django.utils import timezone

    from reporting.models import AssessmentReport
    from reporting.snapshots import snapshots_compute

    yesterday = dt.date.today() - dt.timedelta(days=1)
    for day in (yesterday.replace(day=1) - dt.timedelta(days=1), yesterday):
        snapshots_compute(day=day)
    year = yesterday.year - 1
    return AssessmentReport.objects.create(
        region_id=COUNTY, year=year, figures={}, snapshot_date=dt.date(year, 12, 31), finalised_by=cast["sysadmin"],
        finalised_at=timezone.now(), sha256_xlsx="0" * 64, sha256_pdf="0" * 64,
    )  # fmt: skip


@pytest.mark.parametrize("who", CAST)
def test_the_reports_offer_only_what_opens(who, client, cast, reports):
    """Offices open the dashboard, the bulletin and the assessment and every link on them (drill-downs, the
    correction of a finalised report for the provincial committee); everyone else is offered none of them."""
    client.force_login(cast[who])
    user = cast[who]
    nav = client.get(reverse("home")).content.decode()
    pages = [reverse(name) for name in REPORT_PAGES]
    if user.role not in OFFICES:
        assert not any(page in nav for page in pages), who
        assert {client.get(page).status_code for page in pages} == {403}, who
        return
    assert all(page in nav for page in pages), who
    pages.append(f"{reverse('reporting:assessment')}?region={COUNTY}&year={reports.year}")
    offered: dict[str, str] = {}
    for page in pages:
        response = client.get(page)
        if page.endswith(str(reports.year)) and who == "other_county_officer":
            assert response.status_code == 404  # another county's report: as if it were missing
            continue
        assert response.status_code == 200, (who, page, response.status_code)
        for link in _links(response.content.decode()):
            offered.setdefault(link, page)
    correct = reverse("reporting:assessment_correct", kwargs={"pk": reports.pk})
    assert (correct in offered) == (who == "province_officer"), who
    assert any("/figures/" in link for link in offered), who  # the dashboard's drill-downs
    statuses = {link: (page, client.get(link).status_code) for link, page in offered.items()}
    refused = {link: found for link, found in statuses.items() if found[1] in (403, 404, 500)}
    assert refused == {}, f"{who} is offered links that refuse them: {refused}"
