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
from .persons import person_register, person_update
from .records import record_save, urine_test_record
from .sealing import lawful_query_decide, lawful_query_request, person_seal, sealed_case_record
from .transfers import transfer_accept, transfer_approve, transfer_reject, transfer_start

__all__ = [
    "alert_acknowledge",
    "breach_alerts_refresh",
    "late_report_alert",
    "late_report_alerts_raise",
    "lawful_query_decide",
    "lawful_query_request",
    "measure_close",
    "measure_correct",
    "measure_escalate",
    "measure_extend",
    "measure_order",
    "measure_record_discharge_notice",
    "measure_record_report",
    "measure_validate",
    "person_register",
    "person_seal",
    "person_update",
    "record_save",
    "sealed_case_record",
    "transfer_accept",
    "transfer_approve",
    "transfer_reject",
    "transfer_start",
    "urine_test_record",
]
