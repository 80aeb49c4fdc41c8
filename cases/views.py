import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sunshine.access import may
from sunshine.audit import audit_event, probe_alerts
from sunshine.choices import Role
from sunshine.models import AuditEntry
from sunshine.pagination import BoundedPaginator
from sunshine.pdf import render_pdf
from sunshine.views import ServiceFormView, chosen_region

from . import services
from .choices import TestResult
from .forms import (
    RECORD_KINDS,
    AlertDecisionForm,
    DischargeNoticeForm,
    MeasureCloseForm,
    MeasureEscalateForm,
    MeasureOrderForm,
    MeasureReportForm,
    PersonForm,
    PersonSearchForm,
    TransferDecisionForm,
    TransferForm,
    record_form_class,
)
from .models import Alert, DrugUseFinding, HelpGroupMember, Measure, Person, Transfer, UrineTest
from .pathway import PATHWAY, pathway_stage, pathway_stages
from .sections import home_sections, person_sections
from .selectors import may_see_health, person_list, work_items, work_regions, work_rows
from .timeline import person_rows, reading_once, timeline

COUNTY_ONLY = frozenset({Role.COUNTY_OFFICER})
HOME_LIST = 10  # open alerts and open transfers on the home page; the rest on their own lists
# Work items an office's list counts past a page's start ("1,000+ rows"): a list that long is narrowed by region,
# not read to its end, and its exact size per region is the dashboard's (counting a province's 9,654 items at 120 k
# persons took a third of its home page: 68 -> 35 ms in process)
WORK_LIST_BOUND = 1_000
POSITIVE_TEST_HELP = gettext_lazy(
    "A positive test is evidence of drug use: tell the community police, who record the drug-use finding (relapse)."
)


class HomeView(LoginRequiredMixin, TemplateView):
    """The work list, a page at a time (an office's holds every township's items), overdue and due this week; open
    alerts and transfers awaiting this user. An office narrows the list to a region of theirs (``?region=``)."""

    template_name = "cases/home.html"
    paginate_by = 30

    def get_context_data(self, **kwargs):
        user, today = self.request.user, dt.date.today()
        sections = home_sections(user, today)
        if user.role == Role.DEPARTMENT_STAFF:
            # Department staff hold no caseload: their home is their department's own work.
            return {**super().get_context_data(**kwargs), "today": today, "sections": sections, "department": True}
        region = chosen_region(user, self.request.GET.get("region"))  # None: the whole scope
        # today's stored rows, counted and read a page at a time (or, before the day's first rebuild, computed now)
        paginator = BoundedPaginator(
            work_rows(user=user, today=today, region=region), self.paginate_by, bound=WORK_LIST_BOUND
        )
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(error) from error
        items = work_items(page.object_list, user=user)
        stages = pathway_stages({item.person.pk for item in items}, today)
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "overdue": [(item, stages[item.person.pk]) for item in items if item.due_on < today],
            "due": [(item, stages[item.person.pk]) for item in items if item.due_on >= today],
            "page_obj": page,
            "region": region,
            "regions": work_regions(user),
            # the newest open ones, one more than shown to know whether their lists (open ones first) hold more
            "alerts": list(
                Alert.objects.visible_to(user)
                .filter(acknowledged_on__isnull=True)
                .select_related("person")[: HOME_LIST + 1]
            ),
            "transfers": list(
                Transfer.objects.visible_to(user)
                .open()
                .open_first()  # (the order of the index that finds them)
                .select_related("person", "from_township", "to_township")[: HOME_LIST + 1]
            ),
            "home_list": HOME_LIST,
            "can_register": may(user, "add", Person),
            "may_log": {
                kind.replace("-", "_"): may(user, "add", model) for kind, (model, _fields) in RECORD_KINDS.items()
            },
            "sections": sections,
            "probe_alerts": probe_alerts(user=user, since=today - dt.timedelta(days=30)),
        }


