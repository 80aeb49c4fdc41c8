import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from cases.models import Person
from sunshine.access import ensure_editable, may
from sunshine.choices import Role
from sunshine.views import ServiceFormView

from . import services
from .forms import ApproveForm, CourseFilterForm, CourseForm, EnrolmentForm, ProgressForm
from .models import Course, Enrolment
from .selectors import course_list, courses_to_enrol, enrolments_awaiting


class CourseListView(LoginRequiredMixin, ListView):
    """Every course (not personal data), filtered by region and skill, with its enrolled count."""

    template_name = "training/course_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.filters = CourseFilterForm(self.request.GET)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        return course_list(user=self.request.user, region=data.get("region"), skill=data.get("skill", ""))

    def get_context_data(self, **kwargs):
        user, query = self.request.user, self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "filters": self.filters,
            "query": query.urlencode(),
            "can_manage": may(user, "add", Course),
            "awaiting": enrolments_awaiting(user=user)[:50] if user.role == Role.COUNTY_OFFICER else [],
        }


class CourseDetailView(LoginRequiredMixin, DetailView):
    """A course and the enrolments in it that the user may see (others' persons never appear)."""

    template_name = "training/course_detail.html"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Course.objects.visible_to(self.request.user).select_related("region"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        user, course = self.request.user, self.object
        enrolments = Enrolment.objects.visible_to(user).filter(course=course).select_related("person__township")
        return {
            **super().get_context_data(**kwargs),
            "enrolments": enrolments,
            "can_edit": Course.objects.editable_by(user).filter(pk=course.pk).exists(),
            "can_record": may(user, "add", Enrolment),
            "can_open_persons": may(user, "view", Person),
            "is_county": user.role == Role.COUNTY_OFFICER,
        }


class CourseFormView(ServiceFormView):
    """Create a course (no pk) or change one of the user's region (pk; any other course is 404)."""

    template_name = "training/form.html"

    @property
    def title(self):
        return gettext_lazy("Change the course") if self.object.pk else gettext_lazy("New course")

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Course.objects.editable_by(self.request.user), pk=self.kwargs["pk"])
        if not may(self.request.user, "add", Course):
            raise PermissionDenied
        return Course()

    def get_form(self, form_class=None):
        return CourseForm(**self.get_form_kwargs(), instance=self.object, user=self.request.user)

    def run(self, form):
        return services.course_save(user=self.request.user, course=form.instance)


class EnrolmentCreateView(ServiceFormView):
    """Enrol a person in a course, from the person's page (``training:enrolment_create``)."""

    title = gettext_lazy("Enrol in a course")
    form_class = EnrolmentForm

    def get_object(self):
        user = self.request.user
        person = get_object_or_404(Person.objects.visible_to(user).select_related("township"), pk=self.kwargs["pk"])
        if not may(user, "add", Enrolment):
            raise PermissionDenied
        ensure_editable(user, person)
        return person

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "courses": courses_to_enrol(user=self.request.user, county_code=self.object.township.county),
        }

    def get_initial(self):
        return {"enrolled_on": dt.date.today()}

    one_time = True

    def run(self, form):
        self.created = services.enrolment_create(user=self.request.user, person=self.object, **form.cleaned_data)
        return f"{self.object.get_absolute_url()}#timeline"


class EnrolmentMixin:
    template_name = "training/form.html"
    changes_object = True

    def get_object(self):
        enrolments = Enrolment.objects.visible_to(self.request.user).select_related("person", "course__region")
        return get_object_or_404(enrolments, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_open_persons": may(self.request.user, "view", Person)}


class EnrolmentProgressView(EnrolmentMixin, ServiceFormView):
    """Record hours attended, completion and certificate, or withdrawal (township, county, HR staff)."""

    title = gettext_lazy("Record progress")
    form_class = ProgressForm

    def get_object(self):
        enrolment = super().get_object()
        ensure_editable(self.request.user, enrolment)
        return enrolment

    def get_initial(self):
        enrolment = self.object
        fields = ("attendance", "completed", "completed_on", "certificate_number", "withdrawn_on", "notes")
        return {name: getattr(enrolment, name) for name in fields}

    def run(self, form):
        services.enrolment_record_progress(user=self.request.user, enrolment=self.object, **form.cleaned_data)
        return self.object.course


class EnrolmentApproveView(EnrolmentMixin, ServiceFormView):
    """The person's county office approves an enrolment in another county's course."""

    title = gettext_lazy("Approve the enrolment")
    action = "approve"
    form_class = ApproveForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": gettext_lazy("Approve")}

    def run(self, form):
        services.enrolment_approve(user=self.request.user, enrolment=self.object)
        return reverse("training:course_list")
