"""The back-office sidebar: links rendered once, active link, visibility and counts per request."""

from dataclasses import replace

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation

from lumytic.core import nav
from lumytic.core.templatetags import office_nav

SIDEBAR = Template("{% load office_nav %}{% office_nav %}")


def render(**context) -> str:
    return SIDEBAR.render(Context(context))


def test_every_link_is_listed_in_order_with_its_url():
    html = render(nav="customers")
    positions = [html.index(f'href="{reverse(link.url_name)}"') for link in nav.office_links()]
    assert positions == sorted(positions)
    assert html.count("<li ") == len(nav.office_links())


def test_only_the_pages_section_is_active():
    html = render(nav="order-list")
    assert html.count('aria-current="page"') == 1
    active = html[: html.index('aria-current="page"')].rsplit("<li", 1)[1]
    assert f'href="{reverse("sales:order-list")}"' in active
    assert 'aria-current="page"' not in render(nav="nothing-here")


def test_counts_are_read_on_every_render_and_shown_only_when_not_zero():
    first = render(nav_counts={"pis": 3, "payments": 0})
    assert '<span class="badge rounded-pill text-bg-warning ms-auto needs-action" ' in first
    assert 'data-key="pi-list" title="signed copies awaiting review">3<span' in first
    assert 'data-key="payment-list"' not in first
    second = render(nav_counts={"pis": 0, "payments": 12})
    assert 'data-key="pi-list"' not in second
    assert 'data-key="payment-list" title="payments awaiting review">12<span' in second


def test_no_counts_in_the_context_means_no_badges():
    assert "needs-action" not in render(nav="customers")
    assert "needs-action" not in render(nav_counts={})


def test_who_sees_a_link_is_decided_per_request(monkeypatch):
    admins_only = replace(
        nav.office_links()[-1], key="secret", visible=lambda user: user == "admin"
    )
    monkeypatch.setattr(office_nav, "office_links", lambda: (*nav.office_links(), admins_only))
    monkeypatch.setattr(office_nav, "_rendered", {})
    assert render(user="admin").count("<li ") == len(nav.office_links()) + 1
    assert render(user="clerk").count("<li ") == len(nav.office_links())
    assert render(user="admin").count("<li ") == len(nav.office_links()) + 1


def test_links_follow_the_script_prefix_and_the_language():
    dashboard = reverse("office:dashboard")
    set_script_prefix("/lumytic/")
    try:
        assert f'href="/lumytic{dashboard}"' in render()
    finally:
        set_script_prefix("/")
    assert f'href="{dashboard}"' in render()
    with translation.override("fr"):
        render()
    assert {key[0] for key in office_nav._rendered} >= {"fr", translation.get_language()}


@pytest.mark.django_db
def test_an_office_page_shows_the_sidebar(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    html = client.get(reverse("customers:customer-list")).content.decode()
    assert f'<a href="{reverse("customers:customer-list")}" class="nav-link' in html
    assert 'aria-current="page"><i class="bi bi-building' in html


def test_fixed_urls_are_reversed_per_script_prefix():
    link = Template("{% load fixed_urls %}{% fixed_url 'customers:customer-create' %}")
    path = reverse("customers:customer-create")
    assert link.render(Context()) == path
    set_script_prefix("/lumytic/")
    try:
        assert link.render(Context()) == "/lumytic" + path
    finally:
        set_script_prefix("/")
    assert link.render(Context()) == path


@pytest.mark.django_db
def test_every_badge_count_is_registered_and_all_are_read_in_one_query(django_assert_num_queries):
    keys = {link.count.removeprefix("nav_counts.") for link in nav.office_links() if link.count}
    assert keys == {"inbox", "registrations", "pis", "payments", "cancellations"}
    with django_assert_num_queries(1):
        counts = nav.sidebar_counts()
    assert counts == dict.fromkeys(keys, 0)
