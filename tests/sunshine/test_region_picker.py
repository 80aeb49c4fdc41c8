"""The one region picker (issue 15, item 3): townships grouped by county, pinyin initials on every option,
the county beside a repeated name, the person's own township not offered for a transfer, and the server
validating the choice as before."""

import pytest
from django.urls import reverse

from cases.models import Transfer
from sunshine.forms import RegionPicker

pytestmark = pytest.mark.django_db


def _form(client, user, url):
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response


def test_the_transfer_form_offers_every_other_township_grouped_by_county(client, worker_a, person_a):
    response = _form(client, worker_a, reverse("cases:transfer_start", args=[person_a.pk]))
    field = response.context["form"]["to_township"]
    assert isinstance(field.field.widget, RegionPicker)
    html = str(field)
    assert html.count("<optgroup") == 88  # every county of the province
    assert 'label="平坝区"' in html and 'label="普定县"' in html
    # 马场镇 is in four counties: each says which
    assert "马场镇（平坝区）" in html and "马场镇（普定县）" in html
    assert 'value="520403105" data-initials="mcz"' in html
    # the person's own township is not offered, its neighbour is
    assert f'value="{person_a.township_id}"' not in html
    assert 'value="520102017"' in html
    assert "data-region-picker" in html and "按名称或拼音首字母查找" in html


def test_the_server_refuses_the_own_township_and_accepts_another(client, worker_a, person_a):
    client.force_login(worker_a)
    url = reverse("cases:transfer_start", args=[person_a.pk])
    own = client.post(url, {"to_township": person_a.township_id, "requested_on": "2012-01-01"})
    assert own.status_code == 200 and "to_township" in own.context["form"].errors
    assert not Transfer.objects.exists()
    county = client.post(url, {"to_township": "520403", "requested_on": "2012-01-01"})  # a county, not a township
    assert "to_township" in county.context["form"].errors
    assert client.post(url, {"to_township": "520403105", "requested_on": "2012-01-01"}).status_code == 302
    assert Transfer.objects.get().to_township_id == "520403105"


def test_registration_offers_the_users_townships_through_the_picker(client, county_officer, worker_a):
    html = str(_form(client, county_officer, reverse("cases:person_create")).context["form"]["township"])
    assert 'data-region-picker=""' in html and html.count("<optgroup") == 1 and 'label="南明区"' in html
    assert 'value="520102016" data-initials="xhljd"' in html
    worker_html = str(_form(client, worker_a, reverse("cases:person_create")).context["form"]["township"])
    assert worker_html.count("data-initials=") == 1  # the worker's own township only


def test_bases_and_courses_use_the_same_picker(client, county_officer):
    base = _form(client, county_officer, reverse("placement:base_create")).context["form"]["region"]
    assert isinstance(base.field.widget, RegionPicker) and 'label="南明区"' in str(base)
    course = _form(client, county_officer, reverse("training:course_create")).context["form"]["region"]
    assert isinstance(course.field.widget, RegionPicker)
    assert 'value="520102" data-initials="nmq"' in str(course)  # a course belongs to a county


def test_the_transfer_form_costs_a_fixed_number_of_queries(client, worker_a, person_a, django_assert_max_num_queries):
    client.force_login(worker_a)
    # session, user, the user's region (menu), the person, the townships with their counties, and the idle-expiry
    # session save (savepoint, update, release)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("cases:transfer_start", args=[person_a.pk])).status_code == 200
