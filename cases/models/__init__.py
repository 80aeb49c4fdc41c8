from .measures import Measure
from .person import HEALTH_READERS, Person
from .records import (
    Absence,
    Alert,
    Counselling,
    DrugUseFinding,
    HelpGroupMember,
    Leave,
    ScheduleRule,
    StatusEvent,
    UrineTest,
    Visit,
)
from .sealing import LawfulQuery, Sealing
from .transfers import Transfer
from .work import WorkDue, WorkListDay

__all__ = [
    "HEALTH_READERS",
    "Absence",
    "Alert",
    "Counselling",
    "DrugUseFinding",
    "HelpGroupMember",
    "LawfulQuery",
    "Leave",
    "Measure",
    "Person",
    "ScheduleRule",
    "Sealing",
    "StatusEvent",
    "Transfer",
    "UrineTest",
    "Visit",
    "WorkDue",
    "WorkListDay",
]
