"""A realistic synthetic population over Guizhou's real townships, 2008 to today (DESIGN §6 ``seed_demo``).

``generate`` invents persons and their whole history and hands the rows, table by table, to a *sink*
(``allocate`` ids, ``write`` rows): ``seed_demo`` writes them with COPY on PostgreSQL and multi-row
INSERTs elsewhere; the tests also use an in-memory sink. Every draw comes from ``random.Random`` streams
seeded with the seed, so the same seed, number of persons and last day give the same rows.

What is invented (DESIGN §3):

- persons registered in waves (campaign years 2010-2012 and 2014 above the rest), spread over all nine
  prefectures (more in 贵阳, 遵义, 毕节, 六盘水) and, within them, more in urban townships; valid and
  unique ID numbers (GB 11643 check character, address codes as issued, including retired ones such as
  5224 毕节地区), Chinese names with their pinyin initials, sex, birth, ethnicity by prefecture, drug
  types shifting from heroin to methamphetamine over the years;
- measures chained by the legal rules: community detox (3 years from the report), compulsory isolation
  (2 years, a few extended or released early) followed by community rehabilitation (up to 3 years),
  voluntary detox, methadone maintenance (also alongside a community measure), facility rehabilitation;
  reports mostly within 15 days, some late, a few never (escalated); escalations on relapse, serious
  breach or absconding; terminations (prison) and deaths;
- urine tests and visits on the schedule of each measure year (``cases.selectors.schedule_rules``),
  with misses, positives (and drug-use findings), surprise tests, detention, lost and found, unauthorised
  absences, written leave, counselling, help groups, transfers (a few across counties, a few open or
  refused), and the breach and late-report alerts the services would have raised;
- training courses and enrolments; employers and placement bases of every scale class (large and medium
  ones opened mostly 2011-2014), placements in the five modes with renewals and dispersed follow-ups,
  guaranteed loans and base subsidies; welfare applications and decisions.

Valid by construction: the per-row services are not called (120,000 persons would take hours through
them), but every row satisfies their rules (``measure_validate``, the record services' date rules,
``placement_validate``, ``progress_validate``, the benefit rules); tests/demo/test_seed_demo.py
checks the generated rows against those functions. Audit: the bulk rows are written without model saves,
so django-auditlog records no entries for them, which is intended for invented data; the staff accounts
are saved normally.

Dates are day ordinals (``date.toordinal()``) inside the generator; the sink converts them.
"""

import bisect
import datetime as dt
import heapq
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django.contrib.auth.hashers import make_password
from django.db import models
from stdnum.cn.ric import calc_check_digit

from cases.choices import (
    AlertKind,
    CounsellingKind,
    EndReason,
    FindingSource,
    HelperRole,
    MeasureKind,
    ScheduledActivity,
    StatusKind,
    TestKind,
    TestResult,
    TransferStatus,
    VisitKind,
)
from cases.models import (
    Absence,
    Alert,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    Measure,
    Person,
    StatusEvent,
    Transfer,
    UrineTest,
    Visit,
)
from cases.models.measures import (
    COMMUNITY_TERM_YEARS,
    DISCHARGE_NOTICE_DAYS,
    EARLY_RELEASE_AFTER_YEARS,
    ISOLATION_TERM_YEARS,
    MAX_ISOLATION_EXTENSION_MONTHS,
    REPORT_DAYS,
)
from cases.selectors import schedule_rules
from cases.services.alerts import ABSENCE_DAYS_LIMIT, ABSENCES_LIMIT, MISSED_TESTS_LIMIT
from placement.choices import BaseKind, LoanStatus, PayingLevel, PlacementMode
from placement.models import LARGE_SCALE, MEDIUM_SCALE, BaseSubsidy, Employer, FollowUp, Loan, Placement, PlacementBase
from placement.person_file import FOLLOW_UP_DAYS
from sunshine.choices import Department, Role
from sunshine.dates import add_months
from sunshine.models import Region, StaffPeriod, User
from sunshine.pinyin import pinyin_initials
from sunshine.regions import RegionCode
from training.choices import EnrolmentStatus, ProviderKind
from training.models import Course, Enrolment
from welfare.choices import BenefitKind, BenefitStatus
from welfare.models import Benefit

DEMO_PASSWORD = "Sunshine-demo-2011"  # noqa: S105 (demo accounts only; printed by the command)
FIRST_DAY = dt.date(2008, 1, 1)
DEMO_STAFF_FROM = FIRST_DAY  # the demo accounts served through the whole demo history (staff ratio of past years)
LAW_IN_FORCE = dt.date(2008, 6, 1).toordinal()  # 禁毒法: community detox and rehabilitation from this day
CAMPAIGN_START = dt.date(2011, 3, 1).toordinal()  # the Sunshine Project (黔府办发〔2011〕108号) gets going
RECENT_LAG = 40  # records of the last weeks are entered late: more of them are missing (overdue on the work list)
NEVER = dt.date.max.toordinal()
CHUNK = 2000  # persons generated and written at a time
# Plain strings for the hot loops.
SCHEDULED, SURPRISE = TestKind.SCHEDULED.value, TestKind.SURPRISE.value
NEGATIVE, POSITIVE = TestResult.NEGATIVE.value, TestResult.POSITIVE.value
EVADED, REFUSED = TestResult.EVADED.value, TestResult.REFUSED.value
HOME, OFFICE, PHONE, WORKPLACE = (
    k.value for k in (VisitKind.HOME, VisitKind.OFFICE, VisitKind.PHONE, VisitKind.WORKPLACE)
)

# Demo accounts: username → (role, region code, department, full name). The first ten are the historical
# ones (docs and tests use them); 遵义 and 毕节 add a second and third sample area.
STAFF = {
    "demo_worker": (Role.TOWNSHIP_WORKER, "520102016", "", "张敏"),
    "demo_police": (Role.COMMUNITY_POLICE, "520102016", "", "李强"),
    "demo_worker2": (Role.TOWNSHIP_WORKER, "520102017", "", "王芳"),
    "demo_county": (Role.COUNTY_OFFICER, "520102", "", "刘建国"),
    "demo_prefecture": (Role.PREFECTURE_OFFICER, "5201", "", "陈志文"),
    "demo_province": (Role.PROVINCE_OFFICER, "52", "", "杨海"),
    "demo_hr": (Role.DEPARTMENT_STAFF, "520102", Department.HR, "赵丽"),
    "demo_civil": (Role.DEPARTMENT_STAFF, "520102", Department.CIVIL_AFFAIRS, "吴静"),
    "demo_health": (Role.DEPARTMENT_STAFF, "520102", Department.HEALTH, "周红梅"),
    "demo_admin": (Role.SYSADMIN, None, "", "系统管理员"),
    "demo_worker_zunyi": (Role.TOWNSHIP_WORKER, "520302001", "", "黄艳"),
    "demo_police_zunyi": (Role.COMMUNITY_POLICE, "520302001", "", "罗军"),
    "demo_county_zunyi": (Role.COUNTY_OFFICER, "520302", "", "何明"),
    "demo_prefecture_zunyi": (Role.PREFECTURE_OFFICER, "5203", "", "徐斌"),
    "demo_worker_bijie": (Role.TOWNSHIP_WORKER, "520502001", "", "龙秀英"),
    "demo_county_bijie": (Role.COUNTY_OFFICER, "520502", "", "安平"),
    "demo_civil_bijie": (Role.DEPARTMENT_STAFF, "520502", Department.CIVIL_AFFAIRS, "蒙桂兰"),
}

