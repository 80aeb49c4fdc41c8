"""Jobs that cannot hang: a lost worker's job is failed by the reaper, a job delivered again after such a loss is
failed rather than run twice, a stopped broker refuses at once with nothing stored, pages work without the
cache, and /health/ says which of broker and worker is down."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from sunshine.jobs import JobsUnavailable, _alive_key, job_run, job_start, jobs_reap
from sunshine.models import Job, WorkerHeartbeat

from . import test_jobs  # noqa: F401 - registers the "test_count" job

pytestmark = pytest.mark.django_db
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: a stopped broker
BROKER_DOWN = override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=NOWHERE)
CACHE_DOWN = override_settings(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOWHERE}}
)


def running(user, **kwargs) -> Job:
    return Job.objects.create(kind="test_count", title="x", requested_by=user, params={"to": 1},
                              status=Job.Status.RUNNING, **kwargs)  # fmt: skip


def test_the_reaper_fails_a_running_job_without_a_heartbeat_and_leaves_the_others(county_officer):
    lost, alive = running(county_officer), running(county_officer)
    done = Job.objects.create(kind="test_count", title="x", requested_by=county_officer, status=Job.Status.DONE)
    cache.set(_alive_key(alive.pk), "now", timeout=60)
    with translation.override("zh-hans"):
        assert jobs_reap() == 1
    lost.refresh_from_db(), alive.refresh_from_db(), done.refresh_from_db()
    assert (lost.status, alive.status, done.status) == ("failed", "running", "done")
    assert "重新开始" in lost.message and lost.finished_at is not None


def test_a_job_delivered_again_after_its_worker_was_lost_is_failed_not_rerun(county_officer):
    job = running(county_officer)  # the first delivery set it running, then its process died
    assert job_run(job.pk).status == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.result is None and job.message


def test_a_finished_job_keeps_its_outcome_when_the_reaper_failed_it_first(county_officer):
    job = Job.objects.create(kind="test_count", title="x", requested_by=county_officer, params={"to": 2})
    job_run(job.pk)
    assert jobs_reap() == 0  # the heartbeat is gone once the job ended, and a finished job is not reaped
    job.refresh_from_db()
    assert job.status == "done" and not cache.get(_alive_key(job.pk))


def queued(user, *, minutes: int) -> Job:
    job = Job.objects.create(kind="test_count", title="x", requested_by=user, params={"to": 1})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))
    return job


def test_a_job_whose_message_was_lost_is_failed_once_a_worker_has_sat_idle_past_the_bound(settings, county_officer):
    settings.JOB_QUEUE_SECONDS = 300
    lost, fresh = queued(county_officer, minutes=6), queued(county_officer, minutes=2)
    assert jobs_reap() == 0  # no worker alive: the messages may wait in the broker for it
    WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now())
    with translation.override("zh-hans"):
        assert jobs_reap() == 1
    lost.refresh_from_db(), fresh.refresh_from_db()
    assert (lost.status, fresh.status) == ("failed", "queued")
    assert "重新开始" in lost.message and lost.finished_at is not None
    assert job_run(lost.pk).status == "failed"  # the message turns up after all: the job does not run
    lost.refresh_from_db()
    assert lost.result is None and lost.done == 0


def test_queued_jobs_wait_while_the_worker_is_busy_with_another(settings, county_officer):
    settings.JOB_QUEUE_SECONDS = 300
    WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now())
    waiting, busy = queued(county_officer, minutes=30), running(county_officer)
    cache.set(_alive_key(busy.pk), "now", timeout=60)
    assert jobs_reap() == 0
    waiting.refresh_from_db()
    assert waiting.status == "queued"


def test_a_stopped_broker_refuses_at_once_and_stores_nothing(county_officer):
    began = timezone.now()
    with BROKER_DOWN, pytest.raises(JobsUnavailable):
        job_start(user=county_officer, kind="test_count", title="x", params={"to": 1})
    assert Job.objects.count() == 0 and timezone.now() - began < dt.timedelta(seconds=5)


def test_starting_an_import_with_the_broker_down_answers_a_503_page(client, county_officer):
    client.force_login(county_officer)
    upload = io.BytesIO(b"\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81\xe5\x8f\xb7\n")
    upload.name = "roster.csv"
    with BROKER_DOWN:
        response = client.post(reverse("cases:roster_import"), {"file": upload})
    assert response.status_code == 503 and "后台任务服务暂不可用" in response.content.decode()
    assert Job.objects.count() == 0


def test_a_message_that_cannot_be_sent_fails_its_job(county_officer, django_capture_on_commit_callbacks):
    from sunshine import jobs

    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        job = Job.objects.create(kind="test_count", title="x", requested_by=county_officer)
        with override_settings(CELERY_BROKER_URL=NOWHERE):
            from sunshine.celery import app

            app.conf.broker_url = NOWHERE
            try:
                jobs._send(job.pk)
            finally:
                app.conf.broker_url = "memory://"
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None


def test_the_job_page_works_without_the_cache(client, county_officer):
    job = running(county_officer, done=3, total=9)
    client.force_login(county_officer)
    with CACHE_DOWN:
        response = client.get(reverse("job_detail", args=[job.pk]))
    assert response.status_code == 200 and response.context["done"] == 3 and response.context["total"] == 9


def test_health_says_which_is_down_and_answers_503(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
        WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now() - dt.timedelta(minutes=10))
        with override_settings(CELERY_BROKER_URL=NOWHERE):
            response = client.get("/health/")
        assert response.status_code == 503
        assert (response.json()["broker"], response.json()["worker"]) == ("down", "down")
        WorkerHeartbeat.objects.update(seen_at=timezone.now())
        with override_settings(CELERY_BROKER_URL=NOWHERE):
            assert client.get("/health/").json()["worker"] == "ok"
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):  # no broker configured (./dev run): nothing to watch
        response = client.get("/health/")
    assert response.status_code == 200 and response.json()["broker"] == "eager"
