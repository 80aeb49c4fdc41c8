import socket

from celery import shared_task
from django.utils import timezone

from .jobs import jobs_reap
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


@shared_task(name="sunshine.tasks.reap_jobs")
def reap_jobs() -> int:
    """Scheduled by beat: fail the running jobs whose worker is gone."""
    return jobs_reap()


@shared_task(name="sunshine.tasks.purge_tokens")
def purge_tokens() -> int:
    """Scheduled by beat every night: drop API tokens that can no longer be used."""
    from .services import tokens_purge

    return tokens_purge()
