"""A real Celery worker process on Redis, consuming a task that writes to the test database."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from sunshine.models import WorkerHeartbeat
from sunshine.tasks import heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_process():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: no broker to run a worker against (CI sets it)")
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sunshine", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env,
        cwd=settings.BASE_DIR,
    )  # fmt: skip
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


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
