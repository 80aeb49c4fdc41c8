"""The assessment report page: choose a region and year, preview the figures, export in the background, finalise."""

import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from sunshine.access import may
from sunshine.jobs import job_start
from sunshine.views import add_service_errors

from ..assessment import (
    CORRECT_JOB,
    EXPORT_JOB,
    FINALISE_JOB,
    assessment_correct_check,
    assessment_figures,
    assessment_final,
    assessment_finalise_check,
)
from ..exports import pdf_context
from ..models import AssessmentReport, IndicatorSnapshot
from ..selectors import report_regions

FIRST_YEAR = 2008  # the demo history starts here; the opinion's own period is 2011-2013


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("Choose this year or an earlier one."))
        return year


class ExportForm(YearForm):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("xlsx", "Excel"), ("pdf", "PDF")])


class FinaliseForm(YearForm):
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the correction"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Give the reason for the correction.")},
    )


class AssessmentView(LoginRequiredMixin, View):
    """GET: the report of ``?region=&year=`` (the officer's own region and the latest year with figures by
    default) previewed, with its export and finalise forms and the finalised reports of the region and below.
    POST (``action``): start a background export, or (provincial officers) finalising; the job page follows.
    Offices only (403); a region outside the officer's answers 404."""

    template_name = "reporting/assessment.html"
    reads_replica = True  # the preview (GET); exporting and finalising are POSTs, on the primary
    action = None  # "export" / "finalise" for the POST routes

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, "report", IndicatorSnapshot):
            raise PermissionDenied
        if self.action == "finalise" and not may(request.user, "finalise", AssessmentReport):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def region(self, code: str | None):
        return get_object_or_404(report_regions(self.request.user), code=code or self.request.user.region_id)

    def get(self, request):
        region = self.region(request.GET.get("region"))
        form = YearForm({"year": request.GET.get("year") or self.default_year(region)})
        year = form.cleaned_data["year"] if form.is_valid() else None
        return self.page(region=region, year=year, year_form=form)

    def post(self, request):
        region = self.region(request.POST.get("region"))
        form_class = ExportForm if self.action == "export" else FinaliseForm
        form = form_class(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            params = {"region": region.code, "year": year, "language": translation.get_language()}
            try:
                if self.action == "export":
                    fmt = form.cleaned_data["format"]
                    job = job_start(
                        user=request.user,
                        kind=EXPORT_JOB,
                        title=_("Assessment of %(region)s for %(year)s (%(format)s)")
                        % {"region": region.name, "year": year, "format": fmt.upper()},
                        params={**params, "format": fmt},
                    )
                else:
                    assessment_finalise_check(user=request.user, region=region, year=year)
                    job = job_start(
                        user=request.user,
                        kind=FINALISE_JOB,
                        title=_("Finalising the assessment of %(region)s for %(year)s")
                        % {"region": region.name, "year": year},
                        params={**params, "notes": form.cleaned_data["notes"]},
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("job_detail", pk=job.pk)
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
        return self.page(region=region, year=year, **{f"{self.action}_form": form})

    def default_year(self, region) -> int:
        """The latest year with figures for the region (this year if none yet). One query."""
        snapshots = IndicatorSnapshot.objects.visible_to(self.request.user).filter(region=region)
        return (snapshots.aggregate(day=Max("date"))["day"] or timezone.localdate()).year

    def page(self, *, region, year, year_form=None, export_form=None, finalise_form=None):
        user = self.request.user
        report = assessment_final(viewer=user, region=region, year=year) if year else None
        figures, problem = None, None
        if report:
            figures = report.figures
        elif year:
            try:
                figures = assessment_figures(region=region, year=year, depth=1)
            except ValidationError as error:
                problem = " ".join(error.messages)
        preview = None
        if figures:  # the rows of the printed report, with the first level below
            preview = pdf_context({**figures, "levels": figures["levels"][:1]}, final=report is not None)
        finals = (
            AssessmentReport.objects.visible_to(user)
            .filter(AssessmentReport.scope.condition(region.code))
            .select_related("region", "finalised_by")
            .defer("figures")[:50]
        )  # every version, superseded ones included: the history
        initial = {"year": year}
        context = {
            "region": region,
            "year": year,
            "regions": report_regions(user).order_by("code"),
            "report": report,
            "preview": preview,
            "problem": problem,
            "finals": finals,
            "may_finalise": may(user, "finalise", AssessmentReport)
            and report is None
            and year is not None
            and dt.date(year, 12, 31) < timezone.localdate(),
            "year_form": year_form or YearForm(initial=initial),
            "export_form": export_form or ExportForm(initial=initial),
            "finalise_form": finalise_form or FinaliseForm(initial=initial),
        }
        return render(self.request, self.template_name, context)


class FinaliseView(AssessmentView):
    """GET: the confirmation page of finalising ``?region=&year=``: what will be frozen (the figures of 31
    December, the issuing office, the notes to add). POST: finalising starts as a background job. Provincial
    officers only."""

    action = "finalise"
    confirm_template = "reporting/assessment_confirm.html"

    def get(self, request):
        region = self.region(request.GET.get("region"))
        form = FinaliseForm({"year": request.GET.get("year")})
        problem, figures = None, None
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                assessment_finalise_check(user=request.user, region=region, year=year)
                figures = assessment_figures(region=region, year=year, depth=1)
            except ValidationError as error:
                problem = " ".join(error.messages)
        else:
            problem = " ".join(message for messages in form.errors.values() for message in messages)
        context = {
            "region": region,
            "year": form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None,
            "preview": pdf_context(figures, final=False) if figures else None,
            "problem": problem,
            "form": FinaliseForm(initial={"year": request.GET.get("year")}),
        }
        return render(request, self.confirm_template, context)


class CorrectView(LoginRequiredMixin, View):
    """A corrected version (更正版) of a finalised report: GET the confirmation page (the version in force, its
    checksums, the reason to give); POST starts the job. Provincial officers; a report outside their reach, or one
    already superseded, answers 404."""

    template_name = "reporting/assessment_correct.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = get_object_or_404(
            AssessmentReport.objects.editable_by(request.user).filter(superseded_at=None).select_related("region"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return self.page(CorrectForm())

    def post(self, request, pk):
        form = CorrectForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                assessment_correct_check(user=request.user, report=self.report, reason=reason)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                job = job_start(
                    user=request.user,
                    kind=CORRECT_JOB,
                    title=_("Corrected version of the assessment of %(region)s for %(year)s")
                    % {"region": self.report.region.name, "year": self.report.year},
                    params={"report": self.report.pk, "reason": reason, "language": translation.get_language()},
                )
                return redirect("job_detail", pk=job.pk)
        return self.page(form)

    def page(self, form):
        return render(self.request, self.template_name, {"report": self.report, "form": form})
