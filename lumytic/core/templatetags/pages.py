"""`{% page_url "customer-login" as url %}`: a registered page's URL (lumytic/core/pages.py), or
an empty string when no installed app serves it."""

from django import template

from lumytic.core.pages import page_url as find_page

register = template.Library()


@register.simple_tag
def page_url(kind: str, *args) -> str:
    return find_page(kind, *args) or ""
