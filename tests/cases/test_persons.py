import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from cases.models import Person
from cases.selectors import person_list
from cases.services import person_register, person_update
from sunshine.db import analyze
from sunshine.models import AuditEntry
from sunshine.regions import RegionCode

from ..factories import PersonFactory, make_id_number

pytestmark = pytest.mark.django_db


def _new(township, **fields):
    return Person(
        id_number=fields.pop("id_number", make_id_number(7)),
        name=fields.pop("name", "张三丰"),
        township=township,
        registered_on=fields.pop("registered_on", dt.date(2011, 6, 1)),
        **fields,
    )


def test_registering_derives_sex_birth_date_and_pinyin(worker_a, township_a):
    person = person_register(user=worker_a, person=_new(township_a, id_number="11010519491231002x"))
    person.refresh_from_db()
    assert person.id_number == "11010519491231002X"
    assert (person.sex, person.birth_date, person.name_initials) == ("F", dt.date(1949, 12, 31), "zsf")


def test_a_15_digit_number_is_stored_as_18(worker_a, township_a):
    person = person_register(user=worker_a, person=_new(township_a, id_number="110105491231002"))
    assert person.id_number == "11010519491231002X"


def test_a_bad_check_character_is_refused_on_its_field(worker_a, township_a):
    with pytest.raises(ValidationError) as error:
        person_register(user=worker_a, person=_new(township_a, id_number="110105194912310021"))
    assert list(error.value.message_dict) == ["id_number"]
    assert not Person.objects.exists()


def test_a_duplicate_links_to_the_record_the_user_may_see(worker_a, township_a, person_a):
    with pytest.raises(ValidationError) as error:
        person_register(user=worker_a, person=_new(township_a, id_number=person_a.id_number))
    message = error.value.message_dict["id_number"][0]
    assert person_a.get_absolute_url() in message and person_a.name in message


def test_a_duplicate_elsewhere_names_nobody(worker_a, township_a, person_z):
    with pytest.raises(ValidationError) as error:
        person_register(user=worker_a, person=_new(township_a, id_number=person_z.id_number))
    message = error.value.message_dict["id_number"][0]
    assert person_z.name not in message and "请联系县禁毒办" in message
    assert Person.objects.count() == 1


def test_first_use_after_registration_is_refused(worker_a, township_a):
    with pytest.raises(ValidationError) as error:
        person_register(user=worker_a, person=_new(township_a, first_use_on=dt.date(2012, 1, 1)))
    assert "first_use_on" in error.value.message_dict


def test_a_worker_cannot_register_in_another_township(worker_a, township_b):
    with pytest.raises(PermissionDenied):
        person_register(user=worker_a, person=_new(township_b))
    assert not Person.objects.exists()


def test_a_worker_cannot_move_a_person_out_of_reach(worker_a, person_a, township_b):
    person_a.township = township_b
    with pytest.raises(PermissionDenied):
        person_update(user=worker_a, person=person_a)
    person_a.refresh_from_db()
    assert person_a.township_id != township_b.code


def test_a_county_officer_moves_a_person_between_its_townships(county_officer, person_a, township_b):
    person_a.township = township_b
    person_update(user=county_officer, person=person_a)
    assert Person.objects.get(pk=person_a.pk).township == township_b


def test_police_may_not_register(police_a, township_a):
    with pytest.raises(PermissionDenied):
        person_register(user=police_a, person=_new(township_a))


