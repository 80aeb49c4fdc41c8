import datetime as dt

from celery import shared_task

from .services import snapshots_compute


@shared_task(name="reporting.tasks.compute_indicators", autoretry_for=(Exception,), max_retries=2, retry_backoff=300)
def compute_indicators(day: str | None = None) -> int:
    """Nightly: yesterday's snapshots for every region (or ``day``, ISO format). Returns the rows written."""
    target = dt.date.fromisoformat(day) if day else dt.date.today() - dt.timedelta(days=1)
    return snapshots_compute(day=target)
