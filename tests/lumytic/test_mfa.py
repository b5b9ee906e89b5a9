"""Two-factor sign-in: required for staff who can confirm payments or manage portal access,
optional for everyone else."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, AdvisorFactory, PortalContactFactory, StaffFactory
from tests.lumytic.helpers import grant, totp_now

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.MFA_REQUIRED = True
    # A code computed just before a 30-second step ends still counts just after it.
    settings.MFA_TOTP_TOLERANCE = 1


def stored_code(user) -> str:
    """The current code of the user's authenticator app, from the secret stored for it."""
    app = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return totp_now(decrypt(app.data["secret"]))


def add_app(user) -> None:
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(SECRET)}
    )


def add_recovery_codes(user) -> list[str]:
    codes = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": encrypt("9f" * 40), "used_mask": 0},
    )
    return codes.wrap().get_unused_codes()


def cashier(**kwargs):
    """A staff member who can confirm payments, so must use a second factor (an advisor by
    role, so no other permission of theirs is in the list)."""
    user = AdvisorFactory(**kwargs)
    grant(user, "sales.confirm_payment")
    return user


def sign_in(client, user, login_url: str = "account_login"):
    return client.post(reverse(login_url), {"login": user.email, "password": PASSWORD})


def confirm_password(client) -> None:
    """Changing the second factor asks for the password again (allauth's re-authentication)."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


# --- Who must use a second factor ----------------------------------------------------------------


def test_required_staff_without_an_authenticator_is_sent_to_set_one_up(client):
    user = cashier()
    response = sign_in(client, user)
    assert response["Location"] == reverse("office:dashboard")

    response = client.get(reverse("office:dashboard"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_index")
    text = page_text(response)
    assert "needs two-factor sign-in" in text
    assert "Set up an authenticator app" in text
    # Deeper pages, POSTs and the admin are closed the same way.
    assert client.get(reverse("customers:customer-list"))["Location"] == reverse("mfa_index")
    assert client.post(reverse("customers:customer-list"))["Location"] == reverse("mfa_index")


def test_required_superuser_is_kept_out_of_the_admin_too(client):
    admin = StaffFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_index")


def test_portal_access_managers_must_use_a_second_factor_too(client):
    user = StaffFactory()
    grant(user, "portal.manage_portal_access")
    sign_in(client, user)
    assert client.get(reverse("office:dashboard"))["Location"] == reverse("mfa_index")


def test_staff_without_the_listed_permissions_is_not_forced(client):
    user = AdvisorFactory(first_name="Rana")
    grant(user, "sales.view_payment")
    sign_in(client, user)
    response = client.get(reverse("office:dashboard"))
    assert response.status_code == 200
    assert "Hello, Rana" in page_text(response)


def test_portal_user_is_not_forced(client):
    contact = PortalContactFactory()
    grant(contact.user, "sales.confirm_payment")  # even a stray permission does not force it
    response = sign_in(client, contact.user, "portal:login")
    assert response["Location"] == reverse("portal:home")
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert contact.customer.name in page_text(response)


def test_nobody_is_forced_when_the_requirement_is_off(client, settings):
    settings.MFA_REQUIRED = False
    user = cashier()
    sign_in(client, user)
    assert client.get(reverse("office:dashboard")).status_code == 200


def test_the_required_permissions_are_a_setting(client, settings):
    settings.MFA_REQUIRED_PERMISSIONS = ["customers.change_customer"]
    user = cashier()
    sign_in(client, user)
    assert client.get(reverse("office:dashboard")).status_code == 200


# --- Signing in with the second factor -----------------------------------------------------------


def test_password_alone_stops_at_the_code_page(client):
    user = cashier()
    add_app(user)

    response = sign_in(client, user)

    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in yet: the back-office sends them back to the sign-in page.
    response = client.get(reverse("office:dashboard"))
    assert response["Location"].startswith(reverse("account_login"))


def test_password_and_a_valid_app_code_reach_the_office(client):
    user = cashier(first_name="Samir")
    add_app(user)
    sign_in(client, user)

    response = client.post(reverse("mfa_authenticate"), {"code": stored_code(user)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("office:dashboard")
    assert "Hello, Samir" in page_text(response)
    assert client.get(reverse("customers:customer-list")).status_code == 200


def test_a_verified_session_costs_no_extra_query(client, settings):
    user = cashier()
    add_app(user)
    sign_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": stored_code(user)})
    client.get(reverse("office:dashboard"))  # warm up per-process caches

    with CaptureQueriesContext(connection) as required:
        assert client.get(reverse("office:dashboard")).status_code == 200
    settings.MFA_REQUIRED = False
    with CaptureQueriesContext(connection) as not_required:
        assert client.get(reverse("office:dashboard")).status_code == 200

    assert len(required) == len(not_required)


def test_a_wrong_code_is_refused_with_a_message(client):
    user = cashier()
    add_app(user)
    sign_in(client, user)
    wrong = f"{(int(stored_code(user)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code" in page_text(response)
    assert not response.wsgi_request.user.is_authenticated


def test_a_session_that_did_not_pass_the_second_factor_cannot_reach_the_office(client):
    """E.g. a session opened before the app was added in another browser."""
    user = cashier()
    add_app(user)
    client.force_login(user)

    response = client.get(reverse("customers:customer-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert client.post(reverse("customers:customer-list")).status_code == 302
    page = client.get(response["Location"])
    assert "Confirm it is you" in page_text(page)

    # A valid code from the app opens it, and takes them where they were going.
    response = client.post(response["Location"], {"code": stored_code(user)})
    assert response["Location"] == reverse("customers:customer-list")
    assert client.get(reverse("customers:customer-list")).status_code == 200


def test_a_session_that_did_not_pass_the_second_factor_cannot_change_it(client, settings):
    """Or it could make itself new recovery codes and pass with one of them."""
    settings.MFA_REQUIRED = False  # holds for everyone who has a second factor
    contact = PortalContactFactory()
    add_app(contact.user)
    client.force_login(contact.user)
    confirm_password(client)

    for url in (reverse("mfa_generate_recovery_codes"), reverse("mfa_deactivate_totp")):
        response = client.post(url)
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not Authenticator.objects.filter(
        user=contact.user, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert Authenticator.objects.filter(user=contact.user, type=Authenticator.Type.TOTP).exists()

    # Once the code is given, the same session may.
    client.post(reverse("mfa_reauthenticate"), {"code": stored_code(contact.user)})
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response["Location"] == reverse("mfa_view_recovery_codes")


def test_a_htmx_request_is_redirected_as_a_whole_page(client):
    user = cashier()
    sign_in(client, user)
    response = client.get(reverse("office:dashboard"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_index")


def test_recovery_codes_work_once(client):
    user = cashier(first_name="Samir")
    add_app(user)
    code = add_recovery_codes(user)[0]

    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("office:dashboard")
    assert "Hello, Samir" in page_text(response)

    client.post(reverse("account_logout"))
    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in page_text(response)
    assert client.get(reverse("office:dashboard"))["Location"].startswith(reverse("account_login"))


def test_a_portal_user_who_opts_in_is_asked_for_a_code(client):
    contact = PortalContactFactory()
    add_app(contact.user)
    response = sign_in(client, contact.user, "portal:login")
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(
        reverse("mfa_authenticate"), {"code": stored_code(contact.user)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:home")


# --- Setting it up -------------------------------------------------------------------------------


# A real commit: allauth announces the new app on commit, inside the request, and that is
# what marks the session as having passed the second factor.
@pytest.mark.django_db(transaction=True)
def test_setting_up_the_app_opens_the_office_and_gives_recovery_codes(client):
    user = cashier()
    sign_in(client, user)
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in page_text(page)  # shown for typing in when the QR code can't be scanned

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert "10 of 10 recovery codes left" in page_text(codes)
    shown = BeautifulSoup(codes.content, "html.parser").select("[data-testid=recovery-codes] li")
    assert len(shown) == 10
    assert client.get(reverse("office:dashboard")).status_code == 200


def test_a_wrong_setup_code_adds_nothing(client):
    user = cashier()
    sign_in(client, user)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(reverse("mfa_activate_totp"), {"code": "000000x"})
    assert response.status_code == 200
    assert "Incorrect code" in page_text(response)
    assert not Authenticator.objects.filter(user=user).exists()


def test_required_staff_cannot_remove_their_only_app(client):
    user = cashier()
    add_app(user)
    sign_in(client, user)
    client.post(reverse("mfa_authenticate"), {"code": stored_code(user)})
    confirm_password(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "cannot deactivate" in page_text(response)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_a_portal_user_can_turn_the_app_off_again(client):
    contact = PortalContactFactory()
    add_app(contact.user)
    sign_in(client, contact.user, "portal:login")
    client.post(reverse("mfa_authenticate"), {"code": stored_code(contact.user)})
    confirm_password(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=contact.user).exists()


# --- Where to find it ----------------------------------------------------------------------------


def test_the_office_user_menu_links_to_two_factor_sign_in(client, settings):
    settings.MFA_REQUIRED = False
    client.force_login(StaffFactory())
    soup = BeautifulSoup(client.get(reverse("office:dashboard")).content, "html.parser")
    link = soup.find("a", href=reverse("mfa_index"))
    assert link is not None
    assert "Two-factor sign-in" in link.get_text()


def test_the_portal_profile_links_to_two_factor_sign_in(client):
    contact = PortalContactFactory()
    client.force_login(contact.user)
    soup = BeautifulSoup(client.get(reverse("portal:profile")).content, "html.parser")
    assert any(
        "Two-factor sign-in" in a.get_text() for a in soup.find_all("a", href=reverse("mfa_index"))
    )


def test_the_two_factor_page_says_what_is_set_up(client):
    contact = PortalContactFactory()
    add_app(contact.user)
    add_recovery_codes(contact.user)
    sign_in(client, contact.user, "portal:login")
    client.post(reverse("mfa_authenticate"), {"code": stored_code(contact.user)})

    text = page_text(client.get(reverse("mfa_index")))

    assert "Authenticator app On" in text
    assert "10 of 10 recovery codes left" in text
    assert "Back to the portal" in text
