"""The monthly bulletin (通报): the page with its ranked tables, and the same bulletin as PDF."""

import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View

from sunshine.access import may
from sunshine.jobs import job_start

from ..bulletin import PDF_JOB, bulletin, bulletin_issue, latest_month, link_figures
from ..models import IndicatorSnapshot
from ..selectors import report_regions

FIRST_MONTH, LAST_MONTH = dt.date(2000, 1, 1), dt.date(2099, 12, 1)


class BulletinForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not FIRST_MONTH <= month <= LAST_MONTH:
            raise forms.ValidationError(_("Choose a month from 2000 to 2099."))
        return month

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (code, f"{name} ({code})") for code, name in regions.values_list("code", "name")
        ]


class BulletinView(LoginRequiredMixin, View):
    """A region's bulletin for a month (?region=&month=YYYY-MM): by default the officer's own region and the
    latest complete month with figures. Another region than theirs or one below it answers 404.

    The PDF route (POST region, month) prints it in the background (``reporting.bulletin.run_bulletin_pdf``): the
    job numbers the issue (第 N 期) and its page offers the file."""

    template_name = "reporting/bulletin.html"
    reads_replica = True  # the page (GET); printing is a POST, on the primary (sunshine/db_router.py)
    pdf = False  # the PDF route

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may(request.user, "report", IndicatorSnapshot):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.show(request.GET)

    def post(self, request):
        if not self.pdf:
            return HttpResponseNotAllowed(["GET"])
        return self.show(request.POST)

    def show(self, data):
        user = self.request.user
        regions = report_regions(user)
        region = get_object_or_404(regions, code=data.get("region") or user.region_id)
        month = data.get("month") or f"{latest_month(user=user, region=region):%Y-%m}"
        form = BulletinForm({"region": region.code, "month": month}, regions=regions)
        if not form.is_valid():
            return render(self.request, self.template_name, {"form": form}, status=400)
        found = bulletin(user=user, region=region, month=form.cleaned_data["month"])
        if self.pdf and found.has_data and data.get("month"):  # printing names its month; else the page
            job = job_start(
                user=user,
                kind=PDF_JOB,
                title=_("Bulletin of %(region)s for %(month)s (PDF)") % {"region": region.name, "month": month},
                params={"region": region.code, "month": f"{found.month:%Y-%m}", "language": get_language()},
            )
            return redirect("job_detail", pk=job.pk)
        link_figures(found)
        issue = bulletin_issue(region=region, month=found.month) if found.has_data else None
        return render(self.request, self.template_name, {"form": form, "bulletin": found, "issue": issue})