# Registrations per year, relative (the 2010-2012 campaign and 2014's 百城禁毒 above the rest).
WAVES = {2008: 0.9, 2009: 1.0, 2010: 1.5, 2011: 1.9, 2012: 1.7, 2013: 1.2, 2014: 1.35, 2015: 1.15, 2016: 1.0}
WAVES |= {2017: 0.85, 2018: 0.7, 2019: 0.6, 2020: 0.45, 2021: 0.4, 2022: 0.35, 2023: 0.3}
LATER_WAVE = 0.28
PREFECTURE_WEIGHTS = {
    "5201": 20,
    "5203": 16,
    "5205": 16,
    "5202": 12,
    "5223": 9,
    "5204": 7,
    "5226": 7,
    "5227": 7,
    "5206": 6,
}
ETHNICITIES = {  # by prefecture, percent
    "5201": {"汉族": 85, "苗族": 5, "布依族": 6, "侗族": 2, "土家族": 2},
    "5202": {"汉族": 75, "彝族": 8, "苗族": 7, "布依族": 8, "回族": 2},
    "5203": {"汉族": 90, "仡佬族": 6, "苗族": 2, "土家族": 2},
    "5204": {"汉族": 70, "布依族": 18, "苗族": 10, "仡佬族": 2},
    "5205": {"汉族": 72, "彝族": 12, "苗族": 10, "回族": 3, "白族": 3},
    "5206": {"汉族": 50, "土家族": 30, "苗族": 12, "侗族": 8},
    "5223": {"汉族": 60, "布依族": 32, "苗族": 6, "回族": 2},
    "5226": {"汉族": 25, "苗族": 45, "侗族": 28, "水族": 2},
    "5227": {"汉族": 45, "布依族": 35, "苗族": 12, "水族": 8},
}
SURNAMES = {
    "汉族": "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林郑谢宋唐许邓冯韩曹曾彭萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢",
    "苗族": "杨吴龙石王张潘韦李罗麻",
    "布依族": "韦王罗陆岑黄杨班莫",
    "侗族": "杨吴石龙姚粟",
    "土家族": "田张冉向彭杨",
    "彝族": "安禄陇王李杨",
    "仡佬族": "王黄韩邹",
    "水族": "蒙韦潘吴",
    "回族": "马丁白",
    "白族": "杨赵李",
}
MALE_GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞斌波林建国志文兵亮东成海江军荣贵福顺发"
FEMALE_GIVEN = "芳娜敏静丽艳秀霞桂英兰红梅琴燕玲娟萍丹春花凤"
# ID numbers keep the address code of the county when the card was issued (DESIGN §3): 毕节 and 铜仁
# were 地区 (5224, 5222) until 2011, and several counties were renamed since.
RETIRED_CODES = {
    "520502": "522401",
    "520521": "522422",
    "520581": "522423",
    "520523": "522424",
    "520524": "522425",
    "520525": "522426",
    "520526": "522427",
    "520527": "522428",
    "520602": "522201",
    "520603": "522230",
    "520621": "522222",
    "520622": "522223",
    "520623": "522224",
    "520624": "522225",
    "520625": "522226",
    "520626": "522227",
    "520627": "522228",
    "520628": "522229",
    "520204": "520221",
    "520281": "520222",
    "520304": "520321",
    "520403": "520421",
    "522302": "522322",
}
OTHER_PROVINCES = ["510104", "510502", "530102", "500103", "430102", "450102", "532101"]
SUBSTANCES = {"海洛因": "吗啡", "甲基苯丙胺（冰毒）": "甲基苯丙胺", "氯胺酮（K粉）": "氯胺酮", "大麻": "大麻"}
VISIT_FINDINGS = [
    "情况稳定，按时报到",
    "已外出务工，电话联系正常",
    "家属反映近期情绪稳定",
    "身体状况一般，已建议就医",
    "正在寻找工作",
    "与家人关系有所改善",
    "近期有反复迹象，已加强管理",
]
LEAVE_DESTINATIONS = ["贵阳市", "遵义市", "广东省东莞市", "浙江省宁波市", "福建省晋江市", "云南省昆明市", "重庆市"]
LEAVE_REASONS = ["外出务工", "探亲", "就医", "处理家事"]
ALERT_DECISIONS = ["已约谈本人及家属，责令按规定接受检测", "已提请公安机关依法处理", "已调整帮扶措施，加强走访"]
TRANSFER_REASONS = ["居住地变更", "随家人迁居", "外出务工，变更执行地"]
REFUSALS = ["经核实，拟接收地无固定住所", "材料不全，请补充后重新申请"]
SKILLS = ["电工", "焊工", "厨师", "面点师", "种植", "养殖", "汽车维修", "家政服务", "保安", "缝纫", "电子装配"]
SKILLS += ["挖掘机操作", "茶叶加工", "民族刺绣"]
INDUSTRIES = ["食品加工", "服装加工", "种植养殖", "茶叶", "建材", "电子装配", "物流", "家政服务", "竹编", "刺绣"]
BASE_WORDS = ["阳光", "新生", "康复", "绿色", "希望", "同心", "启航"]
FIRM_WORDS = ["恒发", "鑫源", "黔丰", "宏达", "顺通", "金山", "长青", "盛世", "大地", "富民"]
FIRM_TRADES = ["建材", "食品", "农业开发", "服装", "物流", "电子", "茶业", "劳务", "物业", "餐饮"]
LENDERS = ["中国农业银行", "贵州省农村信用社", "中国邮政储蓄银行"]


