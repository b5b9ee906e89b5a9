"""`{% once %}…{% endonce %}`: markup rendered once per language and URL configuration.

For the parts of a layout that depend on nothing else: text, `{% translate "…" %}`,
`{% static "…" %}` and `{% fixed_url "…" %}` with constant arguments. Anything else inside (a
variable, a condition, a tag that reads the context) is a template syntax error, so a block can
never show one request's data to another. A translate tag renders in about 15 µs; a list page
has some thirty of them.
"""

from django import template
from django.template.base import FilterExpression, Node, NodeList, TextNode
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .fixed_urls import fixed_url

register = template.Library()


def _constant(expression: FilterExpression) -> bool:
    """A literal ("text" or 'text') without filters."""
    var = expression.var
    literal = var if isinstance(var, str) else getattr(var, "literal", None)
    return isinstance(literal, str) and not expression.filters


def _allowed(node: Node) -> bool:
    if isinstance(node, TextNode):
        return True
    if isinstance(node, TranslateNode):
        return (
            node.asvar is None
            and node.message_context is None
            and _constant(node.filter_expression)
        )
    if isinstance(node, StaticNode):
        return node.varname is None and _constant(node.path)
    func = getattr(node, "func", None)
    return (
        func is fixed_url
        and node.target_var is None
        and not node.kwargs
        and all(_constant(arg) for arg in node.args)
    )


class OnceNode(Node):
    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist
        self.rendered: dict[tuple, SafeString] = {}

    def render(self, context) -> SafeString:
        key = (get_language(), get_urlconf(), get_script_prefix())
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = mark_safe(self.nodelist.render(context))  # noqa: S308
        return html


@register.tag
def once(parser, token) -> OnceNode:
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    for node in nodelist:
        if not _allowed(node):
            raise template.TemplateSyntaxError(
                f"{{% once %}} holds only text and constant translate, static and fixed_url "
                f"tags, not {node!r}"
            )
    return OnceNode(nodelist)
