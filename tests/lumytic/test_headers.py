"""Every page carries a strict Content-Security-Policy and a Permissions-Policy, and nothing a
signed-in user receives may be stored by a cache."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from lumytic.core.middleware import permissions_policy_header
from portal.models import Area
from tests.factories import CustomerFactory, PortalContactFactory, StaffFactory
from tests.portal.factories import PDF, RegistrationFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict_csp(response) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["style-src"] == ["'self'"]  # no <style> element outside static files
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]


def assert_features_off(response) -> None:
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert features[feature] == "()", feature


def assert_kept_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def assert_strict_and_never_stored(response) -> None:
    """A signed-in page: the strict policy, features off, the kept headers, and no caching."""
    assert_strict_csp(response)
    assert_features_off(response)
    assert_kept_headers(response)
    assert {"no-store", "private"} <= cache_control(response)


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def portal_client(client):
    contact = PortalContactFactory(customer__name="Acme Trading", areas=Area.values)
    client.force_login(contact.user)
    return client


def test_an_office_page_is_strict_and_never_stored(client):
    CustomerFactory(name="Falcon Logistics")
    client.force_login(StaffFactory())

    response = client.get(reverse("customers:customer-list"))

    assert response.status_code == 200 and "Falcon Logistics" in response.content.decode()
    assert_strict_and_never_stored(response)


def test_a_portal_page_is_strict_and_never_stored(portal_client):
    response = portal_client.get(reverse("portal:home"))

    assert response.status_code == 200 and "Acme Trading" in response.content.decode()
    assert_strict_and_never_stored(response)


def test_an_htmx_fragment_for_a_signed_in_user_is_never_stored(client):
    customer = CustomerFactory()
    client.force_login(StaffFactory())

    response = client.get(
        reverse("customers:customer-notes", args=[customer.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "no-store" in cache_control(response)


def test_the_sign_in_page_is_strict_for_an_anonymous_visitor(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    assert_strict_csp(response)
    assert_features_off(response)
    assert_kept_headers(response)


def test_a_public_page_for_an_anonymous_visitor_is_not_marked_no_store(client):
    """no-store is about the signed-in user's data: the public signup page may be cached."""
    response = client.get(reverse("portal:signup"))

    assert response.status_code == 200
    assert_strict_csp(response)
    assert "no-store" not in cache_control(response)


def test_an_office_csv_download_is_never_stored(client):
    CustomerFactory(name="Falcon Logistics")
    client.force_login(StaffFactory())

    response = client.get(reverse("customers:customer-export"))

    assert response.status_code == 200
    assert "Falcon Logistics" in b"".join(response.streaming_content).decode("utf-8-sig")
    assert {"no-store", "private"} <= cache_control(response)
    assert_features_off(response)


def test_a_portal_statement_download_is_never_stored(portal_client):
    response = portal_client.get(reverse("portal:statements"), {"download": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert {"no-store", "private"} <= cache_control(response)


@pytest.mark.usefixtures("_media")
def test_a_stored_file_keeps_its_own_sandbox_policy(client):
    """The site policy does not replace the stricter one a stored upload is served with."""
    registration = RegistrationFactory()
    client.force_login(StaffFactory())

    response = client.get(reverse("portal_office:registration-cr-file", args=[registration.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert {"no-store", "private"} <= cache_control(response)
    assert_features_off(response)


def test_after_signing_out_pages_are_no_longer_marked_no_store(client):
    user = StaffFactory()
    client.force_login(user)
    client.post(reverse("account_logout"))

    response = client.get(reverse("portal:signup"))

    assert "no-store" not in cache_control(response)


def test_the_permissions_policy_is_spelled_as_the_header_wants():
    header = permissions_policy_header({"camera": [], "fullscreen": ["self"]})
    assert header == "camera=(), fullscreen=(self)"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_carries_inline_script(template):
    """The CSP would block it: behaviour lives in static/js, data in data-* or json_script."""
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_HANDLER.search(text)
    assert "javascript:" not in text.lower()
    assert "hx-on" not in text  # htmx would need eval for these
