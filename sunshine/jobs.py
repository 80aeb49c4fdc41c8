"""Background jobs: one way to run a long import or export in a Celery worker with progress on the page.

An app registers a runner for a kind of job::

    @register_job("assessment_export")
    def run(job: Job, progress: Callable[[int, int], None]) -> None:
        ...  # set job.file / job.file_name / job.content_type / job.result / job.message

``job_start`` stores the job and queues it once the request's transaction commits; the runner reports
progress through ``progress(done, total)``, kept in the cache so that it shows while the runner's own
transaction is still open. A runner's exception marks the job failed with a message for the user; a
``ValidationError`` is the user's input being refused, anything else is logged as an error.

No job can hang. ``job_start`` refuses at once (``JobsUnavailable``, a 503 page) when the broker does not answer,
and a job whose message cannot be sent is failed on the spot. While a job runs, a thread of its worker renews a
heartbeat in the cache; ``jobs_reap`` (beat, and each worker as it starts) fails a running job whose heartbeat has
lapsed, i.e. whose worker was killed, and a job left queued whose message was lost (the broker went away after
the row was written): one queued longer than ``JOB_QUEUE_SECONDS`` while a worker is alive and runs nothing.
The task is acknowledged late and given back when its worker is lost; a job delivered again after such a loss is
failed rather than run twice. Pages read progress from the cache when they can and from the row when the cache
is down.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable

import redis
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Job, User, WorkerHeartbeat

logger = logging.getLogger(__name__)
RUNNERS: dict[str, Callable] = {}


def register_job(kind: str):
    def register(runner):
        RUNNERS[kind] = runner
        return runner

    return register


class JobsUnavailable(Exception):
    """The broker does not answer: no job can be started now (answered with a 503 page)."""

    def __init__(self):
        super().__init__(_("Background jobs cannot be started right now; nothing was queued. Try again later."))


def _progress_key(job_id: int) -> str:
    return f"sunshine:job:{job_id}:progress"


def _alive_key(job_id: int) -> str:
    return f"sunshine:job:{job_id}:alive"


def _cache_get(key: str, default):
    try:
        return cache.get(key, default)
    except Exception:  # the cache (Redis) is down: callers fall back to the row
        logger.warning("cache unavailable reading %s", key)
        return default


def _cache_call(method: str, *args, **kwargs) -> None:
    try:
        getattr(cache, method)(*args, **kwargs)
    except Exception:
        logger.warning("cache unavailable (%s %s)", method, args[0])


def broker_available() -> bool:
    """Whether the broker answers within a second (always true when tasks run in-process)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        with client:
            return bool(client.ping())
    except redis.RedisError:
        return False


def job_start(*, user: User, kind: str, title: str, params: dict, upload: bytes | None = None) -> Job:
    """Create a job for ``user`` and queue it after the current transaction commits; ``JobsUnavailable`` at once,
    with nothing stored, when the broker is down."""
    if kind not in RUNNERS:
        raise ValueError(f"no runner registered for {kind!r}")
    if not broker_available():
        raise JobsUnavailable
    job = Job.objects.create(kind=kind, title=title, requested_by=user, params=params, upload=upload)
    transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> None:
    """Queue the job's task without waiting for a broker that went away meanwhile; failing that, fail the job."""
    try:
        run_job.apply_async((job_id,), retry=False)
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise  # in-process, this is the job itself failing (job_run has already recorded it)
        logger.exception("job %s could not be queued", job_id)
        _fail(job_id, _("The job could not be queued (the background service is unavailable). Start it again."))


def _fail(job_id: int, message: str, *, status: str | None = None) -> int:
    """Fail a job that has not finished (``status``: only when it is still in that state); the number failed."""
    jobs = Job.objects.filter(pk=job_id, status__in=[status] if status else [Job.Status.QUEUED, Job.Status.RUNNING])
    return jobs.update(status=Job.Status.FAILED, message=message, finished_at=timezone.now(), upload=None)


class _Heartbeat(threading.Thread):
    """Renews the job's heartbeat in the cache every ``JOB_HEARTBEAT_SECONDS`` while the runner works; it dies
    with its process, and ``jobs_reap`` notices."""

    def __init__(self, job_id: int):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.key, self.stopped = _alive_key(job_id), threading.Event()

    def beat(self) -> None:
        _cache_call("set", self.key, timezone.now().isoformat(), timeout=3 * settings.JOB_HEARTBEAT_SECONDS)

    def run(self) -> None:
        while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
            self.beat()

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        _cache_call("delete", self.key)


