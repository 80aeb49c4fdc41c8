"""Background jobs: one way to run a long import or export in a Celery worker with progress on the page.

An app registers a runner for a kind of job::

    @register_job("assessment_export")
    def run(job: Job, progress: Callable[[int, int], None]) -> None:
        ...  # set job.file / job.file_name / job.content_type / job.result / job.message

``job_start`` stores the job and queues it once the request's transaction commits; the runner reports
progress through ``progress(done, total)``, kept in the cache so that it shows while the runner's own
transaction is still open. A runner's exception marks the job failed with a message for the user; a
``ValidationError`` is the user's input being refused, anything else is logged as an error.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, User

logger = logging.getLogger(__name__)
RUNNERS: dict[str, Callable] = {}


def register_job(kind: str):
    def register(runner):
        RUNNERS[kind] = runner
        return runner

    return register


def _progress_key(job_id: int) -> str:
    return f"sunshine:job:{job_id}:progress"


def job_start(*, user: User, kind: str, title: str, params: dict, upload: bytes | None = None) -> Job:
    """Create a job for ``user`` and queue it after the current transaction commits."""
    from .tasks import run_job

    if kind not in RUNNERS:
        raise ValueError(f"no runner registered for {kind!r}")
    job = Job.objects.create(kind=kind, title=title, requested_by=user, params=params, upload=upload)
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_run(job_id: int) -> Job:
    """Run a queued job to its end (called by the Celery task; tests call it directly)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job  # a redelivered task (acks late) does not run twice
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), (done, total), timeout=24 * 3600)

    try:
        RUNNERS[job.kind](job, progress)
    except ValidationError as error:
        job.status, job.message = Job.Status.FAILED, "\n".join(error.messages)
    except Exception:
        logger.exception("job %s failed", job.pk)
        job.status, job.message = Job.Status.FAILED, _("The job failed; the administrators have been told.")
    else:
        job.status = Job.Status.DONE
    done, total = cache.get(_progress_key(job.pk), (0, None))
    job.done, job.total = (total or done, total) if job.status == Job.Status.DONE else (done, total)
    job.finished_at = timezone.now()
    job.upload = None  # the input is not kept once it has been processed
    job.save()
    cache.delete(_progress_key(job.pk))
    return job


def job_progress(job: Job) -> tuple[int, int | None]:
    """(done, total) of a job: live from the cache while it runs, from the row once it has finished."""
    if job.finished:
        return job.done, job.total
    return cache.get(_progress_key(job.pk), (job.done, job.total))


def progress_context(job: Job) -> dict:
    """What a job's page shows of its progress: done, total and the percent done (100 once finished)."""
    done, total = job_progress(job)
    percent = min(100, round(100 * done / total)) if total else (100 if job.finished else 0)
    return {"done": done, "total": total, "percent": percent}
