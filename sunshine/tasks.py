import socket

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


def record_heartbeat(hostname: str) -> WorkerHeartbeat:
    """Note that a worker on ``hostname`` is alive and consuming tasks (shown by /health/)."""
    beat, _created = WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"seen_at": timezone.now()})
    return beat


@shared_task(name="sunshine.tasks.record_heartbeat")
def heartbeat() -> str:
    """Scheduled by beat every five minutes; returns the worker's host name."""
    hostname = socket.gethostname()
    record_heartbeat(hostname)
    return hostname


@shared_task(name="sunshine.tasks.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    """Run one background job (imports, exports); see ``sunshine.jobs``."""
    from .jobs import job_run

    return job_run(job_id).status