def jobs_reap() -> int:
    """Fail every running job whose heartbeat has lapsed (its worker is gone) and every queued job whose message
    was lost; the number failed."""
    message = _("The job stopped because its worker was lost (restarted or out of memory). Start it again.")
    running = list(Job.objects.filter(status=Job.Status.RUNNING).values_list("pk", flat=True))
    lost = [pk for pk in running if _cache_get(_alive_key(pk), None) is None]
    failed = sum(_fail(pk, message, status=Job.Status.RUNNING) for pk in lost)
    if len(lost) == len(running) and _worker_alive():
        # An idle, living worker takes a queued message within seconds: a job queued this long has none.
        message = _("The job never started: its request to the background service was lost. Start it again.")
        since = timezone.now() - dt.timedelta(seconds=settings.JOB_QUEUE_SECONDS)
        stale = Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=since).values_list("pk", flat=True)
        failed += sum(_fail(pk, message, status=Job.Status.QUEUED) for pk in list(stale))
    return failed


def _worker_alive() -> bool:
    """Whether a worker has run its heartbeat task lately (the same rule as /health/)."""
    fresh = timezone.now() - dt.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=fresh).exists()


def job_run(job_id: int) -> Job:
    """Run a queued job to its end (called by the Celery task; tests call it directly)."""
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job  # a redelivered task (acks late) does not run twice
    if job.status == Job.Status.RUNNING:  # delivered again after its worker was lost: it may be what killed it
        _fail(job.pk, _("The job stopped because its worker was lost (restarted or out of memory). Start it again."))
        job.refresh_from_db()
        return job
    heartbeat = _Heartbeat(job.pk)
    heartbeat.beat()  # before the job shows as running, so the reaper never sees it running without one
    if not Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING):
        _cache_call("delete", heartbeat.key)  # the reaper failed it meanwhile (a message thought lost)
        job.refresh_from_db()
        return job
    heartbeat.start()

    def progress(done: int, total: int) -> None:
        _cache_call("set", _progress_key(job.pk), (done, total), timeout=24 * 3600)

    try:
        RUNNERS[job.kind](job, progress)
    except ValidationError as error:
        job.status, job.message = Job.Status.FAILED, "\n".join(error.messages)
    except Exception:
        logger.exception("job %s failed", job.pk)
        job.status, job.message = Job.Status.FAILED, _("The job failed; the administrators have been told.")
    else:
        job.status = Job.Status.DONE
    finally:
        heartbeat.stop()
    done, total = _cache_get(_progress_key(job.pk), (0, None))
    job.done, job.total = (total or done, total) if job.status == Job.Status.DONE else (done, total)
    job.finished_at = timezone.now()
    job.upload = None  # the input is not kept once it has been processed
    # Only a job still running is finished here: the reaper may have failed it meanwhile (a stalled heartbeat).
    saved = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=job.status, message=job.message, result=job.result, params=job.params, file=job.file,
        file_name=job.file_name, content_type=job.content_type, done=job.done, total=job.total,
        finished_at=job.finished_at, upload=None,
    )  # fmt: skip
    _cache_call("delete", _progress_key(job.pk))
    if not saved:
        job.refresh_from_db()
    return job


def job_progress(job: Job) -> tuple[int, int | None]:
    """(done, total) of a job: live from the cache while it runs, from the row once it has finished."""
    if job.finished:
        return job.done, job.total
    return _cache_get(_progress_key(job.pk), (job.done, job.total))


def progress_context(job: Job) -> dict:
    """What a job's page shows of its progress: done, total and the percent done (100 once finished)."""
    done, total = job_progress(job)
    percent = min(100, round(100 * done / total)) if total else (100 if job.finished else 0)
    return {"done": done, "total": total, "percent": percent}


# The job runner's task lives here, beside what it runs, so that this module and sunshine.tasks do not import each
# other; the worker registers it when it imports sunshine.tasks, which imports this module.
@shared_task(
    name="sunshine.tasks.run_job",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.JOB_TIME_LIMIT,
    time_limit=settings.JOB_TIME_LIMIT + 60,
)
def run_job(job_id: int) -> str:
    """Run one background job (imports, exports); see ``sunshine.jobs``."""
    return job_run(job_id).status