def test_the_register_page_shows_field_messages_in_chinese(client, worker_a, township_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("cases:person_create"),
        {"id_number": "110105194912310021", "name": "张三", "township": township_a.code, "registered_on": "2011-06-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["身份证号码的校验码错误。"]
    assert not Person.objects.exists()


def test_the_register_page_offers_only_the_users_townships(client, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("cases:person_create"))
    codes = {region.code for region in response.context["form"].fields["township"].queryset}
    assert codes and all(RegionCode(code).is_township and RegionCode("520102").contains(code) for code in codes)


def test_a_worker_registers_through_the_page(client, worker_a, township_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("cases:person_create"),
        {"id_number": make_id_number(3), "name": "李四", "township": township_a.code, "registered_on": "2011-06-01"},
    )
    person = Person.objects.get(name="李四")
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert AuditEntry.objects.filter(
        event="create", object_pk=str(person.pk), actor=worker_a, region=township_a
    ).exists()


def test_lists_show_masked_id_numbers(client, worker_a, person_a):
    client.force_login(worker_a)
    body = client.get(reverse("cases:person_list")).content.decode()
    assert person_a.masked_id in body and person_a.id_number not in body
    api = client.get(reverse("api:person-list")).json()
    assert api["results"][0]["masked_id"] == person_a.masked_id and "id_number" not in api["results"][0]


@pytest.mark.parametrize(
    ("query", "found"),
    [("甲", True), ("jm", True), ("JM", True), ("乙", False), ("LAST4", True), ("FULL", True), ("0000", False)],
)
def test_search_by_name_initials_and_id_digits(client, worker_a, person_a, query, found):
    query = {"LAST4": person_a.id_number[-4:], "FULL": person_a.id_number}.get(query, query)
    client.force_login(worker_a)
    response = client.get(reverse("cases:person_list"), {"q": query})
    assert (person_a in response.context["object_list"]) == found


def test_the_search_reads_trigram_indexes_on_postgresql(province_officer, township_a):
    """Part of a name and the last digits of an ID number are LIKE '%q%' / '%q': GIN trigram indexes on PostgreSQL
    (issue 17), and for two characters the index of a name's two-character runs; plain indexes on SQLite, whose
    search scans; the results are the same either way."""
    wanted = PersonFactory(township=township_a, name="欧阳明月")
    for _ in range(30):
        PersonFactory(township=township_a, name="欧阳春")
    assert list(person_list(user=province_officer, query="阳明月")) == [wanted]
    assert list(person_list(user=province_officer, query="阳明")) == [wanted]  # two characters, inside the name
    assert (
        person_list(user=province_officer, query="欧阳").count() == 31
        and not person_list(user=province_officer, query="明欧").exists()
    )
    assert list(person_list(user=province_officer, query=wanted.id_number[-6:])) == [wanted]
    indexes = connection.introspection.get_constraints(connection.cursor(), Person._meta.db_table)
    assert indexes["person_name_trigram"]["columns"] == ["name"]
    assert indexes["person_id_number_trigram"]["columns"] == ["id_number"]
    if connection.vendor != "postgresql":
        return
    assert indexes["person_name_trigram"]["type"] == "gin"
    analyze(Person)  # the planner's statistics: every person is in the province, one is 欧阳明月
    searches = (("阳明月", "person_name_trigram"), ("阳明", "person_name_bigrams"),
                (wanted.id_number[-6:], "person_id_number_trigram"))  # fmt: skip
    for query, index in searches:
        sql, params = person_list(user=province_officer, query=query).query.sql_with_params()
        with connection.cursor() as cursor:
            # a test table is small: ask whether the index serves the search, not whether it beats a scan here
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"Bitmap Index Scan on {index}" in plan, plan


def test_search_never_reaches_outside_the_scope(client, worker_a, person_b):
    client.force_login(worker_a)
    response = client.get(reverse("cases:person_list"), {"q": person_b.id_number})
    assert list(response.context["object_list"]) == []


def test_health_fields_are_for_the_worker_and_county_only(client, police_a, worker_a, person_a):
    person_a.hiv_status = "positive"
    person_a.save()
    client.force_login(police_a)
    assert "艾滋病检测结果" not in client.get(person_a.get_absolute_url()).content.decode()
    assert "hiv_status" not in client.get(reverse("api:person-detail", args=[person_a.pk])).json()
    client.force_login(worker_a)
    assert "艾滋病检测结果" in client.get(person_a.get_absolute_url()).content.decode()
    assert client.get(reverse("api:person-detail", args=[person_a.pk])).json()["hiv_status"] == "positive"


def test_the_api_registers_and_refuses_with_field_messages(client, worker_a, township_a):
    client.force_login(worker_a)
    url = reverse("api:person-list")
    bad = client.post(
        url,
        {"id_number": "110105194912310021", "name": "王五", "township": township_a.code, "registered_on": "2011-06-01"},
    )
    assert bad.status_code == 400 and "id_number" in bad.json()
    good = client.post(
        url,
        {"id_number": "11010519491231002X", "name": "王五", "township": township_a.code, "registered_on": "2011-06-01"},
    )
    assert good.status_code == 201, good.content
    assert good.json()["sex"] == "F" and Person.objects.get(pk=good.json()["id"]).name_initials == "ww"


def test_the_api_refuses_a_township_outside_the_scope(client, worker_a, township_b):
    client.force_login(worker_a)
    response = client.post(
        reverse("api:person-list"),
        {"id_number": "11010519491231002X", "name": "王五", "township": township_b.code, "registered_on": "2011-06-01"},
    )
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_the_person_list_query_count_does_not_grow_with_rows(
    client, county_officer, township_a, django_assert_max_num_queries
):
    from ..factories import PersonFactory

    PersonFactory.create_batch(40, township=township_a)
    client.force_login(county_officer)
    # session, user, the user's region (menu), count, one page of persons joined with their township,
    # the pathway facts of that page (measures, status events, enrolments, placements) and the idle-expiry
    # session save (savepoint, update, release), the lawful-query banner's grant check (#14)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("cases:person_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api:person-list")).status_code == 200
