"""An address that only takes a form, opened with a GET (a reload after a refused form, the
history), leads to the page above it instead of a blank 405."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lumytic.core.middleware import page_above
from portal.models import Area
from tests.factories import StaffFactory
from tests.portal.helpers import acme_buyer, post_payment
from tests.sales.helpers import approved_pi

pytestmark = pytest.mark.django_db


def _post_only_paths():
    """(name, sample path) of every class-based view under /office/ and /portal/ that takes
    POST only, with each id in its address set to 1."""

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class is not None and view_class.http_method_names == ["post"]:
                    yield f"{namespace}:{pattern.name}", pattern

    for name, pattern in walk(get_resolver().url_patterns, "", ""):
        kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, 1)
        path = reverse(name, kwargs=kwargs)
        if path.startswith(("/office/", "/portal/")):
            yield name, path


def test_every_form_only_address_has_a_page_above_it():
    paths = dict(_post_only_paths())
    assert len(paths) > 30  # the walk found them: offices and portal forms alike
    missing = {name: path for name, path in paths.items() if page_above(path) is None}
    assert missing == {}


def test_reloading_a_refused_payment_proof_leads_to_the_invoices(client, usd_site):
    owner = StaffFactory(email="owner@lumytic.test")
    contact = acme_buyer(owner, [Area.ORDERS, Area.INVOICES])
    client.force_login(contact.user)
    pi = approved_pi(contact.customer, contact.user, owner)

    refused = post_payment(client, pi, amount="0")
    assert refused.status_code == 400

    reloaded = client.get(reverse("portal:payment-upload", args=[pi.pk]), follow=True)

    assert reloaded.redirect_chain == [(reverse("portal:invoices"), 302)]
    page = reloaded.content.decode()
    assert "That address only takes a form; here is its page." in page
    assert pi.number in page


def test_an_office_form_address_opened_with_get_leads_to_its_list(client):
    client.force_login(StaffFactory())
    response = client.get("/office/outbox/test/")
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:outbox-list")
