"""A real Celery worker process (Redis) runs an assessment export queued by job_start and stores the file."""

import datetime as dt
import io
import time

import openpyxl
import pytest
from django.conf import settings

from reporting.indicators import CODES, RATES
from reporting.models import IndicatorSnapshot
from sunshine.jobs import job_start
from sunshine.models import Region

from ..sunshine.test_worker import celery_worker_process  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_process_runs_an_assessment_export(celery_worker_process, county_officer):  # noqa: F811
    assert not settings.CELERY_TASK_ALWAYS_EAGER  # the job goes through the broker to the worker
    day = dt.date(2012, 12, 31)
    regions = ["520102", *Region.objects.filter(parent_id="520102").values_list("code", flat=True)[:2]]
    IndicatorSnapshot.objects.bulk_create(
        IndicatorSnapshot(date=day, region_id=code, indicator=indicator, numerator=3,
                          denominator=4 if indicator in RATES else None)
        for code in regions
        for indicator in CODES
    )  # fmt: skip
    job = job_start(
        user=county_officer,
        kind="assessment_export",
        title="考核",
        params={"region": "520102", "year": 2012, "format": "xlsx", "language": "zh-hans"},
    )  # autocommit: queued at once
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            break
        assert celery_worker_process.poll() is None, "the worker died"
        time.sleep(0.5)
    assert (job.status, job.message) == ("done", ""), job.message
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.file)))
    assert book.worksheets[0].cell(6, 4).value == 0.75 and book.worksheets[0].cell(6, 4).number_format == "0.0%"
    assert job.result["final"] is False and job.file_name.startswith("考核-520102-2012-")
