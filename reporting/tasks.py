import datetime as dt

from celery import shared_task

from .services import seal_records
from .snapshots import snapshots_compute


@shared_task(name="reporting.tasks.compute_indicators", autoretry_for=(Exception,), max_retries=2, retry_backoff=300)
def compute_indicators(day: str | None = None) -> int:
    """Nightly: yesterday's snapshots for every region (or ``day``, ISO format). Returns the rows written."""
    target = dt.date.fromisoformat(day) if day else dt.date.today() - dt.timedelta(days=1)
    return snapshots_compute(day=target)


@shared_task(name="reporting.tasks.seal_records", autoretry_for=(Exception,), max_retries=2, retry_backoff=300)
def seal_records_task(day: str | None = None) -> list[int]:
    """Nightly: seal the files of the persons abstinent three years today (or ``day``, ISO format), DESIGN §3b."""
    target = dt.date.fromisoformat(day) if day else dt.date.today()
    return list(seal_records(day=target))
