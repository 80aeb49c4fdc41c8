import django_filters
from django.utils.translation import gettext_lazy as _

from sunshine.filters import ScopedFilterSet

from .choices import BenefitKind, BenefitStatus
from .models import Benefit


class BenefitFilter(ScopedFilterSet):
    """Filter benefits by status and kind; a bad value is shown, not fatal."""

    status = django_filters.ChoiceFilter(choices=BenefitStatus.choices, label=_("Status"), empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(choices=BenefitKind.choices, label=_("Benefit"), empty_label=_("Any benefit"))

    class Meta:
        model = Benefit
        fields = ["status", "kind"]


class BenefitApiFilter(BenefitFilter):
    """The API also filters by person id (a plain number: no list of persons to choose from)."""

    person = django_filters.NumberFilter(field_name="person_id", label=_("Person"))

    class Meta(BenefitFilter.Meta):
        fields = ["person", "status", "kind"]
