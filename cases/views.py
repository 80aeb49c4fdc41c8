from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from sunshine.access import ensure_editable
from sunshine.audit import audit_event
from sunshine.models import AuditEntry

from .forms import PersonForm, PersonSearchForm
from .models import Person
from .selectors import may_see_health, person_list
from .services import person_register, person_update


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's start page."""

    template_name = "cases/home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_register": Person.scope.may_edit(self.request.user)}


class PersonListView(LoginRequiredMixin, ListView):
    template_name = "cases/person_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.search = PersonSearchForm(self.request.GET)
        query = self.search.data.get("q", "")
        return person_list(user=self.request.user, query=query)

    def get_context_data(self, **kwargs):
        can_register = Person.scope.may_edit(self.request.user)
        return {**super().get_context_data(**kwargs), "search": self.search, "can_register": can_register}


class PersonDetailView(LoginRequiredMixin, DetailView):
    template_name = "cases/person_detail.html"

    def get_object(self, queryset=None):
        persons = Person.objects.visible_to(self.request.user).select_related("township__parent")
        person = get_object_or_404(persons, pk=self.kwargs["pk"])
        audit_event(person, event=AuditEntry.Event.VIEW, actor=self.request.user, request=self.request)
        return person

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "show_health": may_see_health(user),
            "can_edit": Person.objects.editable_by(user).filter(pk=self.object.pk).exists(),
        }


class PersonRevealIdView(LoginRequiredMixin, View):
    """Show the full ID number on request; every reveal is audited (DESIGN §3a)."""

    def post(self, request, pk):
        person = get_object_or_404(Person.objects.visible_to(request.user), pk=pk)
        audit_event(person, event=AuditEntry.Event.REVEAL, actor=request.user, request=request)
        return HttpResponse(format_html('<span class="id-number">{}</span>', person.id_number))


class PersonFormView(LoginRequiredMixin, FormView):
    """Register a person (no pk) or change one (pk): form → service → redirect."""

    template_name = "cases/person_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "pk" in kwargs:
            self.person = get_object_or_404(Person.objects.visible_to(request.user), pk=kwargs["pk"])
            ensure_editable(request.user, self.person)
        elif Person.scope.may_edit(request.user):
            self.person = Person()
        else:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return PersonForm(
            **self.get_form_kwargs(),
            instance=self.person,
            user=self.request.user,
            show_health=may_see_health(self.request.user),
        )

    def form_valid(self, form):
        save = person_update if self.person.pk else person_register
        try:
            person = save(user=self.request.user, person=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved %(name)s.") % {"name": person.name})
        return redirect(person)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "person": self.person}
