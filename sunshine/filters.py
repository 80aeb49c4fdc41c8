import django_filters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import filters
from django_filters.rest_framework import DjangoFilterBackend

from .access import person_type, sealed_person_ids
from .models import AuditEntry, User


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set whose relation filters offer and accept only the rows the user sees.

    django-filter builds a relation's choices from the related model's default manager: every person of the
    province in a form, and an existence oracle in JSON (another county's person → no rows, a missing id → an
    error). Here a relation to a scoped model takes its choices from ``visible_to(request.user)``, so an
    id outside the scope and a missing id are refused alike. Every filter set, HTML or API, derives from it.
    """

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = getattr(request, "user", None)
        for filter_ in self.filters.values():
            if not isinstance(filter_, filters.QuerySetRequestMixin) or filter_.queryset is None:
                continue
            model = filter_.queryset.model if hasattr(filter_.queryset, "model") else None
            if model is None:
                raise ImproperlyConfigured(f"{type(self).__name__}: give relation filters a queryset, not a callable")
            if hasattr(model, "scope"):
                filter_.queryset = model.objects.visible_to(user)


class ScopedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: ``filterset_fields`` build a ``ScopedFilterSet``; a hand-written filter set must
    derive from it."""

    filterset_base = ScopedFilterSet

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        if filterset_class is not None and not issubclass(filterset_class, ScopedFilterSet):
            raise ImproperlyConfigured(f"{filterset_class.__name__} must derive from ScopedFilterSet")
        return filterset_class


class AuditEntryFilter(ScopedFilterSet):
    """Search the audit log by person or staff name, event and day range; a bad value is shown, not fatal."""

    q = django_filters.CharFilter(method="search", label=_("Person or username"))
    about = django_filters.ChoiceFilter(
        choices=[("staff", _("Staff accounts"))], method="about_staff", label=_("About"), empty_label=_("Everything")
    )
    event = django_filters.ChoiceFilter(choices=AuditEntry.Event.choices, label=_("Event"))
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEntry
        fields = ["q", "about", "event", "since", "until"]

    def about_staff(self, queryset, name, value):
        """New accounts and role changes (provincial officers watch them: issue 12)."""
        return queryset.filter(content_type=ContentType.objects.get_for_model(User))

    def search(self, queryset, name, value):
        # a sealed person's entries stay in the log but are never found by their name (DESIGN §3b)
        named = Q(object_repr__icontains=value) & ~Q(object_id__in=sealed_person_ids(), content_type=person_type())
        return queryset.filter(named | Q(actor__username__icontains=value))
