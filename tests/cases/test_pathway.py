import datetime as dt

import pytest
from django.urls import reverse

from cases.models import StatusEvent
from cases.pathway import Stage, pathway_stage, pathway_stages

from ..factories import MeasureFactory, PersonFactory

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_stage_follows_the_records(person_a):
    assert pathway_stage(person_a.pk, D(2010, 1, 1)) == Stage.NONE
    MeasureFactory(
        person=person_a,
        kind="compulsory_isolation",
        ordered_on=D(2009, 1, 1),
        reported_on=None,
        started_on=D(2009, 1, 1),
        ended_on=D(2011, 1, 1),
        end_reason="released",
    )
    assert pathway_stage(person_a.pk, D(2010, 1, 1)) == Stage.DETOX
    MeasureFactory(
        person=person_a,
        kind="community_rehab",
        ordered_on=D(2011, 1, 1),
        reported_on=D(2011, 1, 5),
        started_on=D(2011, 1, 5),
        ended_on=D(2014, 1, 5),
        end_reason="completed",
    )
    assert pathway_stage(person_a.pk, D(2012, 1, 1)) == Stage.REHAB
    assert pathway_stage(person_a.pk, D(2014, 1, 5)) == Stage.INTEGRATION  # the end date is the day it stops
    StatusEvent.objects.create(person=person_a, kind="deceased", occurred_on=D(2015, 1, 1))
    assert pathway_stage(person_a.pk, D(2015, 1, 1)) == Stage.CLOSED


def test_stages_of_many_persons_take_a_fixed_number_of_queries(township_a, django_assert_num_queries):
    persons = PersonFactory.create_batch(20, township=township_a)
    for person in persons[:10]:
        MeasureFactory(person=person)
    with django_assert_num_queries(4):  # measures, status events, training enrolments, placements
        stages = pathway_stages([p.pk for p in persons], D(2012, 1, 1))
    assert list(stages.values()).count(Stage.REHAB) == 10


def test_the_person_file_shows_stage_measures_and_timeline(
    client, county_officer, person_a, django_assert_max_num_queries
):
    MeasureFactory(person=person_a, order_number="戒[2011]7号")
    client.force_login(county_officer)
    # session, user, region; person with township and county; audit insert; editable check; pathway facts (4);
    # the person's rows, each list read once for the timeline, the measures, the help group, the open transfer and
    # the sections (cases 11, training 1, placement 3 with the loans, welfare 1); session save (3)
    with django_assert_max_num_queries(29):
        response = client.get(person_a.get_absolute_url())
    page = response.content.decode()
    assert response.context["stage"] == Stage.REHAB
    assert f"<title>{person_a.name} · " in page
    assert "戒[2011]7号" in page and "2014-03-10" in page  # planned end: reported 2011-03-10 + 3 years
    assert [entry.day for entry in response.context["timeline"]] == [D(2011, 3, 10), D(2011, 3, 1)]


def test_the_agreement_prints_with_the_legal_term(client, worker_a, person_a):
    measure = MeasureFactory(person=person_a)
    client.force_login(worker_a)
    page = client.get(reverse("cases:measure_agreement", args=[measure.pk])).content.decode()
    assert "社区戒毒协议书" in page and "2011-03-10 至 2014-03-10" in page and person_a.id_number in page
