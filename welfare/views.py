import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from cases.models import Person
from sunshine.access import may
from sunshine.views import ServiceFormView

from . import services
from .filters import BenefitFilter
from .forms import BenefitApplyForm, BenefitDecisionForm, BenefitEndForm
from .models import Benefit
from .selectors import benefit_list


class BenefitListView(LoginRequiredMixin, ListView):
    """The benefits the user may see; civil-affairs staff decide from here."""

    template_name = "welfare/benefit_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = BenefitFilter(
            self.request.GET, queryset=benefit_list(user=self.request.user), request=self.request
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "filter": self.filterset,
            "can_decide": may(user, "decide", Benefit),
            "opens_persons": may(user, "view", Person),  # civil-affairs staff see benefits, not person files
        }


class BenefitApplyView(ServiceFormView):
    title = gettext_lazy("Apply for a welfare benefit")
    template_name = "welfare/benefit_form.html"
    action = "add"
    form_class = BenefitApplyForm

    def get_object(self):
        return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def action_target(self):
        return Benefit

    def get_initial(self):
        return {"applied_on": dt.date.today()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.object}

    one_time = True

    def run(self, form):
        self.created = services.benefit_apply(user=self.request.user, person=self.object, **form.cleaned_data)
        return f"{self.object.get_absolute_url()}#timeline"


class BenefitActionView(ServiceFormView):
    """A civil-affairs decision on a benefit of the region: 404 when out of scope, 403 for anyone else."""

    template_name = "welfare/benefit_form.html"
    changes_object = True

    def get_object(self):
        benefits = Benefit.objects.visible_to(self.request.user).select_related("person__township")
        return get_object_or_404(benefits, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.object.person, "benefit": self.object}


class BenefitDecideView(BenefitActionView):
    title = gettext_lazy("Decide on a welfare application")
    action = "decide"
    form_class = BenefitDecisionForm

    def get_initial(self):
        return {"decided_on": dt.date.today()}

    def run(self, form):
        services.benefit_decide(user=self.request.user, benefit=self.object, **form.cleaned_data)
        return reverse("welfare:benefit_list")


class BenefitEndView(BenefitActionView):
    title = gettext_lazy("End a welfare benefit")
    action = "end"
    form_class = BenefitEndForm

    def get_initial(self):
        return {"ends_on": dt.date.today()}

    def run(self, form):
        services.benefit_end(user=self.request.user, benefit=self.object, **form.cleaned_data)
        return reverse("welfare:benefit_list")