class PersonListView(LoginRequiredMixin, ListView):
    template_name = "cases/person_list.html"
    paginator_class = BoundedPaginator  # no count over the whole province (issue 17)
    paginate_by = 30

    def get_queryset(self):
        self.search = PersonSearchForm(self.request.GET)
        return person_list(user=self.request.user, query=self.search.data.get("q", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stages = pathway_stages([person.pk for person in context["object_list"]])
        context["rows"] = [(person, stages[person.pk]) for person in context["object_list"]]
        user = self.request.user
        can_record_case = bool(services.sealing.case_events(user))  # a sealed person met again (DESIGN §3b)
        return {**context, "search": self.search, "can_register": may(user, "add", Person),
                "can_record_case": can_record_case}  # fmt: skip


class PersonDetailView(LoginRequiredMixin, DetailView):
    """The person's file: pathway stage, measures with their clocks, help group, timeline."""

    template_name = "cases/person_detail.html"

    def get_object(self, queryset=None):
        persons = Person.objects.visible_to(self.request.user).select_related("township__parent")
        person = get_object_or_404(persons, pk=self.kwargs["pk"])
        audit_event(person, event=AuditEntry.Event.VIEW, actor=self.request.user, request=self.request)
        return person

    def get_context_data(self, **kwargs):
        user, person = self.request.user, self.object
        with reading_once(person):  # the timeline and the sections read the same rows
            transfers = person_rows(person, user, Transfer, "from_township", "to_township")
            return {
                **super().get_context_data(**kwargs),
                "today": dt.date.today(),
                "show_health": may_see_health(user),
                "can_edit": may(user, "change", person),
                "may_order": may(user, "order", Measure) and not person.sealed,  # sealed: read under a grant (§3b)
                "may_transfer": may(user, "transfer", person),
                "may_seal": may(user, "seal", person),
                "stage": pathway_stage(person.pk),
                "pathway_steps": PATHWAY,
                "measures": person_rows(person, user, Measure),
                "helpers": person_rows(person, user, HelpGroupMember),
                "timeline": timeline(person, user=user),
                "record_kinds": [
                    (kind, model._meta.verbose_name)
                    for kind, (model, _fields) in RECORD_KINDS.items()
                    if may(user, "add", model) and not person.sealed
                ],
                "sections": person_sections(person, user),
                "open_transfer": next((transfer for transfer in transfers if transfer.is_open), None),
            }


class PersonRevealIdView(LoginRequiredMixin, View):
    """Show the full ID number on request; every reveal is audited (DESIGN §3a)."""

    def post(self, request, pk):
        person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
        audit_event(person, event=AuditEntry.Event.REVEAL, actor=request.user, request=request)
        return HttpResponse(format_html('<span class="mono">{}</span>', person.id_number))


class PersonFormView(ServiceFormView):
    """Register a person (no pk) or change one (pk)."""

    template_name = "cases/person_form.html"

    def get_object(self):
        if "pk" in self.kwargs:
            self.action = "change"
            return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        self.action = "add"
        return Person()

    def action_target(self):
        return self.object if self.object.pk else Person

    def get_form(self, form_class=None):
        user = self.request.user
        return PersonForm(**self.get_form_kwargs(), instance=self.object, user=user, show_health=may_see_health(user))

    def run(self, form):
        save = services.person_update if self.object.pk else services.person_register
        return save(user=self.request.user, person=form.instance)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.object}


def _record_model(kind: str):
    if kind not in RECORD_KINDS:
        raise Http404
    return RECORD_KINDS[kind][0]


class RecordCreateView(ServiceFormView):
    """Log a visit, test, finding... for a person: a few taps, today's date filled in."""

    action = "add"

    def get_object(self):
        self.model = _record_model(self.kwargs["kind"])
        return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def action_target(self):
        return self.model

    @property
    def title(self):
        return self.model._meta.verbose_name

    def get_form_class(self):
        return record_form_class(self.kwargs["kind"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.model(person=self.object)}

    def get_initial(self):
        today = dt.date.today()
        return {self.model.date_field: today} if self.model.date_field != "created_at" else {}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "record_finding" in form.fields and not may(self.request.user, "add", DrugUseFinding):
            # Findings are the police's and the county's to record: say so instead of offering it.
            del form.fields["record_finding"]
            form.fields["result"].help_text = POSITIVE_TEST_HELP
        return form

    def run(self, form):
        user = self.request.user
        if isinstance(form.instance, UrineTest):
            record_finding = form.cleaned_data.get("record_finding", False)
            finding = services.urine_test_record(user=user, test=form.instance, record_finding=record_finding)
            if form.instance.result == TestResult.POSITIVE and finding is None:
                messages.warning(self.request, POSITIVE_TEST_HELP)
        else:
            services.record_save(user=user, record=form.instance)
        return f"{self.object.get_absolute_url()}#timeline"


class RecordUpdateView(RecordCreateView):
    """Correct a record (the roles that may write it, within their scope)."""

    action = "change"

    def get_object(self):
        self.model = _record_model(self.kwargs["kind"])
        self.record = get_object_or_404(self.model.objects.visible_to(self.request.user), pk=self.kwargs["pk"])
        return self.record.person

    def action_target(self):
        return self.record

    def get_form_kwargs(self):
        return {**FormView.get_form_kwargs(self), "instance": self.record}


class MeasureOrderView(ServiceFormView):
    title = gettext_lazy("Record a measure decision")
    action = "order"
    form_class = MeasureOrderForm

    def get_object(self):
        return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def action_target(self):
        return Measure

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Measure(person=self.object)}

    def run(self, form):
        services.measure_order(user=self.request.user, measure=form.instance)
        return self.object


class MeasureMixin:
    changes_object = True

    def get_object(self):
        measures = Measure.objects.visible_to(self.request.user).select_related("person")
        return get_object_or_404(measures, pk=self.kwargs["pk"])


class MeasureCorrectView(MeasureMixin, ServiceFormView):
    title = gettext_lazy("Correct a measure")
    action = "correct"
    form_class = MeasureOrderForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def run(self, form):
        return services.measure_correct(user=self.request.user, measure=form.instance).person


class MeasureReportView(MeasureMixin, ServiceFormView):
    title = gettext_lazy("Record the report and agreement")
    action = "change"
    form_class = MeasureReportForm

    def run(self, form):
        return services.measure_record_report(user=self.request.user, measure=self.object, **form.cleaned_data).person


class MeasureCloseView(MeasureMixin, ServiceFormView):
    title = gettext_lazy("End a measure")
    action = "close"
    form_class = MeasureCloseForm

    def run(self, form):
        return services.measure_close(user=self.request.user, measure=self.object, **form.cleaned_data).person


class MeasureEscalateView(MeasureMixin, ServiceFormView):
    title = gettext_lazy("Escalate to compulsory isolation")
    action = "escalate"
    form_class = MeasureEscalateForm

    one_time = True

    def run(self, form):
        self.created = services.measure_escalate(user=self.request.user, measure=self.object, **form.cleaned_data)
        return self.created.person


class DischargeNoticeView(MeasureMixin, ServiceFormView):
    title = gettext_lazy("Township told of the discharge")
    action = "change"
    form_class = DischargeNoticeForm

    def run(self, form):
        notified_on = form.cleaned_data["notified_on"]
        return services.measure_record_discharge_notice(
            user=self.request.user, measure=self.object, notified_on=notified_on
        ).person


class AgreementView(MeasureMixin, LoginRequiredMixin, DetailView):
    """The CD/CR agreement, laid out for printing."""

    template_name = "cases/agreement.html"

    def get_object(self, queryset=None):
        measure = super().get_object()
        if not measure.is_community:
            raise Http404
        audit_event(measure.person, event=AuditEntry.Event.EXPORT, actor=self.request.user, request=self.request)
        return measure


class TransferStartView(ServiceFormView):
    title = gettext_lazy("Transfer to another township")
    action = "transfer"
    form_class = TransferForm

    def get_object(self):
        return get_object_or_404(Person.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_initial(self):
        return {"requested_on": dt.date.today()}

    one_time = True

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.object}

    def run(self, form):
        self.created = services.transfer_start(user=self.request.user, person=self.object, **form.cleaned_data)
        return "cases:transfer_list"


class TransferListView(LoginRequiredMixin, ListView):
    """Transfers in and out of the user's region, open ones first."""

    template_name = "cases/transfer_list.html"
    paginator_class = BoundedPaginator  # no count over the whole province (issue 17)
    paginate_by = 50

    def get_queryset(self):
        transfers = Transfer.objects.visible_to(self.request.user)
        return transfers.select_related("person", "from_township", "to_township").open_first()


class TransferDecisionView(ServiceFormView):
    form_class = TransferDecisionForm

    def get_object(self):
        transfers = Transfer.objects.visible_to(self.request.user).select_related(
            "person", "from_township", "to_township"
        )
        return get_object_or_404(transfers, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"effective_on": dt.date.today()}

    def run(self, form):
        user, transfer = self.request.user, self.object
        if self.action == "accept":
            effective_on = form.cleaned_data["effective_on"] or dt.date.today()
            services.transfer_accept(user=user, transfer=transfer, effective_on=effective_on)
        elif self.action == "approve":
            services.transfer_approve(user=user, transfer=transfer)
        else:
            services.transfer_reject(user=user, transfer=transfer, notes=form.cleaned_data["notes"])
        return reverse("cases:transfer_list")


class AlertListView(LoginRequiredMixin, ListView):
    template_name = "cases/alert_list.html"
    paginator_class = BoundedPaginator  # no count over the whole province (issue 17)
    paginate_by = 50

    def get_queryset(self):
        return Alert.objects.visible_to(self.request.user).select_related("person__township", "acknowledged_by")


class AlertAcknowledgeView(ServiceFormView):
    title = gettext_lazy("Record the decision on this alert")
    action = "change"
    form_class = AlertDecisionForm

    def get_object(self):
        return get_object_or_404(
            Alert.objects.visible_to(self.request.user).select_related("person"), pk=self.kwargs["pk"]
        )

    def run(self, form):
        services.alert_acknowledge(user=self.request.user, alert=self.object, decision=form.cleaned_data["decision"])
        return reverse("cases:alert_list")


class PersonFilePdfView(LoginRequiredMixin, View):
    """The person's file as PDF, the official printout (档案): personal details with the full ID number,
    measures with their legal clocks, the pathway stage and the whole timeline.

    The same access as the file page (404 outside the scope, so department staff and the system administrator
    get none). The document leaves the system with the full ID number on it, so it is audited as an export,
    like the printed agreement.
    """

    def get(self, request, pk):
        user = request.user
        person = get_object_or_404(Person.objects.visible_to(user).select_related("township__parent"), pk=pk)
        today = dt.date.today()
        with reading_once(person):  # the timeline reads the measures and the help group too
            context = {
                "person": person,
                "today": today,
                "printed_by": user,
                "show_health": may_see_health(user),
                "stage": pathway_stage(person.pk, today),
                "pathway_steps": PATHWAY,
                "measures": person_rows(person, user, Measure),
                "helpers": person_rows(person, user, HelpGroupMember),
                "timeline": timeline(person, user=user),
            }
        content = render_pdf("cases/print/person_file.html", context, request=request)
        audit_event(
            person,
            event=AuditEntry.Event.EXPORT,
            actor=user,
            request=request,
            detail={"document": "person_file", "format": "pdf"},
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, f"档案-{person.pk}-{today:%Y-%m-%d}.pdf")
        return response
