"""Pairing responsibility: member units paired with regions (provincial committee)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from sunshine.access import may
from sunshine.views import ServiceFormView

from ..forms import PairingForm
from ..models import Pairing
from ..services import pairing_save


class PairingListView(LoginRequiredMixin, ListView):
    """Member units paired with regions; filter by region code."""

    template_name = "reporting/pairing_list.html"
    paginate_by = 50

    def get_queryset(self):
        pairings = Pairing.objects.visible_to(self.request.user).select_related("region")
        if region := self.request.GET.get("region", "").strip():
            pairings = pairings.within(region)
        return pairings

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_edit": may(self.request.user, "add", Pairing)}


class PairingFormView(ServiceFormView):
    title = gettext_lazy("Pairing responsibility")
    form_class = PairingForm

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Pairing.objects.editable_by(self.request.user), pk=self.kwargs["pk"])
        if not may(self.request.user, "add", Pairing):
            raise PermissionDenied
        return Pairing()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def run(self, form):
        pairing_save(user=self.request.user, pairing=form.instance)
        return "reporting:pairing_list"
