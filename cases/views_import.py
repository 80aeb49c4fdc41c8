"""The roster import page (issue #7): download the template, upload a file, see the dry run's preview (rows to
create, update or leave unchanged per sheet, and every refused row), then import. Both steps are background
jobs (``cases/roster/jobs.py``) with progress on the page; only the user who started a job sees it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views import View
from django.views.generic import FormView

from sunshine.jobs import progress_context
from sunshine.models import Job
from sunshine.spreadsheets import xlsx_response
from sunshine.views import RoleRequiredMixin

from .roster.forms import RosterUploadForm
from .roster.jobs import CHECK, KINDS, roster_check_start, roster_import_start
from .roster.services import may_import
from .roster.sheets import IMPORTERS, registered_sheets
from .roster.template import roster_template


class ImporterRequiredMixin(RoleRequiredMixin):
    """Township workers and county officers, for their own region; others 403."""

    allowed_roles = IMPORTERS


class RosterImportView(ImporterRequiredMixin, FormView):
    """The upload form, the template link and the user's recent roster jobs."""

    template_name = "cases/roster_import.html"
    form_class = RosterUploadForm

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = roster_check_start(user=self.request.user, content=upload.read(), file_name=upload.name,
                                 language=get_language())  # fmt: skip
        return redirect("cases:roster_job", pk=job.pk)

    def get_context_data(self, **kwargs):
        jobs = Job.objects.filter(requested_by=self.request.user, kind__in=KINDS).defer("upload", "file", "result")
        return {**super().get_context_data(**kwargs), "sheets": registered_sheets(), "jobs": jobs[:10]}


class RosterTemplateView(ImporterRequiredMixin, View):
    """The template workbook: every sheet, its headers and an example row fitting the user's region."""

    def get(self, request):
        return xlsx_response(roster_template(user=request.user), "人员名册导入模板.xlsx")


class RosterJobView(LoginRequiredMixin, View):
    """A roster job: progress while it runs (the fragment is polled by htmx), then its report; a dry run without
    refused rows offers the import (POST)."""

    def get(self, request, pk):
        jobs = Job.objects.filter(requested_by=request.user, kind__in=KINDS)
        job = get_object_or_404(jobs.defer("upload", "file"), pk=pk)
        report = job.result or {}
        context = {
            "job": job,
            **progress_context(job),
            "report": report,
            "can_import": job.kind == CHECK and job.status == Job.Status.DONE and not report.get("error_count")
            and may_import(request.user) and jobs.filter(pk=job.pk, file__isnull=False).exists(),
        }  # fmt: skip
        template = "cases/roster_job_status.html" if request.headers.get("HX-Request") else "cases/roster_job.html"
        return render(request, template, context)

    def post(self, request, pk):
        check = get_object_or_404(Job.objects.filter(requested_by=request.user, kind=CHECK), pk=pk)
        if not may_import(request.user):
            raise PermissionDenied
        try:
            job = roster_import_start(user=request.user, check=check, language=get_language())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("cases:roster_job", pk=check.pk)
        return redirect("cases:roster_job", pk=job.pk)
