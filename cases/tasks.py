import datetime as dt

from celery import shared_task

from .services.alerts import late_report_alerts_raise
from .services.work_list import work_list_rebuild


@shared_task(name="cases.tasks.raise_late_report_alerts")
def raise_late_report_alerts() -> int:
    """Nightly: alert the county office and police of CD/CR orders not reported within 15 days."""
    return late_report_alerts_raise()


@shared_task(name="cases.tasks.rebuild_work_list")
def rebuild_work_list() -> int:
    """Nightly, just after midnight (and after a schedule rule changes): store today's work list."""
    return work_list_rebuild(dt.date.today())