class Sink(Protocol):
    """Where the rows go: ``allocate`` reserves primary keys, ``write`` stores rows of the named fields."""

    def allocate(self, model: type[models.Model], count: int) -> list[int]: ...

    def write(self, model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None: ...


FIELDS = {  # the columns each table's rows give, in order; the others take their defaults
    Person: (
        "id id_number name name_initials sex birth_date ethnicity education marital_status household_address address "
        "phone township drug_types injecting first_use_on registered_on guardian_name guardian_phone hiv_status "
        "other_infections work_capacity created_at updated_at"
    ),
    Measure: (
        "id person kind authority order_number ordered_on reported_on agreement_on started_on term_months "
        "extension_months pregnant ended_on end_reason discharge_notified_on notes created_at"
    ),
    UrineTest: "person tested_on kind result substance created_at",
    Visit: "person visited_on kind visitors findings whereabouts_confirmed created_at",
    DrugUseFinding: "person found_on source created_at",
    StatusEvent: "person kind occurred_on created_at",
    Absence: "person left_on returned_on created_at",
    Leave: "person leave_from leave_until destination reason returned_on created_at",
    Counselling: "person held_on kind counsellor created_at",
    HelpGroupMember: "person role name phone joined_on created_at",
    Transfer: (
        "person from_township to_township requested_on reason status county_approved_on effective_on decision_notes"
    ),
    Alert: "person kind raised_on count measure acknowledged_by acknowledged_on decision created_at",
    Employer: "id name region contact phone",
    PlacementBase: (
        "id code name kind region employer opened_on declared_capacity contact phone has_union has_youth_league "
        "has_womens_federation"
    ),
    Placement: (
        "id person mode base employer contract_start contract_end long_contract social_insurance wage "
        "employment_certificate tax_policy_marked left_on created_at"
    ),
    FollowUp: "person placement visited_on still_employed created_at",
    Loan: "person applied_on amount lender interest_subsidy status decided_on created_at",
    BaseSubsidy: "base decided_on amount paying_level paid_on decided_by",
    Course: "id provider_kind provider_name skill start_date end_date hours region capacity created_at",
    Enrolment: (
        "person course enrolled_on status approved_on attendance completed completed_on certificate_number "
        "withdrawn_on created_at"
    ),
    Benefit: "person kind applied_on status decided_on amount starts_on ends_on decision_notes created_at",
}
FIELDS = {model: tuple(names.split()) for model, names in FIELDS.items()}


def day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


_SHIFTED: dict[tuple[int, int], int] = {}


def plus_months(ordinal: int, months: int) -> int:
    """``sunshine.dates.add_months`` on day ordinals (memoised: a population has only so many distinct days)."""
    key = (ordinal, months)
    if key not in _SHIFTED:
        _SHIFTED[key] = add_months(dt.date.fromordinal(ordinal), months).toordinal()
    return _SHIFTED[key]


def plus_years(ordinal: int, years: int) -> int:
    return plus_months(ordinal, 12 * years)


class Weighted:
    """Draw from ``items`` with the given weights (cumulative table built once)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative, total = [], 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


# ---------------------------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class Township:
    code: str
    name: str
    urban: bool

    @property
    def county(self) -> str:
        return RegionCode(self.code).county

    @property
    def prefecture(self) -> str:
        return RegionCode(self.code).prefecture


class Geography:
    """The real townships, counties and prefectures (``load_regions``), with the weights persons are drawn by."""

    def __init__(self, regions: list[tuple[str, str, bool]]):
        self.names = {code: name for code, name, _urban in regions}
        self.townships = [Township(c, n, u) for c, n, u in regions if RegionCode(c).is_township]
        if not self.townships:
            raise ValueError("No townships: run load_regions first.")
        self.by_code = {t.code: t for t in self.townships}
        self.by_county: dict[str, list[Township]] = defaultdict(list)
        self.by_prefecture: dict[str, list[Township]] = defaultdict(list)
        for township in self.townships:
            self.by_county[township.county].append(township)
            self.by_prefecture[township.prefecture].append(township)
        prefectures = sorted(self.by_prefecture)
        self._prefectures = Weighted(prefectures, [PREFECTURE_WEIGHTS.get(p, 5) for p in prefectures])
        self._within = {
            p: Weighted(self.by_prefecture[p], map(self.weight, self.by_prefecture[p])) for p in prefectures
        }
        self.desks = [self.by_code[code] for code in _desk_codes() if code in self.by_code]

    @classmethod
    def load(cls) -> "Geography":
        return cls(list(Region.objects.order_by("code").values_list("code", "name", "is_urban")))

    @staticmethod
    def weight(township: Township) -> float:
        """Urban sub-districts (街道) hold more persons than towns (镇), towns more than rural 乡."""
        if township.name.endswith("街道"):
            return 3.0
        return 1.2 if township.urban else 0.6

    def pick(self, rng: random.Random) -> Township:
        return self._within[self._prefectures.pick(rng)].pick(rng)

    def pick_near(self, rng: random.Random, township: Township) -> Township:
        """A destination for a transfer: mostly the same county, sometimes the prefecture, rarely elsewhere."""
        u = rng.random()
        pool = self.by_county[township.county] if u < 0.65 else self.by_prefecture[township.prefecture]
        choice = rng.choice(pool) if u < 0.9 else self.pick(rng)
        return choice if choice.code != township.code else rng.choice(self.townships)

    def county_name(self, code: str) -> str:
        return self.names.get(RegionCode(code).county, "")


def _desk_codes() -> list[str]:
    return list(dict.fromkeys(region for role, region, *_ in STAFF.values() if role == Role.TOWNSHIP_WORKER))


# ----------------------------------------------------------------------------------------------- accounts


def ensure_staff() -> dict[str, int]:
    """Create the demo accounts that are missing (existing ones are left as they are); username → id."""
    ids, hashed = {}, None
    for username, (role, region, department, full_name) in STAFF.items():
        if region and not Region.objects.filter(code=region).exists():
            continue
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, region_id=region, department=department, full_name=full_name)
            user.is_staff = role == Role.SYSADMIN
            hashed = hashed or make_password(DEMO_PASSWORD)  # one slow hash for all the accounts
            user.password = hashed
            user.full_clean(exclude=["password"])
            user.save()
            StaffPeriod.objects.create(user=user, role=role, region_id=region or None, started_on=DEMO_STAFF_FROM)
        ids[username] = user.pk
    return ids


# --------------------------------------------------------------------------------------------- identities


@dataclass
class Identity:
    """Who a person is: fixed by the seed and the number of persons, not by the day the command runs."""

    id_number: str
    name: str
    sex: str
    birth: int
    township: Township
    ethnicity: str
    desk: bool = False  # placed at a sample desk (a township with demo accounts)


def identities(geo: Geography, persons: int, seed: int) -> list[Identity]:
    """The persons of a demo population (unique, valid ID numbers), before any history."""
    rng = random.Random(f"sunshine-demo/{seed}/persons")
    desk = min(persons // 4, 60 * len(geo.desks))  # the first persons go to the sample desks
    ethnic = {p: Weighted(w.keys(), w.values()) for p, w in ETHNICITIES.items()}
    taken: set[str] = set()
    result = []
    for index in range(persons):
        township = geo.desks[index % len(geo.desks)] if index < desk else geo.pick(rng)
        ethnicity = ethnic[township.prefecture].pick(rng) if township.prefecture in ethnic else "汉族"
        male = rng.random() < 0.86
        born = dt.date(int(rng.triangular(1958, 1999, 1979)), 1, 1).toordinal() + int(rng.random() * 365)
        u = rng.random()
        if u < 0.04:
            address = rng.choice(OTHER_PROVINCES)
        elif u < 0.85:
            address = RETIRED_CODES.get(township.county, township.county)
        else:
            address = township.county
        while True:
            sequence = int(rng.random() * 500) * 2 + (1 if male else 0)  # odd: male (GB 11643)
            body = f"{address}{day(born):%Y%m%d}{sequence:03d}"
            if body not in taken:
                break
        taken.add(body)
        surname = rng.choice(SURNAMES.get(ethnicity, SURNAMES["汉族"]) if rng.random() < 0.7 else SURNAMES["汉族"])
        given = MALE_GIVEN if male else FEMALE_GIVEN
        name = surname + "".join(rng.choice(given) for _ in range(1 if rng.random() < 0.3 else 2))
        result.append(
            Identity(
                body + calc_check_digit(body + "0"), name, "M" if male else "F", born, township, ethnicity, index < desk
            )
        )
    return result


# ------------------------------------------------------------------------------------------------ history


@dataclass
class Summary:
    """What the employment, training and welfare phases need to know about a person."""

    pid: int
    township: Township
    registered: int
    birth: int
    exit: int  # death or departure (NEVER if neither)
    blocked: list[tuple[int, int]] = field(default_factory=list)  # in a facility, prison or lost: cannot work
    community: list[tuple[int, int]] = field(default_factory=list)  # under community detox or rehabilitation


class Generator:
    """Generates a population in three passes: employers and bases; persons and their histories, a chunk at a
    time (written as they are made); then placements, training and welfare, which need everyone's history."""

    def __init__(self, *, geo: Geography, seed: int, today: dt.date, sink: Sink, staff: dict[str, int], progress):
        self.geo, self.seed, self.sink, self.staff, self.progress = geo, seed, sink, staff, progress
        self.today = today.toordinal()
        rules = schedule_rules()  # the configured schedule, as the work list uses it (years past the last: the last)
        years = max(year for _activity, year in rules)
        self.intervals = {
            activity: [max(7, rules.get((activity, min(y, years))) or 90) for y in (1, 2, 3)]
            for activity in (ScheduledActivity.URINE_TEST, ScheduledActivity.VISIT)
        }
        self.counts: Counter = Counter()
        self._registration: dict[int, Weighted] = {}
        self.order_numbers: Counter = Counter()
        self.summaries: list[Summary] = []
        self.buffers: dict[type[models.Model], list] = defaultdict(list)
        self.helpers: dict[str, tuple[str, str]] = {}
        holders = defaultdict(dict)  # role → region → the demo account holding it there
        for username, (role, region, *_rest) in STAFF.items():
            holders[role].setdefault(region, username)
        self.county_officer = {r: self.staff.get(u) for r, u in holders[Role.COUNTY_OFFICER].items()}
        self.worker_names = {r: STAFF[u][3] for r, u in holders[Role.TOWNSHIP_WORKER].items()}
        self.police_names = {r: STAFF[u][3] for r, u in holders[Role.COMMUNITY_POLICE].items()}

    def registration_years(self, born: int) -> Weighted:
        """When a person born in ``born`` is first found: the waves, more often between 22 and 40 years old."""
        if born not in self._registration:
            last = day(self.today).year
            years = [y for y in range(max(2008, born + 17), min(last, born + 55) + 1)] or [last]
            weights = [_wave(y, self.today) * (1.4 if 22 <= y - born <= 40 else 0.7) for y in years]
            self._registration[born] = Weighted(years, weights)
        return self._registration[born]

    # -- output

    def emit(self, model, row) -> None:
        self.buffers[model].append(row)

    def flush(self, *models_in_order) -> None:
        for model in models_in_order:
            rows = self.buffers.pop(model, [])
            if rows:
                self.sink.write(model, FIELDS[model], rows)
                self.counts[model.__name__] += len(rows)

    def run(self, people: list[Identity]) -> Counter:
        self.rng = random.Random(f"sunshine-demo/{self.seed}/shared")
        self._employers_and_bases(people)
        for start in range(0, len(people), CHUNK):
            self._histories(people[start : start + CHUNK], start)
            self.progress(f"persons {min(start + CHUNK, len(people)):,}/{len(people):,}, {self._records():,} records")
        self.rng = random.Random(f"sunshine-demo/{self.seed}/employment")
        self._placements()
        self.progress(f"placements done, {self._records():,} records")
        self._training()
        self._welfare()
        self.progress(f"training and welfare done, {self._records():,} records")
        return self.counts

    def _records(self) -> int:
        return sum(self.counts.values())

    # -- persons and their histories

    def _histories(self, chunk: list[Identity], offset: int) -> None:
        pids = self.sink.allocate(Person, len(chunk))
        persons, measures, alerts = [], [], []
        for n, (identity, pid) in enumerate(zip(chunk, pids, strict=True)):
            life = Life(self, identity, pid, random.Random(f"sunshine-demo/{self.seed}/life/{offset + n}"))
            life.live()
            persons.append(life.person_row())
            measures.extend(life.measures)
            alerts.extend(life.alerts)
            self.summaries.append(life.summary())
        for measure, measure_id in zip(measures, self.sink.allocate(Measure, len(measures)), strict=True):
            measure["id"] = measure_id
        self.buffers[Person] = persons
        self.buffers[Measure] = [tuple(m[f] for f in FIELDS[Measure]) for m in measures]
        self.buffers[Alert] = [(*alert[:4], alert[4]["id"], *alert[5:]) for alert in alerts]
        self.flush(Person, Measure, UrineTest, Visit, DrugUseFinding, StatusEvent, Absence, Leave, Counselling)
        self.flush(HelpGroupMember, Transfer, Alert)

    def order_number(self, county: str, ordinal: int, prefix: str) -> str:
        year = day(ordinal).year
        self.order_numbers[county, year, prefix] += 1
        return f"{self.geo.county_name(county)[:2]}公{prefix}决字〔{year}〕{self.order_numbers[county, year, prefix]}号"

    def helper_names(self, township: Township) -> tuple[str, str]:
        """The township's full-time worker and community police (demo accounts' names at the sample desks)."""
        if township.code not in self.helpers:
            rng = random.Random(f"sunshine-demo/{self.seed}/staff/{township.code}")
            worker = self.worker_names.get(township.code) or _name(rng, rng.random() < 0.6)
            police = self.police_names.get(township.code) or _name(rng, True)
            self.helpers[township.code] = (worker, police)
        return self.helpers[township.code]

    # -- employers and placement bases (before the persons: placements refer to them)

    def _employers_and_bases(self, people: list[Identity]) -> None:
        rng, geo = self.rng, self.geo
        population = Counter(identity.township.county for identity in people)
        counties = sorted(population)
        self.employers: dict[str, list[int]] = defaultdict(list)
        employer_rows, names = [], set()
        for county in counties:
            for _ in range(max(1, round(population[county] / 150))):
                name = self._firm_name(rng, county, names)
                employer_rows.append(
                    [name, county, _name(rng, rng.random() < 0.7), _phone(rng)],
                )
        ids = self.sink.allocate(Employer, len(employer_rows))
        self.employer_names = {}
        for employer_id, row in zip(ids, employer_rows, strict=True):
            self.employers[row[1]].append(employer_id)
            self.employer_names[employer_id] = row[0]
            self.emit(Employer, (employer_id, *row))
        self.flush(Employer)

        persons = len(people)
        # A base of scale 100 needs 100 persons at once: a small population gets a large and a medium one from
        # 800 persons on (so that every class shows), and they then employ a larger share of it than at scale.
        plan = [("large", max(int(persons >= 800), round(persons / 4000)))]
        plan += [("medium", max(int(persons >= 800), round(persons / 3000))), ("small", max(2, round(persons / 1000)))]
        county_pick = Weighted(counties, [population[c] for c in counties])
        self.bases = []
        for scale, count in plan:
            for _ in range(count):
                county = county_pick.pick(rng)
                towns = [t for t in geo.by_county[county] if t.urban] or geo.by_county[county]
                township = rng.choice(towns)
                if scale == "small":
                    opened = _date_between(rng, dt.date(2009, 3, 1), dt.date(2023, 12, 31))
                elif rng.random() < 0.75:
                    opened = _date_between(rng, dt.date(2011, 1, 1), dt.date(2014, 12, 31))
                else:
                    opened = _date_between(rng, dt.date(2015, 1, 1), dt.date(2020, 12, 31))
                opened = min(opened, self.today - 60)
                target = {"large": (108, 150), "medium": (56, 88), "small": (8, 42)}[scale]
                run_by = rng.choice(self.employers[county]) if scale != "small" and rng.random() < 0.8 else None
                self.bases.append(
                    Base(
                        index=len(self.bases),
                        scale=scale,
                        township=township,
                        opened=opened,
                        target=rng.randint(*target),
                        ramp=rng.randint(6, 15),
                        employer=run_by,
                    )
                )
        ids = self.sink.allocate(PlacementBase, len(self.bases))
        for base, base_id in zip(self.bases, ids, strict=True):
            base.id = base_id
            industry = rng.choice(INDUSTRIES)
            county_name = geo.county_name(base.township.code)
            point = base.scale == "small" and rng.random() < 0.7
            label = "安置点" if point else "安置基地"
            name = f"{county_name}{rng.choice(BASE_WORDS)}{industry}{label}"
            while name in names:
                name = f"{county_name}{rng.choice(BASE_WORDS)}{rng.choice(INDUSTRIES)}{label}{len(names) % 7 + 2}"
            names.add(name)
            self.emit(
                PlacementBase,
                (
                    base_id,
                    f"DEMO-{self.seed}-{base.index + 1:04d}",
                    name,
                    BaseKind.POINT if point else BaseKind.BASE,
                    base.township.code,
                    base.employer,
                    base.opened,
                    (base.target // 10 + 2) * 10,
                    _name(rng, rng.random() < 0.7),
                    _phone(rng),
                    base.scale != "small" and rng.random() < 0.7,
                    base.scale != "small" and rng.random() < 0.4,
                    base.scale != "small" and rng.random() < 0.4,
                ),
            )
        self.flush(PlacementBase)

    def _firm_name(self, rng, county: str, names: set) -> str:
        city = self.geo.names.get(RegionCode(county).prefecture, "")[:2]
        for _ in range(20):
            name = f"{city}{rng.choice(FIRM_WORDS)}{rng.choice(FIRM_TRADES)}有限公司"
            if name not in names:
                break
        else:
            name = f"{self.geo.county_name(county)}{rng.choice(FIRM_WORDS)}{rng.choice(FIRM_TRADES)}有限公司"
        names.add(name)
        return name

    # -- placements: bases filled month by month, other modes sought by persons under a community measure

    def _placements(self) -> None:
        rng, today, summaries = self.rng, self.today, self.summaries
        self.busy_until = [0] * len(summaries)
        self.placements: list[list] = []
        self.pools = _Pools(summaries)
        seeks: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for i, person in enumerate(summaries):
            for start, end in person.community:
                year = day(start).year
                chance = 0.12 if year < 2011 else 0.3 if year == 2011 else 0.42
                chance *= 1.2 if person.township.urban else 0.75
                if rng.random() < chance:
                    sought = start + 20 + int(rng.random() * 130)
                    if sought < min(end, today + 1):
                        seeks[_month(sought)].append((sought, i))
        renewals: dict[int, list[tuple[int, int, list]]] = defaultdict(list)
        occupancy: dict[int, list[int]] = {base.index: [] for base in self.bases}
        first = dt.date(2009, 1, 1)
        month = _month(first.toordinal())
        while (month_start := _month_start(month)) <= today:
            for base in self.bases:
                heap = occupancy[base.index]
                while heap and heap[0] < month_start:
                    heapq.heappop(heap)
                base.record(month_start, len(heap))
            for when, i, previous in sorted(renewals.pop(month, []), key=lambda r: (r[0], r[1])):
                if self._free(i, when):
                    self._place(i, when, *previous, occupancy, renewals)
            for base in self.bases:
                if base.opened > month_start + 27:
                    continue
                wanted = base.wanted(month_start) - len(occupancy[base.index])
                for _ in range(min(wanted, max(4, base.target // 5))):
                    when = max(base.opened, month_start + int(rng.random() * 28))
                    if when > today:
                        break
                    i = self._candidate(base.township, when)
                    if i is not None:
                        self._place(i, when, PlacementMode.CONCENTRATED, base, base.employer, occupancy, renewals)
            for when, i in sorted(seeks.pop(month, [])):
                if when <= today and self._free(i, when):
                    self._seek(i, when, occupancy, renewals)
            month += 1
        self._write_placements()

    def _candidate(self, township: Township, when: int) -> int | None:
        """A person near the base, free to work on ``when``; persons under a community measure preferred."""
        rng = self.rng
        for pool in self.pools.near(township):
            registered = bisect.bisect_right(pool[0], when)
            if not registered:
                continue
            for attempt in range(24):
                i = pool[1][int(rng.random() * registered)]
                if not self._free(i, when):
                    continue
                if attempt < 16 and not _during(self.summaries[i].community, when) and rng.random() > 0.3:
                    continue
                return i
        return None

    def _free(self, i: int, when: int) -> bool:
        person = self.summaries[i]
        return (
            self.busy_until[i] < when
            and person.registered <= when < person.exit
            and when < person.birth + 58 * 365
            and not _during(person.blocked, when)
        )

    def _seek(self, i: int, when: int, occupancy, renewals) -> None:
        rng, person = self.rng, self.summaries[i]
        mode = _MODES.pick(rng)
        base = employer = None
        if mode == PlacementMode.CONCENTRATED:
            near = [b for b in self.bases if b.opened <= when and b.township.county == person.township.county]
            near = near or [
                b for b in self.bases if b.opened <= when and b.township.prefecture == person.township.prefecture
            ]
            room = [b for b in near if len(occupancy[b.index]) < b.target * 1.1]
            if room:
                base = rng.choice(room)
                employer = base.employer
            else:
                mode = PlacementMode.DISPERSED
        if mode == PlacementMode.DISPERSED:
            nearby = self.employers.get(person.township.county) or self.employers[rng.choice(sorted(self.employers))]
            employer = rng.choice(nearby)
        self._place(i, when, mode, base, employer, occupancy, renewals)

    def _place(self, i: int, start: int, mode: str, base, employer, occupancy, renewals) -> None:
        rng, person, today = self.rng, self.summaries[i], self.today
        if mode == PlacementMode.SELF_EMPLOYED:
            end = None
        elif rng.random() < (0.9 if mode == PlacementMode.CONCENTRATED else 0.8):
            end = plus_months(start, rng.choice((12, 24, 24, 36))) - 1
        else:
            end = plus_months(start, rng.randint(3, 10)) - 1
        stop = min([b[0] for b in person.blocked if b[0] > start] + [person.exit])  # the next day they cannot work
        left = None
        if stop <= (end or NEVER) and stop - 1 <= today:
            left = stop - 1
        elif rng.random() < (0.25 if end is None else 0.08):
            span = ((end or today) - start) if (end or today) > start + 31 else 31
            quit_on = start + 30 + int(rng.random() * (span - 30))
            if quit_on <= today and (end is None or quit_on < end):
                left = quit_on
        if left is not None and left < start:
            return
        long_contract = Placement.is_long(day(start), day(end) if end else None)
        last = left if left is not None else (end if end is not None else NEVER)
        self.busy_until[i] = last
        if base is not None and long_contract:
            heapq.heappush(occupancy[base.index], last)
        year = day(start).year
        wage = None if mode == PlacementMode.SELF_EMPLOYED and rng.random() < 0.5 else _wage(rng, year)
        insured = rng.random() < {PlacementMode.SELF_EMPLOYED: 0.2, PlacementMode.DISPERSED: 0.55}.get(mode, 0.8)
        certificate = ""
        if rng.random() < 0.6:
            certificate = f"{person.township.county}{year}{len(self.placements) % 1000000:06d}"
        marked = bool(certificate) and mode in (PlacementMode.CONCENTRATED, PlacementMode.DISPERSED)
        marked = marked and rng.random() < 0.35
        row = [None, person.pid, mode, base.id if base else None, employer, start, end, long_contract, insured]
        row += [wage, certificate, marked, left, start]
        self.placements.append(row)
        if mode == PlacementMode.SELF_EMPLOYED and rng.random() < 0.4:
            self._loan(person, start)
        if left is None and end is not None and end + 1 <= today and rng.random() < 0.4:  # a new contract
            renewals[_month(end + 1)].append((end + 1, i, (mode, base, employer)))

    def _loan(self, person: Summary, start: int) -> None:
        rng, today = self.rng, self.today
        applied = max(person.registered, start - int(rng.random() * 60))
        amount = rng.choice((20000, 30000, 50000))
        decided, status = applied + 15 + int(rng.random() * 30), LoanStatus.APPROVED
        u = rng.random()
        if decided > today:
            decided, status = None, LoanStatus.APPLIED
        elif u < 0.15:
            status = LoanStatus.REFUSED
        elif decided < today - 3 * 365 and u < 0.6:
            status = LoanStatus.REPAID
        lender = f"{rng.choice(LENDERS)}{self.geo.county_name(person.township.code)}支行"
        self.emit(Loan, (person.pid, applied, amount, lender, True, status, decided, applied))

    def _write_placements(self) -> None:
        rng, today = self.rng, self.today
        exits = {person.pid: person.exit for person in self.summaries}
        ids = self.sink.allocate(Placement, len(self.placements))
        for row, placement_id in zip(self.placements, ids, strict=True):
            row[0] = placement_id
            mode, start, end, left = row[2], row[5], row[6], row[12]
            if mode != PlacementMode.DISPERSED:
                continue
            # due monthly while employed, missed more often once the job is settled; the first visit after
            # leaving records it
            limit = min(left + 20, today) if left is not None else min(end, today)
            limit = min(limit, exits[row[1]] - 1)
            visit = start + FOLLOW_UP_DAYS + int(rng.random() * 6) - 2
            while visit <= limit:
                still = left is None or visit <= left
                if rng.random() > (0.12 if visit < start + 100 else 0.4) or not still:
                    self.emit(FollowUp, (row[1], placement_id, visit, still, visit))
                if not still:
                    break
                visit += FOLLOW_UP_DAYS + int(rng.random() * 7) - 3
        self.buffers[Placement] = [tuple(row) for row in self.placements]
        self.flush(Placement, FollowUp, Loan)
        for base in self.bases:
            self._subsidy(base)
        self.flush(BaseSubsidy)

    def _subsidy(self, base: "Base") -> None:
        """The provincial start-up subsidy for a base that reached scale 50, a larger one for 100."""
        rng, today = self.rng, self.today
        if base.reached_medium is None:
            return
        decided = base.reached_medium + 60 + int(rng.random() * 120)
        large = base.reached_large is not None and base.reached_large <= decided
        if decided > today:
            return
        paid = decided + 30 + int(rng.random() * 60)
        level = PayingLevel.PROVINCE if rng.random() < 0.7 else PayingLevel.PREFECTURE
        amount = 300000 if large else 150000
        self.emit(
            BaseSubsidy,
            (base.id, decided, amount, level, paid if paid <= today else None, self.staff.get("demo_province")),
        )

    # -- training

    def _training(self) -> None:
        rng, today = self.rng, self.today
        persons = len(self.summaries)
        population = Counter(s.township.county for s in self.summaries)
        counties = sorted(population)
        county_pick = Weighted(counties, [population[c] for c in counties])
        years = list(range(2009, day(today).year + 1))
        year_pick = Weighted(years, [_training_year(y) for y in years])
        courses = []
        for n in range(max(4, persons // 60)):
            county = county_pick.pick(rng)
            year = year_pick.pick(rng)
            start = dt.date(year, 1, 1).toordinal() + int(rng.random() * 365)
            if n % 33 == 0:  # a few upcoming courses, open for enrolment
                start = today + 5 + int(rng.random() * 40)
            hours = rng.choice((40, 60, 80, 120, 160, 240))
            end = start + int(hours / 6 * 1.4)
            u = rng.random()
            if u < 0.6:
                kind, provider = (
                    ProviderKind.HR_DEPARTMENT,
                    f"{self.geo.county_name(county)}人力资源和社会保障局职业技能培训中心",
                )
            elif u < 0.85:
                city = self.geo.names.get(RegionCode(county).prefecture, "")
                kind, provider = ProviderKind.DETOX_FACILITY, f"{city}强制隔离戒毒所"
            else:
                kind, provider = ProviderKind.ENTERPRISE, self.employer_names[rng.choice(self.employers[county])]
            capacity = rng.choice((30, 30, 40, 40, 50, None))
            courses.append(
                [None, kind, provider, rng.choice(SKILLS), start, end, hours, county, capacity, min(start, today)]
            )
        for course, course_id in zip(courses, self.sink.allocate(Course, len(courses)), strict=True):
            course[0] = course_id
            self.emit(Course, tuple(course))
        self.flush(Course)
        certificates = 0
        for course_id, _kind, _provider, _skill, start, end, hours, county, capacity, _created in courses:
            seats = int((capacity or 35) * (0.4 + 0.5 * rng.random()))
            chosen: set[int] = set()
            near = self.pools.by_county.get(county)
            if not near:
                continue
            for _ in range(seats * 3):
                if len(chosen) >= seats:
                    break
                pool = near if rng.random() > 0.06 else self.pools.by_prefecture[RegionCode(county).prefecture]
                enrolled = min(start - int(rng.random() * 14), today)
                registered = bisect.bisect_right(pool[0], enrolled)
                if not registered:
                    continue
                i = pool[1][int(rng.random() * registered)]
                person = self.summaries[i]
                if i in chosen or person.exit <= end or _overlaps(person.blocked, start, end + 1):
                    continue
                chosen.add(i)
                crossing = person.township.county != county
                status, approved = EnrolmentStatus.ENROLLED, enrolled
                if crossing:
                    approved = enrolled + 1 + int(rng.random() * 9)
                    if approved > today:
                        status, approved = EnrolmentStatus.AWAITING_APPROVAL, None
                attendance, completed, completed_on, certificate, withdrawn = 0, False, None, "", None
                if status == EnrolmentStatus.ENROLLED and start <= today:
                    u = rng.random()
                    if end < today and u < 0.8:
                        certificates += 1
                        attendance, completed, completed_on = hours, True, end
                        certificate = f"JN{day(end).year}{county}{certificates:06d}"
                    elif u < 0.87:
                        withdrawn = min(start + int(rng.random() * max(1, end - start)), today)
                        withdrawn = max(withdrawn, enrolled)
                        attendance = int(hours * rng.random() * 0.5)
                        status = EnrolmentStatus.WITHDRAWN
                    else:
                        share = min(1.0, (today - start) / max(1, end - start))
                        attendance = int(hours * share * (0.3 + 0.6 * rng.random()))
                row = (person.pid, course_id, enrolled, status, approved, attendance, completed, completed_on)
                self.emit(Enrolment, (*row, certificate, withdrawn, enrolled))
        self.flush(Enrolment)

    # -- welfare

    def _welfare(self) -> None:
        rng = self.rng
        for person in self.summaries:
            if rng.random() < 0.25:
                kind = BenefitKind.URBAN_MEDICAL if person.township.urban else BenefitKind.RURAL_MEDICAL
                self._benefit(person, kind)
            if rng.random() < 0.1:
                self._benefit(person, BenefitKind.MINIMUM_LIVING)
            if rng.random() < 0.02:
                self._benefit(person, BenefitKind.DISABILITY)
            if rng.random() < 0.08:
                applied = self._benefit(person, BenefitKind.TEMPORARY_RELIEF)
                if applied and rng.random() < 0.3:
                    self._benefit(person, BenefitKind.TEMPORARY_RELIEF, after=applied)
        self.flush(Benefit)

    def _benefit(self, person: Summary, kind: str, after: int | None = None) -> int | None:
        """One application and its outcome; at most one open per kind, so a second follows a decision."""
        rng, today = self.rng, self.today
        applied = (after or person.registered) + 30 + int(rng.random() * 700)
        if applied > today or applied + 60 >= person.exit:
            return None
        decided = applied + 10 + int(rng.random() * 30)
        status, amount, starts, ends, notes = BenefitStatus.APPROVED, None, None, None, ""
        u = rng.random()
        if decided > today:
            status, decided = BenefitStatus.APPLIED, None
        elif u < (0.2 if kind == BenefitKind.MINIMUM_LIVING else 0.06):
            status, notes = BenefitStatus.REFUSED, "家庭人均收入高于当地保障标准"
        else:
            starts = min(decided + int(rng.random() * 15), today)
            year = day(decided).year
            amount = {
                BenefitKind.MINIMUM_LIVING: 180 + 25 * (year - 2008) + 10 * int(rng.random() * 10),
                BenefitKind.DISABILITY: 100 + 10 * int(rng.random() * 20),
                BenefitKind.TEMPORARY_RELIEF: 500 * (1 + int(rng.random() * 6)),
            }.get(kind)
            if kind != BenefitKind.TEMPORARY_RELIEF:
                end = person.exit if person.exit <= today else None
                if end is None and rng.random() < 0.2:
                    end = starts + 180 + int(rng.random() * 1500)
                    end = end if end <= today else None
                if end is not None and end >= starts:
                    status, ends = BenefitStatus.ENDED, end
        self.emit(Benefit, (person.pid, kind, applied, status, decided, amount, starts, ends, notes, applied))
        return decided


@dataclass
class Base:
    """A placement base being filled: its target occupancy, reached after ``ramp`` months."""

    index: int
    scale: str
    township: Township
    opened: int
    target: int
    ramp: int
    employer: int | None
    id: int | None = None
    reached_medium: int | None = None
    reached_large: int | None = None

    def wanted(self, when: int) -> int:
        months = (when - self.opened) / 30.4
        share = min(1.0, max(0.1, months / self.ramp))
        later_years = max(0, day(when).year - 2019)  # fewer new persons in later years
        return round(self.target * share * (1 - 0.02 * later_years))

    def record(self, when: int, occupied: int) -> None:
        if occupied >= MEDIUM_SCALE and self.reached_medium is None:
            self.reached_medium = when
        if occupied >= LARGE_SCALE and self.reached_large is None:
            self.reached_large = when


class _Pools:
    """Persons by county, prefecture and province, sorted by registration (a prefix is who was registered)."""

    def __init__(self, summaries: list[Summary]):
        def pool(indices):
            indices = sorted(indices, key=lambda i: (summaries[i].registered, i))
            return [summaries[i].registered for i in indices], indices

        counties, prefectures = defaultdict(list), defaultdict(list)
        for i, person in enumerate(summaries):
            counties[person.township.county].append(i)
            prefectures[person.township.prefecture].append(i)
        self.by_county = {code: pool(indices) for code, indices in counties.items()}
        self.by_prefecture = {code: pool(indices) for code, indices in prefectures.items()}
        self.province = pool(range(len(summaries)))

    def near(self, township: Township):
        """The base's county first, then its prefecture, then the whole province."""
        for pool in (self.by_county.get(township.county), self.by_prefecture.get(township.prefecture)):
            if pool:
                yield pool
        yield self.province


_MODES = Weighted(
    [
        PlacementMode.DISPERSED,
        PlacementMode.SELF_EMPLOYED,
        PlacementMode.PUBLIC_WELFARE,
        PlacementMode.GOVERNMENT,
        PlacementMode.CONCENTRATED,
    ],
    [40, 18, 14, 8, 20],
)


class Life:
    """One person's history from the day first found to today (or death): measures chained by the legal
    rules, and the day-to-day records of each community measure."""

    def __init__(self, gen: Generator, identity: Identity, pid: int, rng: random.Random):
        self.gen, self.identity, self.pid, self.rng = gen, identity, pid, rng
        self.today = gen.today
        self.township = identity.township
        self.measures: list[dict] = []
        self.alerts: list[tuple] = []
        self.open_side: list[dict] = []  # methadone running alongside
        self.blocked: list[tuple[int, int]] = []
        self.community: list[tuple[int, int]] = []
        self.helped = False
        r = rng.random
        self.risk = rng.betavariate(2, 5)
        born = identity.birth
        year = gen.registration_years(day(born).year).pick(rng)
        if identity.desk and r() < 0.5:  # the sample desks have a current caseload to show
            year = max(year, day(self.today).year - int(r() * 4))
        first = max(dt.date(year, 1, 1).toordinal(), born + 16 * 365 + 1, FIRST_DAY.toordinal())
        last = min(dt.date(year, 12, 31).toordinal(), self.today)
        self.registered = first + int(r() * max(1, last - first + 1))
        self.registered = min(self.registered, self.today)
        self._profile(year)
        self.guardian = identity.name[0] + "".join(rng.choice(FEMALE_GIVEN) for _ in range(2))  # a parent or wife
        self.guardian_phone = _phone(rng)
        hazard = 0.006 + (0.012 if self.hiv == "positive" else 0) + (0.004 if self.injecting else 0)
        death = self.registered + int(rng.expovariate(hazard) * 365.25) + 1
        departure = self.registered + int(rng.expovariate(0.0006) * 365.25) + 1
        self.exit_kind = StatusKind.DECEASED if death <= departure else StatusKind.DEPARTED
        self.exit = min(death, departure)
        if self.exit > self.today:
            self.exit = NEVER

    def _profile(self, year: int) -> None:
        rng, r = self.rng, self.rng.random
        heroin = max(0.3, 0.85 - 0.045 * (year - 2008))  # methamphetamine takes over through the years
        self.drug = "海洛因" if r() < heroin else _OTHER_DRUGS.pick(rng)
        self.injecting = r() < (0.45 if self.drug == "海洛因" else 0.3 if "海洛因" in self.drug else 0.02)
        u = r()
        self.hiv = "positive" if u < (0.08 if self.injecting else 0.01) else "negative" if u < 0.62 else "unknown"
        self.substance = SUBSTANCES.get(self.drug.split("、")[0], "吗啡")

    # -- the pathway

    def live(self) -> None:
        """Chain the episodes: each returns the next state, until today, death or departure."""
        r = self.rng.random
        found = self.registered
        year = day(found).year
        # Early on many were registered without a measure; the 2011 project brought half of them under one.
        unmeasured = {2008: 0.4, 2009: 0.35, 2010: 0.28, 2011: 0.18, 2012: 0.12}.get(year, 0.08)
        u = r()
        if u < unmeasured:
            state = ("free", found)
            if year < 2011 and r() < 0.5:
                state = ("cd", CAMPAIGN_START + int(r() * 480))
        elif (u := (u - unmeasured) / (1 - unmeasured)) < 0.65:
            state = ("cd", max(found + int(r() * 10), LAW_IN_FORCE))
        elif u < 0.87:
            state = ("cidt", found + int(r() * 20))
        elif u < 0.94:
            state = ("voluntary", found + int(r() * 10))
        else:
            state = ("methadone", found + int(r() * 30))
        for _episode in range(12):
            if state is None:
                break
            kind, when = state
            if when > self.today or when >= self.exit:
                break
            if kind in ("cd", "cd_pregnant"):
                state = self.community_measure(MeasureKind.COMMUNITY_DETOX, when, pregnant=kind == "cd_pregnant")
            elif kind == "cr":
                state = self.community_measure(MeasureKind.COMMUNITY_REHAB, when)
            elif kind == "cidt":
                state = self.isolation(when)
            elif kind == "voluntary":
                state = self.voluntary(when)
            elif kind == "methadone":
                self.methadone(when)
                state = ("free", when + 180)
            elif kind == "facility":
                state = self.facility(when)
            else:
                state = self.free(when)
        if self.exit <= self.today:
            self.event(self.exit_kind, self.exit)
            reason = EndReason.DECEASED if self.exit_kind == StatusKind.DECEASED else EndReason.OTHER
            for measure in self.measures:
                if measure["ended_on"] is None and (measure["started_on"] or measure["ordered_on"]) <= self.exit:
                    self.end(measure, self.exit, reason)
            self.blocked.append((self.exit, NEVER))

    def measure(self, kind: str, **values) -> dict:
        row = dict.fromkeys(FIELDS[Measure])
        row.update(person=self.pid, kind=kind, authority="", order_number="", extension_months=0, pregnant=False)
        row.update(end_reason="")
        row.update(notes="", **values)
        row["created_at"] = row["ordered_on"] or row["started_on"]
        self.measures.append(row)
        return row

    def end(self, measure: dict, when: int, reason: str) -> None:
        measure["ended_on"], measure["end_reason"] = when, reason

    def police(self) -> str:
        return f"{self.gen.geo.county_name(self.township.code)}公安局"

    def free(self, since: int):
        """After a measure (or without one): a relapse found by the police, family or a visit, or not."""
        rng, r = self.rng, self.rng.random
        if r() >= 0.18 + 0.55 * self.risk:
            return None
        relapse = since + 60 + int(rng.expovariate(1 / 550))
        if relapse > self.today or relapse >= self.exit:
            return None
        self.finding(relapse, _FINDING_SOURCES.pick(rng))
        u = r()
        if u < 0.5:
            if self.identity.sex == "F" and r() < 0.08:  # never isolation for a pregnant woman: community detox
                return ("cd_pregnant", relapse + int(r() * 10))
            return ("cidt", relapse + int(r() * 20))
        if u < 0.88:
            return ("cd", relapse + int(r() * 10))
        if u < 0.93:
            return ("voluntary", relapse + int(r() * 10))
        return ("free", relapse)

    def isolation(self, start: int):
        """Compulsory isolation: 2 years from the decision, a few extended or released early; then CR."""
        r = self.rng.random
        for side in self.open_side:  # methadone stops in the facility
            if side["ended_on"] is None or side["ended_on"] > start:
                self.end(side, max(start, side["started_on"]), EndReason.WITHDRAWN)
        county = self.township.county
        measure = self.measure(
            MeasureKind.COMPULSORY_ISOLATION,
            ordered_on=start,
            started_on=start,
            authority=self.police(),
            order_number=self.gen.order_number(county, start, "(强戒)"),
        )
        u = r()
        if u < 0.12:
            early = plus_months(start, 12 * EARLY_RELEASE_AFTER_YEARS + int(r() * 8)) + int(r() * 28)
            end, reason = early, EndReason.EARLY_RELEASE
        else:
            end, reason = plus_years(start, ISOLATION_TERM_YEARS), EndReason.RELEASED
            if u > 0.94 and end <= self.today:
                measure["extension_months"] = 3 + int(r() * (MAX_ISOLATION_EXTENSION_MONTHS - 2))  # 3 to 12
                end = plus_months(end, measure["extension_months"])
        self.blocked.append((start, min(end, self.exit)))
        if self.exit <= end and self.exit <= self.today:
            return None  # dies in the facility; closed by live()
        if end > self.today:
            return None
        self.end(measure, end, reason)
        u = r()
        if u < 0.86:
            return ("cr", end)
        if u < 0.91:
            return ("facility", end)
        return ("free", end)

    def voluntary(self, start: int):
        r = self.rng.random
        measure = self.measure(MeasureKind.VOLUNTARY_DETOX, started_on=start, authority=self._clinic())
        end = start + 20 + int(r() * 100)
        self.blocked.append((start, end))
        if end > self.today or end >= self.exit:
            return None
        self.end(measure, end, EndReason.COMPLETED)
        if r() < 0.35 and "海洛因" in self.drug:
            self.methadone(end)
        return ("free", end)

    def methadone(self, start: int) -> None:
        r = self.rng.random
        if start > self.today or start >= self.exit:
            return
        county = self.gen.geo.county_name(self.township.code)
        measure = self.measure(MeasureKind.METHADONE, started_on=start, authority=f"{county}美沙酮维持治疗门诊")
        self.open_side.append(measure)
        if r() < 0.45:
            end = start + 90 + int(r() * 1400)
            if end <= self.today and end < self.exit:
                self.end(measure, end, EndReason.WITHDRAWN)

    def facility(self, start: int):
        r = self.rng.random
        start += int(r() * 10)
        if start > self.today or start >= self.exit:
            return None
        measure = self.measure(MeasureKind.FACILITY_REHAB, started_on=start, authority="贵州省戒毒康复中心")
        end = start + 180 + int(r() * 540)
        self.blocked.append((start, min(end, self.exit)))
        if end > self.today or end >= self.exit:
            return None
        self.end(measure, end, EndReason.COMPLETED)
        return ("free", end)

    def _clinic(self) -> str:
        return f"{self.gen.geo.names.get(self.township.prefecture, '')}第一人民医院"

    def community_measure(self, kind: str, ordered: int, pregnant: bool = False):
        """Community detox or rehabilitation: the order, the 15-day report, three years (CR: its term) of tests
        and visits on the schedule, and how it ends."""
        r, today, exit_ = self.rng.random, self.today, self.exit
        if ordered > today or ordered >= exit_:
            return None
        rehab = kind == MeasureKind.COMMUNITY_REHAB
        term = (36 if r() < 0.7 else 24 if r() < 0.67 else 12) if rehab else None
        measure = self.measure(
            kind,
            ordered_on=ordered,
            term_months=term,
            pregnant=pregnant,
            authority=self.police(),
            order_number=self.gen.order_number(self.township.county, ordered, "(康)" if rehab else "(社戒)"),
        )
        deadline = ordered + REPORT_DAYS
        u = r()
        refuses = u < 0.02 + 0.05 * self.risk
        late = not refuses and u < 0.08 + 0.06 * self.risk
        if refuses:  # never reports: escalated to compulsory isolation
            escalated = ordered + 30 + int(r() * 60)
            self._late_alert(measure, deadline, min(escalated, exit_))
            if escalated <= today and escalated < exit_:
                self.end(measure, escalated, EndReason.ESCALATED)
                return ("cidt", escalated)
            return None
        reported = ordered + (REPORT_DAYS + 1 + int(r() * 25) if late else 1 + int(r() * REPORT_DAYS))
        if late:
            self._late_alert(measure, deadline, min(reported, exit_))
        if reported > today or reported >= exit_:
            return None  # awaiting the report (the work list shows it)
        measure["reported_on"] = measure["started_on"] = reported
        measure["agreement_on"] = min(reported + (int(r() * 3) if r() < 0.1 else 0), today)
        planned = plus_months(reported, term) if rehab else plus_years(reported, COMMUNITY_TERM_YEARS)
        if not self.helped:
            self._help_group(reported)

        # What may end it early, drawn ahead: prison, absconding (lost, found, then escalated), death.
        span = planned - reported
        prison = reported + 30 + int(r() * (span - 30)) if r() < 0.02 + 0.05 * self.risk else NEVER
        lost = found = NEVER
        if r() < 0.04 + 0.12 * self.risk:
            lost = reported + 60 + int(r() * (span - 60))
            found = lost + 20 + int(r() * 280) if r() < 0.55 else NEVER
        after_found = found + 3 + int(r() * 20) if found != NEVER and r() < 0.5 else NEVER
        stop = min(planned, prison, after_found, exit_, today + 1)
        windows = [(lost, found)] if lost != NEVER else []
        detention = None
        if r() < 0.04 + 0.1 * self.risk:
            detained = reported + 30 + int(r() * (span - 30))
            detention = (detained, detained + 5 + int(r() * 11))
            windows.append(detention)
        leaves = self._leaves(reported, stop)
        windows += [(leave[1], (leave[5] or leave[2]) + 1) for leave in leaves]

        escalation = self._tests(measure, reported, stop, windows, lost)
        end = min(stop, escalation)
        self._visits(reported, end, windows, lost)
        for leave in leaves:
            if leave[1] < end:
                self.gen.emit(Leave, leave)
        self._side_records(measure, reported, end, windows, detention)
        if lost < end:
            self.event(StatusKind.LOST, lost)
            self.blocked.append((lost, min(found, exit_)))
            if found <= today and found < exit_:
                self.event(StatusKind.FOUND, found)
        if "海洛因" in self.drug and r() < 0.06:  # methadone alongside
            self.methadone(reported + int(r() * min(200, end - reported)))
        self.community.append((reported, end if end <= today else NEVER))

        if end > today:
            self._transfer(reported, today + 1, open_at_today=True)
            return None
        self._transfer(reported, end)
        if end == exit_:
            return None  # closed by live()
        if end in (escalation, after_found):
            self.end(measure, end, EndReason.ESCALATED)
            return ("cidt", end)
        if end == prison:
            self.end(measure, end, EndReason.TERMINATED)
            self.event(StatusKind.IMPRISONED, prison)
            released = prison + 365 + int(r() * 1100)
            self.blocked.append((prison, min(released, exit_)))
            if released <= today and released < exit_:
                self.event(StatusKind.RELEASED, released)
                return ("free", released)
            return None
        if lost <= end < found:  # expired while lost: closed, not discharged
            self.end(measure, end, EndReason.OTHER)
            return None if found == NEVER else ("free", found)
        self.end(measure, end, EndReason.COMPLETED)
        u = r()
        if u < 0.92:  # told within the legal days, mostly
            notice = end + int(r() * (DISCHARGE_NOTICE_DAYS + 1))
        elif u < 0.97:
            notice = end + DISCHARGE_NOTICE_DAYS + 1 + int(r() * 18)
        else:
            notice = None
        measure["discharge_notified_on"] = notice if notice is not None and notice <= today else None
        return ("free", end)

    def _late_alert(self, measure: dict, deadline: int, until: int) -> None:
        """The nightly job raises it the day after the deadline while the order is still unreported."""
        raised = deadline + 1
        if raised <= until and raised <= self.today:
            self.alerts.append(self._alert(AlertKind.LATE_REPORT, raised, 1, measure))

    def _alert(self, kind: str, raised: int, count: int, measure: dict) -> tuple:
        r = self.rng.random
        acknowledged_by, acknowledged_on, decision = None, None, ""
        if raised < self.today - 30 and r() < 0.85:
            acknowledged_on = raised + 1 + int(r() * 20)
            acknowledged_by = self.gen.county_officer.get(self.township.county)
            decision = self.rng.choice(ALERT_DECISIONS)
        return (self.pid, kind, raised, count, measure, acknowledged_by, acknowledged_on, decision, raised)

    def _tests(self, measure: dict, start: int, stop: int, windows, lost: int) -> int:
        """Urine tests on the schedule (none while away), with misses and positives. Returns the day of the
        escalation they lead to (NEVER if none). The hot loop of the generator: kept plain."""
        r, add, pid, substance = self.rng.random, self.gen.buffers[UrineTest].append, self.pid, self.substance
        intervals = self.gen.intervals[ScheduledActivity.URINE_TEST]
        first_year, second_year = plus_years(start, 1), plus_years(start, 2)
        positive = 0.008 + 0.06 * self.risk
        evade, refuse = positive + 0.008 + 0.05 * self.risk, positive + 0.011 + 0.065 * self.risk
        misses = positives = 0
        limit = stop  # shortened by an escalation
        recent = self.today - RECENT_LAG
        when, lost_noted = start, False
        surprise = start + 60 + int(r() * 300)
        while when < limit:
            away = False
            for a, b in windows:
                if a <= when < b:
                    away = True
                    break
            missed = False
            if away:
                if lost <= when and not lost_noted:  # the first test after absconding is recorded as evaded
                    lost_noted = missed = True
                    add((pid, when, SCHEDULED, EVADED, "", when))
            elif r() >= (0.035 if when < recent else 0.25):  # else: not done (or not entered yet): overdue
                u = r()
                if u >= refuse:
                    add((pid, when, SCHEDULED, NEGATIVE, "", when))
                elif u < positive:
                    add((pid, when, SCHEDULED, POSITIVE, substance, when))
                    positives += 1
                    if r() < 0.7:
                        self.finding(when, FindingSource.URINE_TEST)
                    if r() < (0.3 if positives == 1 else 0.65):
                        limit = min(limit, when + 3 + int(r() * 28))
                    retest = when + 7 + int(r() * 8)
                    if retest < limit:
                        if r() < 0.25:
                            add((pid, retest, SURPRISE, POSITIVE, substance, retest))
                        else:
                            add((pid, retest, SURPRISE, NEGATIVE, "", retest))
                else:
                    add((pid, when, SCHEDULED, EVADED if u < evade else REFUSED, "", when))
                    missed = True
            if missed:
                misses += 1
                if misses == MISSED_TESTS_LIMIT:  # a serious breach: the alert, and often the escalation after it
                    self.alerts.append(self._alert(AlertKind.TESTS_MISSED, when, MISSED_TESTS_LIMIT, measure))
                    if r() < 0.45:
                        limit = min(limit, when + 7 + int(r() * 33))
            if surprise <= when:
                if surprise < limit and not _during(windows, surprise):
                    add((pid, surprise, SURPRISE, NEGATIVE, "", surprise))
                surprise += 200 + int(r() * 330)
            when += intervals[0 if when < first_year else 1 if when < second_year else 2] + int(r() * 7) - 3
        if misses > 3:  # the alert's count is kept up to date while the measure runs
            for n, alert in enumerate(self.alerts):
                if alert[1] == AlertKind.TESTS_MISSED and alert[4] is measure:
                    self.alerts[n] = (*alert[:3], misses, *alert[4:])
        return limit if limit < stop else NEVER

    def _visits(self, start: int, stop: int, windows, lost: int) -> None:
        r, add, pid = self.rng.random, self.gen.buffers[Visit].append, self.pid
        alone, police = self.gen.helper_names(self.township)
        together = f"{alone}、{police}"
        intervals = self.gen.intervals[ScheduledActivity.VISIT]
        first_year, second_year = plus_years(start, 1), plus_years(start, 2)
        when, recent = start + 3 + int(r() * 10), self.today - RECENT_LAG
        if lost + 3 < stop:
            add((pid, lost + 3, HOME, "", "人员失联，家属称不知去向", False, lost + 3))
        while when < stop:
            away = False
            for a, b in windows:
                if a <= when < b:
                    away = True
                    break
            if not away and r() >= (0.05 if when < recent else 0.25):  # else: missed (or not entered yet)
                u = r()
                kind = HOME if u < 0.5 else OFFICE if u < 0.75 else PHONE if u < 0.9 else WORKPLACE
                note = VISIT_FINDINGS[int(r() * len(VISIT_FINDINGS))] if r() < 0.3 else ""
                add((pid, when, kind, together if kind == HOME else alone, note, r() >= 0.02, when))
            when += intervals[0 if when < first_year else 1 if when < second_year else 2] + int(r() * 7) - 3

    def _leaves(self, start: int, stop: int) -> list[tuple]:
        """Written leave for absences of three days or more (emitted once the measure's end is known)."""
        r, leaves = self.rng.random, []
        for _ in range(2):
            if r() >= 0.12 or stop - start < 120:
                continue
            leave_from = start + 30 + int(r() * (stop - start - 60))
            if leave_from > self.today:
                continue
            until = leave_from + 3 + int(r() * 22)
            returned = until + (int(r() * 3) if r() < 0.1 else 0)
            returned = returned if returned <= min(self.today, self.exit - 1) else None
            destination, reason = self.rng.choice(LEAVE_DESTINATIONS), self.rng.choice(LEAVE_REASONS)
            leaves.append((self.pid, leave_from, until, destination, reason, returned, leave_from))
        return leaves

    def _side_records(self, measure: dict, start: int, end: int, windows, detention) -> None:
        """Detention, unauthorised absences (and their breach alerts) and counselling while the measure runs."""
        r, today, emit, pid = self.rng.random, self.today, self.gen.emit, self.pid
        last = min(end, today + 1)
        if detention and detention[0] < last:
            emit(StatusEvent, (pid, StatusKind.DETAINED, detention[0], detention[0]))
            if detention[1] <= today and detention[1] < self.exit:
                emit(StatusEvent, (pid, StatusKind.RELEASED, detention[1], detention[1]))
        if r() < 0.04 + 0.15 * self.risk and last - start > 60:
            count = 1 if r() < 0.6 else 2 if r() < 0.6 else 3 + int(r() * 2)
            days_away, numbered, raised = 0, 0, {}
            for left in sorted(start + 10 + int(r() * (last - start - 20)) for _ in range(count)):
                if _during(windows, left) or left > today:
                    continue
                stay = 31 + int(r() * 30) if r() < 0.07 else 1 + int(r() * 8)
                returned = left + stay if left + stay <= min(today, self.exit - 1) else None
                emit(Absence, (pid, left, returned, left))
                numbered += 1
                before, days_away = days_away, days_away + (returned or today) - left
                if numbered == ABSENCES_LIMIT:
                    raised[AlertKind.ABSENCES] = left
                over = min(returned or left + ABSENCE_DAYS_LIMIT + 1, today)
                if before <= ABSENCE_DAYS_LIMIT < days_away and over < end:
                    raised[AlertKind.ABSENCE_DAYS] = over
            counts = {AlertKind.ABSENCES: numbered, AlertKind.ABSENCE_DAYS: days_away}
            for kind, when in raised.items():
                self.alerts.append(self._alert(kind, when, counts[kind], measure))
        if r() < 0.3:
            counsellor = f"心理咨询师{_name(self.rng, r() < 0.4)}"
            held = start + 15 + int(r() * 20)
            for _ in range(2 + int(r() * 5)):
                if held >= last:
                    break
                emit(Counselling, (pid, held, CounsellingKind.PSYCHOLOGICAL, counsellor, held))
                held += 25 + int(r() * 15)
        if r() < 0.4:
            held = start + int(r() * 60)
            if held < last:
                emit(Counselling, (pid, held, CounsellingKind.DISEASE_EDUCATION, "", held))

    def _help_group(self, joined: int) -> None:
        r, rng = self.rng.random, self.rng
        self.helped = True
        worker, police = self.gen.helper_names(self.township)
        members = [(HelperRole.WORKER, worker), (HelperRole.POLICE, police)]
        members.append((HelperRole.FAMILY, self.guardian or _name(rng, r() < 0.5)))
        if r() < 0.4:
            members.append((HelperRole.MEDIC, _name(rng, r() < 0.4)))
        if r() < 0.3:
            members.append((HelperRole.VOLUNTEER, _name(rng, r() < 0.5)))
        for role, name in members:
            self.gen.emit(HelpGroupMember, (self.pid, role, name, _phone(rng), joined, joined))

    def _transfer(self, start: int, end: int, open_at_today: bool = False) -> None:
        """Now and then the place of execution moves; a few requests are refused or still open today."""
        rng, r, today = self.rng, self.rng.random, self.today
        u = r()
        if end - start < 120 or u >= 0.07:
            return
        destination = self.gen.geo.pick_near(rng, self.township)
        crosses = destination.county != self.township.county
        if open_at_today and u < 0.03:
            requested = today - int(r() * 20)
            if requested <= start:
                return
            status, effective, approved = TransferStatus.PENDING, None, None
            if crosses and r() < 0.4:
                status, effective = TransferStatus.AWAITING_COUNTY, min(requested + 3, today)
            row = (self.pid, self.township.code, destination.code, requested, rng.choice(TRANSFER_REASONS), status)
            self.gen.emit(Transfer, (*row, approved, effective, ""))
            return
        effective = start + 60 + int(r() * (end - start - 90))
        requested = max(start, effective - 3 - int(r() * 18))
        if effective > today:
            return
        if u < 0.01:
            row = (self.pid, self.township.code, destination.code, requested, rng.choice(TRANSFER_REASONS))
            self.gen.emit(Transfer, (*row, TransferStatus.REJECTED, None, None, rng.choice(REFUSALS)))
            return
        approved = min(effective + int(r() * 6), today) if crosses else None
        row = (self.pid, self.township.code, destination.code, requested, rng.choice(TRANSFER_REASONS))
        self.gen.emit(Transfer, (*row, TransferStatus.ACCEPTED, approved, effective, ""))
        self.township = destination

    def finding(self, when: int, source: str) -> None:
        self.gen.emit(DrugUseFinding, (self.pid, when, source, when))

    def event(self, kind: str, when: int) -> None:
        self.gen.emit(StatusEvent, (self.pid, kind, when, when))

    # -- the person row and what later phases need

    def person_row(self) -> tuple:
        rng, r, identity = self.rng, self.rng.random, self.identity
        first_use = max(self.registered - 120 - int(r() * 3000), identity.birth + 13 * 365)
        first_use = min(first_use, self.registered)
        origin = self.identity.township
        village = f"{rng.choice('东南西北新中上下')}{rng.choice('寨坝村营坡')}{1 + int(r() * 9)}组"
        road = f"{rng.choice(('人民', '中山', '解放', '建设', '新华', '延安'))}路{1 + int(r() * 300)}号"
        household = f"{self.gen.geo.county_name(origin.code)}{origin.name}{village if not origin.urban else road}"
        address = f"{self.gen.geo.county_name(self.township.code)}{self.township.name}{road if r() < 0.7 else village}"
        education = _EDUCATION.pick(rng)
        marital = _MARITAL.pick(rng)
        infections = "丙型肝炎" if self.injecting and r() < 0.2 else ""
        return (
            self.pid,
            identity.id_number,
            identity.name,
            _initials(identity.name),
            identity.sex,
            identity.birth,
            identity.ethnicity,
            education,
            marital,
            household,
            address,
            _phone(rng),
            self.township.code,
            self.drug,
            self.injecting,
            first_use,
            self.registered,
            self.guardian,
            self.guardian_phone,
            self.hiv,
            infections,
            _CAPACITY.pick(rng),
            self.registered,
            self.registered,
        )

    def summary(self) -> Summary:
        blocked = sorted((a, b) for a, b in self.blocked if a < b)
        return Summary(
            self.pid, self.township, self.registered, self.identity.birth, self.exit, blocked, self.community
        )


# -------------------------------------------------------------------------------------------------- helpers

_OTHER_DRUGS = Weighted(["甲基苯丙胺（冰毒）", "氯胺酮（K粉）", "大麻", "海洛因、甲基苯丙胺（冰毒）"], [75, 10, 5, 10])
_FINDING_SOURCES = Weighted(
    [FindingSource.POLICE, FindingSource.REPORT, FindingSource.VISIT, FindingSource.OTHER], [60, 15, 10, 15]
)
_EDUCATION = Weighted(["none", "primary", "junior", "senior", "college"], [5, 25, 45, 20, 5])
_MARITAL = Weighted(["single", "married", "divorced", "widowed"], [45, 35, 17, 3])
_CAPACITY = Weighted(["full", "partial", "none"], [80, 15, 5])
_INITIALS: dict[str, str] = {}


def _initials(name: str) -> str:
    """As the person service computes them (cached: many names repeat)."""
    if name not in _INITIALS:
        _INITIALS[name] = pinyin_initials(name)
    return _INITIALS[name]


def _name(rng: random.Random, male: bool) -> str:
    given = MALE_GIVEN if male else FEMALE_GIVEN
    return rng.choice(SURNAMES["汉族"]) + "".join(rng.choice(given) for _ in range(1 if rng.random() < 0.3 else 2))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{int(rng.random() * 10**9):09d}"


def _wage(rng: random.Random, year: int) -> int:
    return int((900 + 110 * (year - 2008)) * (0.75 + 0.5 * rng.random()) / 50) * 50


def _wave(year: int, today: int) -> float:
    weight = WAVES.get(year, LATER_WAVE)
    last = day(today)
    if year == last.year:
        weight *= max(0.05, last.timetuple().tm_yday / 365)
    return weight


def _training_year(year: int) -> float:
    return {2009: 1.0, 2010: 1.3, 2011: 1.6, 2012: 1.6, 2020: 0.6}.get(year, 1.4 if year <= 2016 else 1.0)


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> int:
    return first.toordinal() + int(rng.random() * ((last - first).days + 1))


def _during(intervals, when: int) -> bool:
    return any(a <= when < b for a, b in intervals)


def _overlaps(intervals, start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in intervals)


def _month(ordinal: int) -> int:
    date = day(ordinal)
    return date.year * 12 + date.month - 1


def _month_start(month: int) -> int:
    return dt.date(month // 12, month % 12 + 1, 1).toordinal()


def generate(
    *,
    people: list[Identity],
    geo: Geography,
    seed: int,
    today: dt.date,
    sink: Sink,
    staff: dict[str, int],
    progress: Callable[[str], None] = lambda message: None,
) -> Counter:
    """Generate the histories of ``people`` (from ``identities``) and write them through ``sink``.
    Returns the number of rows written per model name."""
    return Generator(geo=geo, seed=seed, today=today, sink=sink, staff=staff, progress=progress).run(people)
