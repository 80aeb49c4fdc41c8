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
    """Store today's work list anew (the number of items): every quarter of an hour from 00:01 (beat), and after a
    schedule rule changes. Whatever left the list behind is mended within the quarter: a night whose run failed, a
    day dropped since (a rule changed, a refresh failed, a migration), a person's rows left stale by a process killed
    between a write's commit and its refresh. About a second at province scale."""
    return work_list_rebuild(dt.date.today())
