"""The Celery application. Every periodic schedule lives in ``beat_schedule`` below, in one place."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunshine.settings")

app = Celery("sunshine")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "sunshine.tasks.record_heartbeat", "schedule": 60.0},  # WORKER_HEARTBEAT_SECONDS
    "reap-jobs": {"task": "sunshine.tasks.reap_jobs", "schedule": 15.0},  # 3 x JOB_HEARTBEAT_SECONDS
    "late-report-alerts": {"task": "cases.tasks.raise_late_report_alerts", "schedule": crontab(hour=1, minute=0)},
    "indicators": {"task": "reporting.tasks.compute_indicators", "schedule": crontab(hour=2, minute=0)},
    "purge-tokens": {"task": "sunshine.tasks.purge_tokens", "schedule": crontab(hour=3, minute=30)},
    "outcomes": {"task": "outcomes.tasks.compute_outcomes", "schedule": crontab(hour=3, minute=0)},
    # just after midnight: a file is sealed on the first day its person counts as abstinent three years
    "seal-records": {"task": "reporting.tasks.seal_records", "schedule": crontab(hour=0, minute=5)},
    # the day's work list, stored anew (until it is stored, pages compute the list live; a stale row lasts a quarter)
    "work-list": {"task": "cases.tasks.rebuild_work_list", "schedule": crontab(minute="1-59/15")},
}


@worker_ready.connect
def reap_on_start(**kwargs) -> None:
    """A worker that (re)starts fails at once the jobs a lost worker left running (see ``sunshine.jobs``)."""
    from sunshine.jobs import jobs_reap

    jobs_reap()
