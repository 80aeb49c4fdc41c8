"""A synthetic demo population over real Guizhou townships. Demo only: names, IDs and events are invented."""

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.cn.ric import calc_check_digit

from cases.dates import add_years
from cases.models import Absence, Measure, Person, StatusEvent, UrineTest, Visit
from cases.services import pinyin_initials
from placement.models import Employer, Placement, PlacementBase
from sunshine.choices import Role
from sunshine.models import Region, User
from training.models import Course, Enrolment
from welfare.models import Benefit

DEMO_PASSWORD = "Sunshine-demo-2011"  # noqa: S105 (demo accounts only; printed by the command)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙吴杨石潘韦蒙罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华兰红梅"
ETHNICITIES = ["汉族"] * 6 + ["苗族", "布依族", "侗族", "土家族", "彝族", "仡佬族", "水族"]
DRUGS = ["海洛因", "海洛因", "甲基苯丙胺（冰毒）", "氯胺酮", "大麻", "海洛因、甲基苯丙胺（冰毒）"]
# Address codes printed on IDs, including codes retired since issue (5222 铜仁地区, 5224 毕节地区).
ADDRESS_CODES = ["520102", "520103", "520111", "520112", "520302", "520402", "522201", "522401", "522601", "522701"]

DEMO_BASES = (("南明区阳光食品加工基地", 150), ("南明区绿色农业安置点", 80), ("南明区社区服务安置点", 30))

# Demo accounts: username → (role, region code, department).
STAFF = {
    "demo_worker": (Role.TOWNSHIP_WORKER, "520102016", ""),
    "demo_police": (Role.COMMUNITY_POLICE, "520102016", ""),
    "demo_worker2": (Role.TOWNSHIP_WORKER, "520102017", ""),
    "demo_county": (Role.COUNTY_OFFICER, "520102", ""),
    "demo_prefecture": (Role.PREFECTURE_OFFICER, "5201", ""),
    "demo_province": (Role.PROVINCE_OFFICER, "52", ""),
    "demo_hr": (Role.DEPARTMENT_STAFF, "520102", "hr"),
    "demo_civil": (Role.DEPARTMENT_STAFF, "520102", "civil_affairs"),
    "demo_health": (Role.DEPARTMENT_STAFF, "520102", "health"),
    "demo_admin": (Role.SYSADMIN, None, ""),
}


def demo_id_number(rng: random.Random, born: dt.date) -> str:
    body = f"{rng.choice(ADDRESS_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + calc_check_digit(body + "0")


