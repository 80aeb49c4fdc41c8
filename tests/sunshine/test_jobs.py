"""Background jobs: queued after commit, progress while running, a result file for the requester only."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunshine.jobs import job_progress, job_run, job_start, register_job
from sunshine.models import AuditEntry, Job

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit fires: the job runs as it would for real
SEEN = {}


@register_job("test_count")
def _count(job, progress):
    """Counts to params["to"], reporting progress; refuses 13 like an import refuses a bad file."""
    to = job.params["to"]
    if to == 13:
        raise ValidationError("第3行：身份证号校验位错误")
    if to == 99:
        raise RuntimeError("a bug")
    for n in range(1, to + 1):
        progress(n, to)
        SEEN[job.pk] = job_progress(Job.objects.get(pk=job.pk))  # what a page polling now would show
    job.file, job.file_name, job.content_type = f"{to}".encode(), f"count-{to}.txt", "text/plain"
    job.result = {"counted": to}


def test_a_job_runs_after_commit_and_its_requester_downloads_the_result(client, county_officer):
    job = job_start(user=county_officer, kind="test_count", title="数到三", params={"to": 3})
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result) == ("done", 3, 3, {"counted": 3})
    assert SEEN[job.pk] == (3, 3)  # progress was visible while the job ran
    client.force_login(county_officer)
    page = client.get(reverse("job_detail", args=[job.pk]))
    assert page.status_code == 200 and reverse("job_download", args=[job.pk]).encode() in page.content
    assert b'value="100"' in page.content
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.content == b"3" and "count-3.txt" in download["Content-Disposition"]
    entry = AuditEntry.objects.get(event="export")
    assert entry.actor == county_officer and entry.additional_data["file"] == "count-3.txt"


def test_a_refused_input_fails_the_job_with_its_message_and_a_bug_with_a_plain_one(county_officer):
    refused = job_start(user=county_officer, kind="test_count", title="x", params={"to": 13})
    crashed = job_start(user=county_officer, kind="test_count", title="x", params={"to": 99})
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert (refused.status, refused.message) == ("failed", "第3行：身份证号校验位错误")
    assert crashed.status == "failed" and "bug" not in crashed.message and crashed.file is None


def test_a_running_job_polls_and_a_finished_one_stops_polling(client, county_officer):
    job = Job.objects.create(kind="test_count", title="x", requested_by=county_officer, params={"to": 2})
    client.force_login(county_officer)
    fragment = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b'hx-trigger="every 1s"' in fragment.content and b"<html" not in fragment.content
    job_run(job.pk)
    job_run(job.pk)  # a redelivered task finds the job finished and leaves it alone
    fragment = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    assert b"hx-trigger" not in fragment.content and b"count-2.txt" in fragment.content


def test_nobody_else_sees_a_job_or_its_file(client, county_officer, other_county_officer, province_officer):
    job = job_start(user=county_officer, kind="test_count", title="x", params={"to": 1})
    for other in (other_county_officer, province_officer):
        client.force_login(other)
        assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("job_download", args=[job.pk])).status_code == 404
