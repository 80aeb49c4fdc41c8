from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.views.generic import TemplateView

from sunshine.audit import audit_event
from sunshine.choices import OFFICES
from sunshine.models import AuditEntry
from sunshine.spreadsheets import xlsx_response

from .exports import outcomes_xlsx
from .selectors import SUPPRESSED, chart_data, outcome_children, outcome_region, outcome_report, outcome_rows


class OfficeRegionMixin(LoginRequiredMixin):
    """County, prefecture and provincial officers; their own region by default, or one below it (``?region=``)."""

    def region_and_report(self):
        user = self.request.user
        if user.role not in OFFICES:
            raise PermissionDenied
        region = outcome_region(user=user, code=self.request.GET.get("region"))
        if region is None:
            raise Http404
        return region, outcome_report(user=user, region=region)


class OutcomesView(OfficeRegionMixin, TemplateView):
    template_name = "outcomes/outcomes.html"
    reads_replica = True  # the page and its export (sunshine/db_router.py)

    def get_context_data(self, **kwargs):
        region, report = self.region_and_report()
        context = {"region": region, "report": report, "children": outcome_children(region=region),
                   "suppressed_text": SUPPRESSED}  # fmt: skip
        if report is not None:
            context |= {"rows": outcome_rows(report.data), "ratios": report.summary()["hazard_ratio"],
                        "naive": report.data.get("naive_hazard_ratio", {}).get("placement"),
                        "charts": chart_data(report.data)}  # fmt: skip
        return super().get_context_data(**kwargs) | context


class OutcomesExportView(OutcomesView):
    """The workbook of the figures on the page, audited as an export. A region without outcomes yet gets the
    page saying so, never an empty workbook."""

    def get(self, request, *args, **kwargs):
        region, report = self.region_and_report()
        if report is None:
            return super().get(request, *args, **kwargs)
        audit_event(request.user, event=AuditEntry.Event.EXPORT, actor=request.user, request=request,
                    detail={"export": "outcomes", "region": region.code, "date": report.date.isoformat(),
                            "format": "xlsx"})  # fmt: skip
        return xlsx_response(outcomes_xlsx(report), f"复吸结局-{region.code}-{report.date.isoformat()}.xlsx")
