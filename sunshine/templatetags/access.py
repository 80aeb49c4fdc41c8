"""``{% may "accept" transfer as can_accept %}``: templates ask the same question as views and services.

The target is a row, or a model named by its label for an action on no row in particular
(``{% may "report" "reporting.IndicatorSnapshot" as may_report %}``)."""

from django import template
from django.apps import apps

from sunshine import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, target) -> bool:
    if isinstance(target, str):
        target = apps.get_model(target)
    return access.may(context["request"].user, action, target)
