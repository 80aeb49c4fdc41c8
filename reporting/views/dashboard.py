from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from sunshine.access import may
from sunshine.views import chosen_region

from ..dashboards import MAP_RATES, dashboard
from ..indicators import LABELS, RATES
from ..models import IndicatorSnapshot

MAPS = {"prefecture": "geo/guizhou_prefectures.geojson", "county": "geo/guizhou_counties.geojson"}


class DashboardView(LoginRequiredMixin, TemplateView):
    """An office's dashboard: its own region by default, or a region below it (``?region=``)."""

    template_name = "reporting/dashboard.html"
    reads_replica = True  # sunshine/db_router.py

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not may(user, "report", IndicatorSnapshot):
            raise PermissionDenied
        region = chosen_region(user, self.request.GET.get("region"), default=user.region)
        if region is None:  # an account without a region
            raise Http404
        rank_by = self.request.GET.get("rank", "control_rate")
        board = dashboard(user=user, region=region, rank_by=rank_by if rank_by in RATES else "control_rate")
        charts = {
            "region": region.code,
            "target_word": _("Target"),
            "trend": board.trend,
            "bases": {"years": board.bases["years"], "opened": board.bases["opened"], "target": board.bases["target"]},
            "labels": {code: str(label) for code, label in LABELS.items()},
            "map": {
                "level": board.map_level,
                "data": board.map_data,
                "rates": MAP_RATES,
                "urls": {level: static(path) for level, path in MAPS.items()},
                "link": self.request.path,
            },
        }
        return {**super().get_context_data(**kwargs), "board": board, "charts": charts, "rates": MAP_RATES,
                "rank_by": rank_by}  # fmt: skip
