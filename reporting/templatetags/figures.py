"""The template filters of ``sunshine.formatting``: a rate as a percentage, a gap in percentage points, no data as
such."""

from django import template

from sunshine import formatting

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.753 → "75.3%"; None (a zero denominator) → "no data" (``sunshine.formatting``)."""
    return formatting.percent(value)


@register.filter
def points(value) -> str:
    """A gap between two rates in percentage points, signed: 0.021 → "+2.1", -0.05 → "-5.0"."""
    return formatting.points(value)


@register.filter
def figure(snapshot) -> str:
    """A snapshot's value as it reads: a rate as a percentage, a count as a number."""
    if snapshot is None:
        return formatting.percent(None)
    rate = snapshot.denominator is not None
    return formatting.figure(snapshot.value if rate else snapshot.numerator, rate=rate)


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    return mapping.get(key) if mapping else None
