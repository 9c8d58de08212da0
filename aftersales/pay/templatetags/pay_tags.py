"""``{% load pay_tags %}``: a statement's stored warnings in the reader's language."""

from django import template

from aftersales.pay.engine import describe_warning

register = template.Library()


@register.filter
def pay_warnings(stored: list[str]) -> list[str]:
    return [describe_warning(warning) for warning in stored]
