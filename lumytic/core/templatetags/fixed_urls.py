"""`{% fixed_url "app:name" %}`: `{% url %}` for a URL without arguments, reversed once per URL
configuration, script prefix and language instead of on every render (layouts, list pages)."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

_reversed: dict[tuple, str] = {}


@register.simple_tag
def fixed_url(name: str) -> str:
    key = (get_urlconf(), get_script_prefix(), get_language(), name)
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url
