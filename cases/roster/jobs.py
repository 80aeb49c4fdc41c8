"""The background jobs behind the import page: a dry run (``roster_check``) that keeps the file for the import
the user then confirms (``roster_import``). Registered from ``CasesConfig.ready`` so that the web process and
the worker both know them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from sunshine.jobs import job_start, register_job
from sunshine.models import Job, User
from sunshine.spreadsheets import CONTENT_TYPE as XLSX

from .reader import is_workbook
from .services import RosterReport, roster_import

CHECK, IMPORT = "roster_check", "roster_import"
KINDS = (CHECK, IMPORT)


def summary(report: RosterReport) -> str:
    totals = report.totals()
    if report.errors:
        return _("%(count)d rows refused; nothing was imported.") % {"count": len(report.errors)}
    if report.imported:
        return _("Imported: %(create)d created, %(update)d changed, %(unchanged)d unchanged.") % totals
    counts = _("%(create)d to create, %(update)d to change, %(unchanged)d unchanged") % totals
    return _("Checked: %(counts)s. Nothing has been written yet.") % {"counts": counts}


def _run(job: Job, progress, *, dry_run: bool) -> RosterReport:
    content = bytes(job.upload or b"")
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        report = roster_import(user=job.requested_by, content=content, file_name=job.params["file_name"],
                               dry_run=dry_run, progress=progress)  # fmt: skip
        job.result, job.message = report.as_dict(), summary(report)
    if dry_run and report.ok:
        # Kept for the import the user confirms next (the input itself is dropped when a job ends).
        csv = not is_workbook(content)
        job.file, job.file_name, job.content_type = content, job.params["file_name"], "text/csv" if csv else XLSX
    return report


@register_job(CHECK)
def run_check(job: Job, progress) -> None:
    _run(job, progress, dry_run=True)


@register_job(IMPORT)
def run_import(job: Job, progress) -> None:
    report = _run(job, progress, dry_run=False)
    if not report.ok:
        raise ValidationError(job.message)  # fails the job; the refused rows are in its result


def roster_check_start(*, user: User, content: bytes, file_name: str, language: str) -> Job:
    """Queue the dry run of an uploaded roster file."""
    return job_start(user=user, kind=CHECK, title=_("Roster check: %(file)s") % {"file": file_name},
                     params={"file_name": file_name, "language": language}, upload=content)  # fmt: skip


def roster_import_start(*, user: User, check: Job, language: str) -> Job:
    """Queue the import of a file whose dry run found no refused row; the dry run gives its copy up."""
    if check.kind != CHECK or check.requested_by_id != user.pk or check.status != Job.Status.DONE:
        raise ValidationError(_("This file has not been checked."))
    if check.file is None or not (check.result or {}).get("dry_run") or (check.result or {}).get("error_count"):
        raise ValidationError(_("Only a file checked without errors can be imported; upload it again."))
    job = job_start(user=user, kind=IMPORT, title=_("Roster import: %(file)s") % {"file": check.params["file_name"]},
                    params={"file_name": check.params["file_name"], "language": language, "check": check.pk},
                    upload=bytes(check.file))  # fmt: skip
    Job.objects.filter(pk=check.pk).update(file=None)
    return job
