import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .access import person_type, sealed_person_ids
from .models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    """Search the audit log by person or staff name, event and day range; a bad value is shown, not fatal."""

    q = django_filters.CharFilter(method="search", label=_("Person or username"))
    event = django_filters.ChoiceFilter(choices=AuditEntry.Event.choices, label=_("Event"))
    since = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="timestamp", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEntry
        fields = ["q", "event", "since", "until"]

    def search(self, queryset, name, value):
        # a sealed person's entries stay in the log but are never found by their name (DESIGN §3b)
        named = Q(object_repr__icontains=value) & ~Q(object_id__in=sealed_person_ids(), content_type=person_type())
        return queryset.filter(named | Q(actor__username__icontains=value))
