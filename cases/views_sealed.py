"""Pages of sealed records and lawful queries (DESIGN §3b): a county officer's seal, a new case about a sealed
person met again, and the requests, decisions and grants of lawful queries."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from sunshine.access import may
from sunshine.choices import OFFICES
from sunshine.pagination import BoundedPaginator
from sunshine.views import ServiceFormView

from .choices import QueryStatus, UnsealCause
from .forms import LawfulQueryDecisionForm, LawfulQueryForm, SealedCaseForm, SealForm
from .models import DrugUseFinding, LawfulQuery, Measure, Person, UrineTest
from .services import sealing


class PersonSealView(ServiceFormView):
    """A county officer seals the file of a person with no active measure, giving the reason."""

    title = gettext_lazy("Seal this file")
    action = "seal"
    form_class = SealForm

    def get_object(self):
        return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def run(self, form):
        sealing.person_seal(user=self.request.user, person=self.object, reason=form.cleaned_data["reason"])
        return "cases:person_list"


class SealedCaseView(ServiceFormView):
    """A sealed person met again: the ID number finds the sealed file without showing it, and recording the finding,
    positive test or measure order is case handling that unseals it."""

    title = gettext_lazy("New case about a sealed file")
    form_class = SealedCaseForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not sealing.case_events(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "events": sealing.case_events(self.request.user)}
        kwargs.setdefault("initial", {})["id_number"] = self.request.GET.get("id_number", "")
        return kwargs

    def run(self, form):
        data = form.cleaned_data
        event, on = data["event"], data["occurred_on"]
        if event == UnsealCause.MEASURE_ORDER:
            record = Measure(
                kind=data["measure_kind"], ordered_on=on, order_number=data["order_number"], authority=data["authority"]
            )
        elif event == UnsealCause.FINDING:
            record = DrugUseFinding(found_on=on, details=data["reason"])
        else:
            record = UrineTest(tested_on=on, result="positive", kind="surprise", substance=data["substance"])
        try:
            return sealing.sealed_case_record(
                user=self.request.user, id_number=data["id_number"], event=event, record=record, reason=data["reason"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            # the record's own fields, as this form names them (its dates are all ``occurred_on``)
            raise ValidationError({FORM_FIELDS.get(name, name): messages for name, messages in error}) from None


FORM_FIELDS = {
    "found_on": "occurred_on",
    "tested_on": "occurred_on",
    "ordered_on": "occurred_on",
    "kind": "measure_kind",
}


class LawfulQueryListView(LoginRequiredMixin, ListView):
    """Requests, decisions and grants of the officer's region (the approvers' list), and the officer's own."""

    template_name = "cases/lawful_query_list.html"
    paginator_class = BoundedPaginator  # no count over the whole province (issue 17)
    paginate_by = 50

    def get_queryset(self):
        if self.request.user.role not in OFFICES:
            raise PermissionDenied
        return LawfulQuery.objects.visible_to(self.request.user).select_related(
            "person", "requester", "decided_by", "region"
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pending": QueryStatus.PENDING, "user_id": self.request.user.pk}


class LawfulQueryCreateView(ServiceFormView):
    title = gettext_lazy("Request a lawful query")
    action = "add"
    form_class = LawfulQueryForm

    def action_target(self):
        return LawfulQuery

    def run(self, form):
        return sealing.lawful_query_request(user=self.request.user, **form.cleaned_data)


class LawfulQueryDetailView(LoginRequiredMixin, DetailView):
    template_name = "cases/lawful_query_detail.html"

    def get_object(self, queryset=None):
        queries = LawfulQuery.objects.visible_to(self.request.user).select_related("person", "requester", "decided_by")
        return get_object_or_404(queries, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        query, user = self.object, self.request.user
        return {
            **super().get_context_data(**kwargs),
            "may_decide": query.status == QueryStatus.PENDING and may(user, "decide", query),
            "form": LawfulQueryDecisionForm(),
            "decide_url": reverse("cases:lawful_query_decide", args=[query.pk]),
        }


class LawfulQueryDecideView(ServiceFormView):
    title = gettext_lazy("Decide a lawful query")
    action = "decide"
    form_class = LawfulQueryDecisionForm

    def get_object(self):
        return get_object_or_404(LawfulQuery.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def run(self, form):
        data = form.cleaned_data
        return sealing.lawful_query_decide(
            user=self.request.user, query=self.object, approve=data["approve"], reason=data["reason"]
        )
