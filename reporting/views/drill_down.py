"""The persons behind a figure of the dashboard, the bulletin or the assessment."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from cases.models import Person

from ..indicators import (
    LABELS,
    PERSON_CONDITIONS,
    StoredList,
    classes_stored,
    drill_conditions,
    drill_down,
    drill_down_sealed,
    one_reading,
    stored_counts,
)
from ..models import IndicatorSnapshot

# For a rate, the persons of the denominator who are not in the numerator: the list a reviewer acts on.
COMPLEMENTS = {
    "control_rate": gettext_lazy("Not under control (current, no measure)"),
    "whereabouts_rate": gettext_lazy("Whereabouts unknown (lost)"),
    "consolidation_rate": gettext_lazy("Not yet abstinent three years"),
    "placement_rate": gettext_lazy("Not placed (under CD/CR, no placement)"),
    "placement_rate_urban": gettext_lazy("Not placed (under CD/CR, no placement)"),
}


class DrillDownView(LoginRequiredMixin, TemplateView):
    """The persons behind a figure: its numerator, its denominator and, for a rate, the complement (the
    denominator's persons outside the numerator: 未管控, 未安置 ...), within the viewer's scope. Each list's count is
    complete; one list is shown at a time (``?list=``), a page of it at a time (``?page=``)."""

    template_name = "reporting/drill_down.html"
    reads_replica = True  # sunshine/db_router.py
    per_page = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        snapshot = get_object_or_404(
            IndicatorSnapshot.objects.visible_to(user).select_related("region"), pk=self.kwargs["pk"]
        )
        context = {
            **super().get_context_data(**kwargs),
            "snapshot": snapshot,
            "label": LABELS.get(snapshot.indicator, snapshot.indicator),
            "person_based": False,
        }
        if snapshot.indicator not in PERSON_CONDITIONS:
            return context
        day, code, indicator = snapshot.date, snapshot.region_id, snapshot.indicator
        labels = {
            "complement": COMPLEMENTS.get(indicator),  # a rate's, where it has one
            "numerator": _("Numerator"),
            "denominator": _("Denominator"),
        }
        # the counts, the page and its persons read from one snapshot: a run storing or dropping classes meanwhile
        # cannot leave tabs that disagree with the page
        with one_reading():
            if classes_stored(day):  # a page at a time of the rows stored by the figure's own run
                counts = stored_counts(day=day, region_code=code, indicator=indicator, viewer=user)
                pages = {
                    key: StoredList(day=day, region_code=code, condition=where, viewer=user, count=counts[key][0])
                    for key, where in drill_conditions(indicator).items()
                }
                lists = {key: (pages[key], *counts[key]) for key in pages}
            else:  # a date whose classes are no longer kept: every person of the region classed now
                lists = _live_lists(day, code, indicator, user)
            lists = {key: (labels[key], *value) for key, value in lists.items() if labels[key] is not None}
            chosen = self.request.GET.get("list")
            chosen = chosen if chosen in lists else next(iter(lists))
            label, rows, _count, sealed = lists[chosen]
            page = Paginator(rows, self.per_page).get_page(self.request.GET.get("page"))
            shown = Person.objects.visible_to(user).select_related("township").in_bulk(page.object_list)
        return {
            **context,
            "person_based": True,
            "tabs": [(key, tab_label, count) for key, (tab_label, _rows, count, _sealed) in lists.items()],
            "chosen": chosen,
            "list_label": label,
            "sealed": sealed,
            "page_obj": page,
            "persons": [shown[pk] for pk in page.object_list if pk in shown],
        }


def _live_lists(day, code: str, indicator: str, user) -> dict[str, tuple]:
    """The lists of ``drill_conditions`` computed now (``drill_down``): (ids, count, sealed persons left out)."""
    numerator, denominator = drill_down(day=day, region_code=code, indicator=indicator, viewer=user)
    hidden_numerator, hidden_denominator = drill_down_sealed(
        day=day, region_code=code, indicator=indicator, viewer=user
    )
    lists = {"numerator": (numerator, hidden_numerator)}
    if denominator is not None:
        counted = set(numerator)
        complement = [pk for pk in denominator if pk not in counted]
        lists = {
            "complement": (complement, hidden_denominator - hidden_numerator),
            **lists,
            "denominator": (denominator, hidden_denominator),
        }
    return {key: (ids, len(ids), sealed) for key, (ids, sealed) in lists.items()}
