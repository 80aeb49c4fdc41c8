import datetime as dt

import factory
from stdnum.cn.ric import calc_check_digit

from cases.models import (
    Absence,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    Measure,
    Person,
    StatusEvent,
    UrineTest,
    Visit,
)
from sunshine.models import StaffPeriod, User
from sunshine.pinyin import pinyin_initials

PASSWORD = "Sunshine-test-2011"


def make_id_number(n: int, *, address: str = "520102", born: dt.date = dt.date(1985, 3, 14)) -> str:
    """A valid 18-character ID number, unique per ``n``."""
    body = f"{address}{born:%Y%m%d}{n % 1000:03d}"
    return body + calc_check_digit(body + "0")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    full_name = factory.LazyAttribute(lambda o: o.username)
    role = "township_worker"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        """Saved, with one open period of service from ``_save__from`` (2000-01-01 unless given)."""
        if create:
            obj.save()
            if obj.is_active and not obj.periods.exists():
                started = kwargs.get("from") or dt.date(2000, 1, 1)
                StaffPeriod.objects.create(user=obj, role=obj.role, region_id=obj.region_id, started_on=started)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person written straight to the database (services are tested on their own)."""

    class Meta:
        model = Person

    id_number = factory.Sequence(lambda n: make_id_number(n, born=dt.date(1980, 1, 1) + dt.timedelta(days=n)))
    name = factory.Sequence(lambda n: f"测试{n}")
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(
        lambda o: dt.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14]))
    )
    registered_on = dt.date(2010, 5, 1)


class MeasureFactory(factory.django.DjangoModelFactory):
    """An active community detox measure, ordered and reported in 2011."""

    class Meta:
        model = Measure

    kind = "community_detox"
    ordered_on = dt.date(2011, 3, 1)
    reported_on = dt.date(2011, 3, 10)
    started_on = dt.date(2011, 3, 10)
    order_number = factory.Sequence(lambda n: f"公(戒)决字[2011]{n}号")


def _record(model, **defaults):
    return type(
        f"{model.__name__}Factory",
        (factory.django.DjangoModelFactory,),
        {"Meta": type("Meta", (), {"model": model}), **defaults},
    )


RECORD_FACTORIES = {
    "visit": _record(Visit, visited_on=dt.date(2012, 2, 1), kind="home"),
    "urine-test": _record(UrineTest, tested_on=dt.date(2012, 2, 1), result="negative"),
    "finding": _record(DrugUseFinding, found_on=dt.date(2012, 2, 1)),
    "counselling": _record(Counselling, held_on=dt.date(2012, 2, 1), kind="psychological"),
    "leave": _record(Leave, leave_from=dt.date(2012, 2, 1), leave_until=dt.date(2012, 2, 5), destination="贵阳"),
    "absence": _record(Absence, left_on=dt.date(2012, 2, 1), returned_on=dt.date(2012, 2, 3)),
    "status-event": _record(StatusEvent, kind="found", occurred_on=dt.date(2012, 2, 1)),
    "helper": _record(HelpGroupMember, role="volunteer", name="志愿者", joined_on=dt.date(2012, 2, 1)),
}


def seal(person: Person, *, on: dt.date = dt.date(2026, 1, 1)) -> Person:
    """Seal ``person``'s file as the nightly pass would (DESIGN §3b), straight to the database."""
    from cases.models import Sealing

    Sealing.objects.create(person=person, sealed_on=on, cause="abstinent_3y")
    Person.objects.filter(pk=person.pk).update(sealed=True)
    person.sealed = True
    return person
