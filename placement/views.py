import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from cases.models import Person
from sunshine.access import may
from sunshine.audit import audit_event
from sunshine.choices import Role
from sunshine.models import AuditEntry
from sunshine.spreadsheets import xlsx_response
from sunshine.views import ServiceFormView

from . import services
from .exports import tax_relief_xlsx
from .forms import BaseForm, EmployerForm, FollowUpForm, LoanDecisionForm, LoanForm, PlacementForm, SubsidyForm
from .models import BaseSubsidy, Employer, FollowUp, Loan, Placement, PlacementBase, scale_class
from .selectors import base_scale, bases_with_scale, subsidy_eligibility, tax_relief_list

OFFICERS = frozenset({Role.COUNTY_OFFICER, Role.PREFECTURE_OFFICER, Role.PROVINCE_OFFICER})


class BaseListView(LoginRequiredMixin, ListView):
    """Placement bases with their scale today (every signed-in user; bases are not personal data)."""

    template_name = "placement/base_list.html"
    paginate_by = 50

    def get_queryset(self):
        bases = bases_with_scale(user=self.request.user, day=dt.date.today())
        if region := self.request.GET.get("region", "").strip():
            bases = bases.within(region)
        return bases.order_by("-scale", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(base, scale_class(base.scale)) for base in context["object_list"]]
        context["can_create"] = may(self.request.user, "add", PlacementBase)
        return context


class BaseDetailView(LoginRequiredMixin, DetailView):
    template_name = "placement/base_detail.html"

    def get_queryset(self):
        return PlacementBase.objects.visible_to(self.request.user).select_related("region__parent", "employer")

    def get_context_data(self, **kwargs):
        user, base, today = self.request.user, self.object, dt.date.today()
        scale = base_scale(base, today)
        return {
            **super().get_context_data(**kwargs),
            "scale": scale,
            "scale_class": scale_class(scale),
            "placements": Placement.objects.visible_to(user)
            .filter(base=base)
            .active_on(today)
            .select_related("person"),
            "subsidies": base.subsidies.all(),
            "can_edit": PlacementBase.objects.editable_by(user).filter(pk=base.pk).exists(),
            "can_decide_subsidy": may(user, "decide_subsidy", base),
        }


class BaseFormView(ServiceFormView):
    title = gettext_lazy("Placement base")
    form_class = BaseForm

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(PlacementBase.objects.editable_by(self.request.user), pk=self.kwargs["pk"])
        if not may(self.request.user, "add", PlacementBase):
            raise PermissionDenied
        return PlacementBase()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def run(self, form):
        return services.base_save(user=self.request.user, base=form.instance)


class EmployerListView(LoginRequiredMixin, ListView):
    template_name = "placement/employer_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).select_related("region")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_create": may(self.request.user, "add", Employer)}


class EmployerFormView(ServiceFormView):
    title = gettext_lazy("Employer")
    form_class = EmployerForm

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Employer.objects.editable_by(self.request.user), pk=self.kwargs["pk"])
        if not may(self.request.user, "add", Employer):
            raise PermissionDenied
        return Employer()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def run(self, form):
        services.employer_save(user=self.request.user, employer=form.instance)
        return "placement:employer_list"


class PlacementFormView(ServiceFormView):
    """Place a person (person pk) or correct a placement, including the day they left (placement pk)."""

    title = gettext_lazy("Placement")
    form_class = PlacementForm
    creating = False  # pk is the person's when creating, the placement's otherwise

    def get_object(self):
        user = self.request.user
        if self.creating:
            person = get_object_or_404(Person.objects.visible_to(user), pk=self.kwargs["pk"])
            if not may(user, "add", Placement):
                raise PermissionDenied
            return Placement(person=person)
        placement = get_object_or_404(Placement.objects.visible_to(user).select_related("person"), pk=self.kwargs["pk"])
        if not Placement.objects.editable_by(user).filter(pk=placement.pk).exists():
            raise PermissionDenied
        return placement

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object, "user": self.request.user}

    def run(self, form):
        placement = services.placement_save(user=self.request.user, placement=form.instance)
        return placement.person


class FollowUpCreateView(ServiceFormView):
    title = gettext_lazy("Placement follow-up")
    form_class = FollowUpForm

    def get_object(self):
        placements = Placement.objects.visible_to(self.request.user).select_related("person")
        placement = get_object_or_404(placements, pk=self.kwargs["pk"])
        if not may(self.request.user, "add", FollowUp):
            raise PermissionDenied
        return placement

    def get_initial(self):
        return {"visited_on": dt.date.today()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": FollowUp(placement=self.object, person=self.object.person)}

    def run(self, form):
        return services.follow_up_save(user=self.request.user, follow_up=form.instance).person


class SubsidyEligibilityView(LoginRequiredMixin, TemplateView):
    """Bases eligible for the provincial start-up subsidy, and since when (officers)."""

    template_name = "placement/subsidies.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in OFFICERS:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = dt.date.today()
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "rows": subsidy_eligibility(user=self.request.user, day=today),
            "can_decide": may(self.request.user, "decide_subsidy", PlacementBase),
        }


class SubsidyCreateView(ServiceFormView):
    title = gettext_lazy("Start-up subsidy decision")
    form_class = SubsidyForm
    action = "decide_subsidy"

    def get_object(self):
        return get_object_or_404(PlacementBase.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": BaseSubsidy(base=self.object)}

    def run(self, form):
        return services.subsidy_decide(user=self.request.user, subsidy=form.instance).base


class TaxReliefView(LoginRequiredMixin, TemplateView):
    """Tax-relief eligibility lists: per employer, and for self-employed persons."""

    template_name = "placement/tax_relief.html"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, dt.date.today()
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "employed": tax_relief_list(user=user, day=today),
            "self_employed": tax_relief_list(user=user, day=today, self_employed=True),
        }


class TaxReliefExportView(LoginRequiredMixin, View):
    """The same lists as an Excel workbook (audited as an export)."""

    def get(self, request):
        today = dt.date.today()
        content = tax_relief_xlsx(user=request.user, day=today)
        audit_event(
            request.user,
            event=AuditEntry.Event.EXPORT,
            actor=request.user,
            request=request,
            detail={"export": "tax_relief"},
        )
        return xlsx_response(content, f"tax-relief-{today:%Y-%m-%d}.xlsx")


class LoanApplyView(ServiceFormView):
    title = gettext_lazy("Guaranteed loan application")
    form_class = LoanForm

    def get_object(self):
        person = get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        if not may(self.request.user, "add", Loan):
            raise PermissionDenied
        return person

    def get_initial(self):
        return {"applied_on": dt.date.today()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Loan(person=self.object)}

    def run(self, form):
        return services.loan_apply(user=self.request.user, loan=form.instance).person


class LoanDecideView(ServiceFormView):
    title = gettext_lazy("Loan decision")
    form_class = LoanDecisionForm
    action = "decide"

    def get_object(self):
        return get_object_or_404(
            Loan.objects.visible_to(self.request.user).select_related("person"), pk=self.kwargs["pk"]
        )

    def run(self, form):
        return services.loan_decide(user=self.request.user, loan=self.object, **form.cleaned_data).person
