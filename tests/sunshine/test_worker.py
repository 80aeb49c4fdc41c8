"""A real Celery worker process on Redis, consuming a task that writes to the test database."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sunshine.jobs import job_start
from sunshine.models import Job, WorkerHeartbeat
from sunshine.tasks import heartbeat

from . import worker_jobs  # noqa: F401 - registers the "test_sleep" job here too

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def start_worker(*options: str) -> subprocess.Popen:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker to run a worker against (CI sets it)")
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sunshine", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-I", "tests.sunshine.worker_jobs", *options],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def celery_worker_process():
    worker = start_worker()
    yield worker
    stop(worker)


def _database_url() -> str:
    """The URL of the database this test runs in (pytest-django's test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("a separate worker process cannot share the in-memory SQLite test database")
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_worker_process_runs_the_task_against_the_database(celery_worker_process):
    assert not settings.CELERY_TASK_ALWAYS_EAGER  # with REDIS_URL set, tasks go through the broker
    result = heartbeat.delay()
    hostname = result.get(timeout=60)
    assert celery_worker_process.poll() is None and result.status == "SUCCESS"
    assert WorkerHeartbeat.objects.get(hostname=hostname).seen_at is not None


def test_the_task_body_runs_in_process():
    hostname = heartbeat.apply().get()
    assert WorkerHeartbeat.objects.filter(hostname=hostname).count() == 1
    heartbeat.apply().get()
    assert WorkerHeartbeat.objects.filter(hostname=hostname).count() == 1  # updated, not duplicated


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_a_job_whose_worker_is_killed_ends_failed_within_a_minute(celery_worker_process, county_officer, tmp_path):
    job = job_start(user=county_officer, kind="test_sleep", title="x", params={"seconds": 300})
    assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == "running", 60)
    os.kill(celery_worker_process.pid, signal.SIGKILL)  # the whole worker, as a crash or the OOM killer would
    celery_worker_process.wait(timeout=10)
    killed = time.monotonic()
    # Another worker with beat (the reaper every 15 s); the lost job's heartbeat lapses 15 s after the kill.
    restarted = start_worker(
        "-B", "-s", str(tmp_path / "beat-schedule"), "--scheduler", "celery.beat:PersistentScheduler"
    )
    try:
        assert _wait_for(lambda: Job.objects.get(pk=job.pk).status == "failed", 60 - (time.monotonic() - killed))
    finally:
        stop(restarted)
    job.refresh_from_db()
    assert job.finished_at is not None and job.message


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own on a free port (never the shared one), to stop at will."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    assert _wait_for(lambda: _pings(redis, url), 10)
    yield server, url
    stop(server)


def _pings(redis, url) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_a_stopped_broker_gives_a_503_page_at_once_and_queues_nothing(own_redis, client, county_officer, settings):
    import io

    from django.urls import reverse

    server, url = own_redis
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, url
    WorkerHeartbeat.objects.create(hostname="w", seen_at=timezone.now())
    assert client.get("/health/").json()["broker"] == "ok"
    stop(server)  # Redis stops
    client.force_login(county_officer)
    upload = io.BytesIO("身份证号\n".encode())
    upload.name = "roster.csv"
    began = time.monotonic()
    response = client.post(reverse("cases:roster_import"), {"file": upload})
    assert response.status_code == 503 and time.monotonic() - began < 5
    assert "后台任务服务暂不可用" in response.content.decode()
    assert Job.objects.count() == 0
    health = client.get("/health/")
    assert health.status_code == 503 and health.json()["broker"] == "down" and health.json()["worker"] == "ok"