class Command(BaseCommand):
    help = "Create demo staff accounts (one per role) and a synthetic population. Idempotent for a given seed."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2011)

    @transaction.atomic
    def handle(self, *args, persons: int, seed: int, **options):
        self._staff()
        created = self._persons(persons, seed)
        self._histories(seed, created)
        self._employment(seed, created)
        self.stdout.write(f"{len(created)} persons created ({Person.objects.count()} in all).")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}, demo only):")
        for username, (role, region, _department) in STAFF.items():
            self.stdout.write(f"  {username:16} {role.label} {region or ''}")

    def _staff(self):
        for username, (role, region, department) in STAFF.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "region_id": region,
                    "department": department,
                    "is_staff": role == Role.SYSADMIN,
                },
            )
            if created:
                user.full_name = username
                user.set_password(DEMO_PASSWORD)
                user.save()

    def _persons(self, count: int, seed: int) -> list[Person]:
        rng = random.Random(seed)
        # Much of the demo population lives where the demo accounts are; the rest spreads out.
        desk = Region.objects.get(code=STAFF["demo_worker"][1])
        home = [desk] * 8 + list(Region.objects.townships().filter(code__startswith="520102"))
        elsewhere = list(Region.objects.townships())
        today = dt.date.today()
        people = []
        for _i in range(count):
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
            number = demo_id_number(rng, born)
            found = dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange((today - dt.date(2008, 1, 1)).days))
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _g in range(rng.choice((1, 2))))
            people.append(
                Person(
                    id_number=number,
                    name=name,
                    name_initials=pinyin_initials(name),
                    sex="M" if int(number[16]) % 2 else "F",
                    birth_date=born,
                    ethnicity=rng.choice(ETHNICITIES),
                    township=rng.choice(home if rng.random() < 0.6 else elsewhere),
                    drug_types=rng.choice(DRUGS),
                    injecting=rng.random() < 0.3,
                    first_use_on=found - dt.timedelta(days=rng.randrange(30, 3000)),
                    registered_on=found,
                    address=f"{rng.randrange(1, 300)}号",
                    phone=f"13{rng.randrange(10**9):09d}",
                )
            )
        existing = set(
            Person.objects.filter(id_number__in=[p.id_number for p in people]).values_list("id_number", flat=True)
        )
        fresh = list({p.id_number: p for p in people if p.id_number not in existing}.values())
        Person.objects.bulk_create(fresh, batch_size=1000)
        return list(Person.objects.filter(id_number__in=[p.id_number for p in fresh]).order_by("id_number"))

    def _histories(self, seed: int, persons: list[Person]) -> None:
        """Measures that follow the legal rules, tests and visits on schedule with misses and relapses."""
        rng = random.Random(seed * 7919)
        today = dt.date.today()
        measures, tests, visits, events, absences = [], [], [], [], []
        for person in persons:
            roll = rng.random()
            if roll < 0.15:
                continue  # registered, never placed under a measure
            ordered = person.registered_on + dt.timedelta(days=rng.randrange(0, 20))
            if ordered > today:
                continue
            if roll < 0.3:  # compulsory isolation first, then community rehabilitation
                released = add_years(ordered, 2)
                done = released <= today
                isolation = Measure(person=person, kind="compulsory_isolation", ordered_on=ordered, started_on=ordered)
                isolation.ended_on, isolation.end_reason = (released, "released") if done else (None, "")
                measures.append(isolation)
                if released > today:
                    continue
                kind, ordered = "community_rehab", released
            else:
                kind = "community_detox"
            late = rng.random() < 0.08
            reported = ordered + dt.timedelta(days=rng.randrange(16, 30) if late else rng.randrange(1, 15))
            if reported > today:
                measures.append(Measure(person=person, kind=kind, ordered_on=ordered))
                continue
            end = add_years(reported, 3)
            if end <= today and rng.random() < 0.15:  # ended early: prison, or escalation on a breach
                end = reported + dt.timedelta(days=rng.randrange(100, 1000))
                reason = rng.choice(("terminated", "escalated"))
            else:
                reason = "completed"
            completed = end <= today
            measure = Measure(person=person, kind=kind, ordered_on=ordered, reported_on=reported, started_on=reported)
            measure.agreement_on = reported
            if completed:
                measure.ended_on, measure.end_reason = end, reason
                if reason == "completed":
                    measure.discharge_notified_on = end + dt.timedelta(days=3)
            measures.append(measure)
            # tests and visits on the schedule, until the end or (sometimes) a little before today
            stop = min(end, today - dt.timedelta(days=rng.choice((0, 0, 20, 45))))
            day = reported
            while day < stop:
                year = (day - reported).days // 365 + 1
                result = rng.choices(["negative", "positive", "evaded", "refused"], weights=(90, 4, 4, 2))[0]
                tests.append(UrineTest(person=person, tested_on=day, result=result, kind="scheduled",
                                       substance="海洛因" if result == "positive" else ""))  # fmt: skip
                visits.append(
                    Visit(
                        person=person,
                        visited_on=day + dt.timedelta(days=rng.randrange(0, 5)),
                        kind=rng.choice(("home", "home", "office", "phone")),
                    )
                )
                day += dt.timedelta(days={1: 30, 2: 60}.get(year, 90) + rng.randrange(-3, 4))
            if rng.random() < 0.03:
                absences.append(
                    Absence(
                        person=person,
                        left_on=reported + dt.timedelta(days=200),
                        returned_on=reported + dt.timedelta(days=240),
                    )
                )
            if rng.random() < 0.02:
                events.append(
                    StatusEvent(
                        person=person, kind="deceased", occurred_on=min(today, reported + dt.timedelta(days=900))
                    )
                )
        for model, rows in (
            (Measure, measures),
            (UrineTest, tests),
            (Visit, [v for v in visits if v.visited_on <= today]),
            (StatusEvent, events),
            (Absence, absences),
        ):
            model.objects.bulk_create(rows, batch_size=2000)

    def _employment(self, seed: int, persons: list[Person]) -> None:
        """Courses, enrolments, placement bases of every scale class, placements and welfare applications."""
        rng = random.Random(seed * 104729)
        today = dt.date.today()
        county = Region.objects.get(code="520102")
        townships = list(Region.objects.townships().filter(parent=county))
        employer, _created = Employer.objects.get_or_create(name="南明区阳光食品厂", region=county)
        bases = []
        for n, (name, capacity) in enumerate(DEMO_BASES):
            defaults = {
                "name": name,
                "region": townships[n],
                "opened_on": dt.date(2011, 3, 1) + dt.timedelta(days=90 * n),
                "declared_capacity": capacity,
                "employer": employer if n == 0 else None,
                "has_union": n == 0,
            }
            bases.append(PlacementBase.objects.get_or_create(code=f"DEMO-{n}", defaults=defaults)[0])
        courses = []
        for n, skill in enumerate(("电工", "厨师", "种养殖")):
            start = dt.date(2012 + n, 4, 1)
            defaults = {"provider_kind": "hr", "provider_name": "南明区人社局职业培训中心", "hours": 120}
            defaults["end_date"] = start + dt.timedelta(days=45)
            courses.append(
                Course.objects.get_or_create(skill=skill, region=county, start_date=start, defaults=defaults)[0]
            )
        placements, enrolments, benefits = [], [], []
        for person in persons:
            course = rng.choice(courses)
            if rng.random() < 0.25 and person.registered_on <= course.start_date <= today:
                done = rng.random() < 0.8
                enrolment = Enrolment(person=person, course=course, status="enrolled", completed=done)
                enrolment.enrolled_on = enrolment.approved_on = course.start_date - dt.timedelta(days=7)
                enrolment.attendance = course.hours if done else course.hours // 2
                if done:
                    enrolment.completed_on, enrolment.certificate_number = course.end_date, f"JYZ{person.pk:06d}"
                enrolments.append(enrolment)
            start = max(person.registered_on + dt.timedelta(days=rng.randrange(60, 400)), dt.date(2011, 6, 1))
            if rng.random() < 0.35 and start <= today:
                placements.append(self._placement(rng, person, start, bases, employer))
            applied = person.registered_on + dt.timedelta(days=rng.randrange(30, 300))
            if rng.random() < 0.12 and applied <= today:
                kind = rng.choice(("minimum_living", "rural_medical", "temporary_relief"))
                benefits.append(Benefit(person=person, kind=kind, applied_on=applied, status="applied"))
        for model, rows in ((Enrolment, enrolments), (Placement, placements), (Benefit, benefits)):
            model.objects.bulk_create(rows, batch_size=2000)

    @staticmethod
    def _placement(rng, person, start, bases, employer) -> Placement:
        mode = rng.choice(("concentrated", "concentrated", "dispersed", "self_employed", "public_welfare"))
        base = rng.choice(bases) if mode == "concentrated" else None
        if base and base.opened_on > start:
            base, mode = None, "dispersed"
        end = None if mode == "self_employed" else start + dt.timedelta(days=rng.choice((364, 729, 1094, 200)))
        return Placement(
            person=person,
            mode=mode,
            base=base,
            employer=employer if mode == "dispersed" else None,
            contract_start=start,
            contract_end=end,
            long_contract=Placement.is_long(start, end),
            social_insurance=rng.random() < 0.7,
            wage=rng.choice((1200, 1500, 1800, 2200)),
            employment_certificate=f"DJ{person.pk:07d}",
            tax_policy_marked=rng.random() < 0.4,
        )
