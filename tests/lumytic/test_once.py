"""{% once %}: constant markup rendered once per language and URL configuration."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse, set_script_prefix
from django.utils import translation

LOAD = "{% load i18n static fixed_urls once %}"


def test_once_renders_text_translations_static_files_and_fixed_urls():
    block = Template(
        LOAD + "{% once %}<a href=\"{% fixed_url 'customers:customer-create' %}\">"
        '{% translate "Add customer" %}</a>{% static "js/lumytic.js" %}{% endonce %}'
    )
    html = block.render(Context())
    assert html.startswith(f'<a href="{reverse("customers:customer-create")}">Add customer</a>')
    assert html.endswith("js/lumytic.js")


def test_once_follows_the_language_and_the_script_prefix():
    block = Template(LOAD + "{% once %}{% fixed_url 'office:dashboard' %}{% endonce %}")
    path = reverse("office:dashboard")
    assert block.render(Context()) == path
    set_script_prefix("/lumytic/")
    try:
        assert block.render(Context()) == "/lumytic" + path
    finally:
        set_script_prefix("/")
    with translation.override("fr"):
        assert block.render(Context()) == path
    assert len(block.nodelist[-1].rendered) == 3


@pytest.mark.parametrize(
    "content",
    [
        "{{ user }}",
        "{% if user %}x{% endif %}",
        "{% translate title %}",
        '{% translate "Customers" as title %}',
        '{% translate "Customers"|upper %}',
        "{% static path %}",
        "{% csrf_token %}",
        "{% fixed_url name %}",
        '{% fixed_url "office:dashboard" as url %}',
    ],
)
def test_once_refuses_anything_that_reads_the_context(content):
    with pytest.raises(TemplateSyntaxError):
        Template(LOAD + "{% once %}" + content + "{% endonce %}")
