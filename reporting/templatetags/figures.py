"""How figures read on pages and in reports: a rate as a percentage, a gap in percentage points, no data as such."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.753 → "75.3%"; None (a zero denominator) → "no data", never 0% or 100%."""
    return _("no data") if value is None else f"{100 * float(value):.1f}%"


@register.filter
def points(value) -> str:
    """A gap between two rates in percentage points, signed: 0.021 → "+2.1", -0.05 → "−5.0"."""
    if value is None:
        return ""
    number = 100 * float(value)
    return f"+{number:.1f}" if number >= 0 else f"−{-number:.1f}"


@register.filter
def figure(snapshot) -> str:
    """A snapshot's value as it reads: a rate as a percentage, a count as a number."""
    if snapshot is None:
        return _("no data")
    return str(snapshot.numerator) if snapshot.denominator is None else percent(snapshot.value)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
