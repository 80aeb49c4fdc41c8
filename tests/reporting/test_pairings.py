import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reporting.models import Pairing
from reporting.services import pairing_save

pytestmark = pytest.mark.django_db


def test_the_province_pairs_member_units_with_regions(client, province_officer):
    client.force_login(province_officer)
    response = client.post(
        reverse("reporting:pairing_create"), {"unit": "省民政厅", "region": "5201", "since": "2011-10-01"}
    )
    assert response.status_code == 302
    assert list(Pairing.objects.values_list("unit", "region_id")) == [("省民政厅", "5201")]


@pytest.mark.parametrize("who", ["county_officer", "prefecture_officer", "worker_a"])
def test_only_the_province_edits_pairings(request, who):
    with pytest.raises(PermissionDenied):
        pairing_save(
            user=request.getfixturevalue(who), pairing=Pairing(unit="x", region_id="5201", since=dt.date(2011, 10, 1))
        )


def test_a_pairing_cannot_end_before_it_starts(province_officer):
    with pytest.raises(ValidationError) as error:
        pairing_save(
            user=province_officer,
            pairing=Pairing(unit="x", region_id="5201", since=dt.date(2012, 1, 1), until=dt.date(2011, 1, 1)),
        )
    assert "until" in error.value.message_dict


def test_everyone_reads_the_pairings(client, worker_a, province_officer, django_assert_max_num_queries):
    for n in range(10):
        Pairing.objects.create(unit=f"单位{n}", region_id="5201", since=dt.date(2011, 10, 1))
    client.force_login(worker_a)
    # session, user, region (menu), count, one page of pairings with region, session save (3)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("reporting:pairing_list"))
    assert len(response.context["object_list"]) == 10 and not response.context["can_edit"]
