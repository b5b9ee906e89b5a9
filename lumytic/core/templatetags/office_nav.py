"""`{% office_nav %}`: the back-office sidebar's links (lumytic/core/nav.py).

Each link is rendered once per language and URL configuration, in its four forms (active or
not, with a badge or not); a request only picks the forms and fills in the counts, which are
read from the context every time. Nothing in the cached HTML depends on the user or the data.
"""

from django import template
from django.conf import settings
from django.template import Variable, VariableDoesNotExist
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from lumytic.core.nav import NavLink, may_open, office_links

register = template.Library()

_COUNT = "918273645"  # stands for the count in a rendered badge
_rendered: dict[tuple, list[tuple[NavLink, dict[tuple[bool, bool], str]]]] = {}


def _forms(link: NavLink) -> dict[tuple[bool, bool], str]:
    """The link's HTML by (active, with a badge), from layouts/_navlink.html."""
    navlink = get_template("layouts/_navlink.html")
    url = reverse(link.url_name)
    return {
        (active, badged): navlink.render(
            {
                "url": url,
                "key": link.key,
                "icon": link.icon,
                "label": link.label,
                "nav": link.key if active else None,
                "badge": _COUNT if badged else "",
                "badge_title": link.count_title,
            }
        )
        for active in (False, True)
        for badged in (False, True)
    }


def rendered_links() -> list[tuple[NavLink, dict[tuple[bool, bool], str]]]:
    key = (get_language(), get_urlconf(), get_script_prefix())
    links = _rendered.get(key)
    if links is None:
        links = [(link, _forms(link)) for link in office_links()]
        if not settings.DEBUG:  # in development an edited template shows at once
            _rendered[key] = links
    return links


_variables: dict[str, Variable] = {}


def _count(context, name: str) -> int:
    variable = _variables.get(name) or _variables.setdefault(name, Variable(name))
    try:
        return variable.resolve(context) or 0
    except VariableDoesNotExist:
        return 0


@register.simple_tag(takes_context=True)
def office_nav(context) -> SafeString:
    nav, user = context.get("nav"), context.get("user")
    parts = []
    for link, forms in rendered_links():
        if not may_open(link, user):  # a page the user can't open would say 403
            continue
        count = _count(context, link.count) if link.count else 0
        html = forms[(nav == link.key, bool(count))]
        parts.append(html.replace(_COUNT, escape(count), 1) if count else html)
    # Safe: every form was rendered by the template (escaped) and a count is escaped here.
    return mark_safe("".join(parts))  # noqa: S308
