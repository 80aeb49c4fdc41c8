import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
        return queryset.filter(Q(object_repr__icontains=value) | Q(actor__username__icontains=value))
