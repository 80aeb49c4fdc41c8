"""``{% may "accept" transfer as can_accept %}``: templates ask the same question as views and services."""

from django import template

from sunshine import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, target) -> bool:
    return access.may(context["request"].user, action, target)
