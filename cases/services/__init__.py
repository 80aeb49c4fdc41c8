"""Writes of the cases app: keyword-only, validated, atomic, checked against the scope twice."""

from .alerts import alert_acknowledge, breach_alerts_refresh, late_report_alert, late_report_alerts_raise
from .measures import (
    measure_close,
    measure_correct,
    measure_escalate,
    measure_extend,
    measure_order,
    measure_record_discharge_notice,
    measure_record_report,
    measure_validate,
)
from .persons import person_register, person_update, pinyin_initials
from .records import record_save, urine_test_record
from .transfers import transfer_accept, transfer_approve, transfer_reject, transfer_start

__all__ = [
    "alert_acknowledge",
    "breach_alerts_refresh",
    "late_report_alert",
    "late_report_alerts_raise",
    "measure_close",
    "measure_correct",
    "measure_escalate",
    "measure_extend",
    "measure_order",
    "measure_record_discharge_notice",
    "measure_record_report",
    "measure_validate",
    "person_register",
    "person_update",
    "pinyin_initials",
    "record_save",
    "transfer_accept",
    "transfer_approve",
    "transfer_reject",
    "transfer_start",
    "urine_test_record",
]
