import datetime as dt

from celery import shared_task

from .services import outcomes_compute


@shared_task(name="outcomes.tasks.compute_outcomes", autoretry_for=(Exception,), max_retries=2, retry_backoff=300)
def compute_outcomes(day: str | None = None) -> int:
    """Nightly: the relapse outcomes of every province, prefecture and county as of yesterday (or ``day``, ISO)."""
    target = dt.date.fromisoformat(day) if day else dt.date.today() - dt.timedelta(days=1)
    return outcomes_compute(day=target)
