"""The monthly bulletin (通报): the page with its ranked tables, and the same bulletin as PDF."""

import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views import View

from sunshine.audit import audit_event
from sunshine.models import AuditEntry
from sunshine.pdf import render_pdf

from .bulletin import BULLETIN_ROLES, bulletin, latest_month
from .services import report_regions

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
    latest complete month with figures. Another region than theirs or one below it answers 404."""

    template_name = "reporting/bulletin.html"
    pdf = False  # the PDF route: the same bulletin, printed

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in BULLETIN_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        user = request.user
        regions = report_regions(user)
        region = get_object_or_404(regions, code=request.GET.get("region") or user.region_id)
        month = request.GET.get("month") or f"{latest_month(user=user, region=region):%Y-%m}"
        form = BulletinForm({"region": region.code, "month": month}, regions=regions)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        found = bulletin(user=user, region=region, month=form.cleaned_data["month"])
        if self.pdf and found.has_data:
            return self.pdf_response(found)
        return render(request, self.template_name, {"form": form, "bulletin": found})

    def pdf_response(self, found):
        """The PDF, audited as an export. A month without figures gets the page saying so, never an empty PDF."""
        request = self.request
        content = render_pdf("reporting/print/bulletin.html", {"bulletin": found}, request=request)
        month = f"{found.month:%Y-%m}"
        audit_event(
            request.user,
            event=AuditEntry.Event.EXPORT,
            actor=request.user,
            request=request,
            detail={"export": "bulletin", "region": found.region.code, "month": month, "format": "pdf"},
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, f"通报-{found.region.code}-{month}.pdf")
        return response
