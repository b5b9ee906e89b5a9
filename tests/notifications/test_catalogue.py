import pytest

from notifications.catalogue import CATALOGUE, PORTAL, SALES, event_choices, get_email_type

DESIGN_KEYS = {
    "currency_rates": SALES,
    "currency_rates_failed": SALES,
    "registration_received": PORTAL,
    "registration_welcome": PORTAL,
    "registration_approved": PORTAL,
    "registration_rejected": PORTAL,
    "portal_account_created": PORTAL,
    "portal_password_link": PORTAL,
    "password_reset": PORTAL,
    "password_reset_unknown": PORTAL,
    "portal_invitation": PORTAL,
    "order_new": PORTAL,
    "order_from_quotation": SALES,
    "quotation_sent": SALES,
    "order_confirmed": PORTAL,
    "order_updated": PORTAL,
    "order_cancelled": PORTAL,
    "pi_sent": SALES,
    "pi_signed": PORTAL,
    "pi_signed_approved": SALES,
    "pi_signed_rejected": PORTAL,
    "memo_sent": SALES,
    "memo_signed": PORTAL,
    "memo_signed_rejected": PORTAL,
    "payment_uploaded": PORTAL,
    "payment_confirmed": SALES,
    "payment_rejected": PORTAL,
    "cancellation_new": PORTAL,
    "cancellation_confirmed": SALES,
    "cancellation_refused": SALES,
    "cancellation_signed": PORTAL,
    "cancellation_signed_rejected": PORTAL,
    "cancellation_completed": SALES,
    "reminder_due": SALES,
    "message_received": PORTAL,
}


def test_catalogue_holds_every_designed_email_and_the_smtp_test():
    # the 25 of DESIGN.md §5, the rates-failure alert, the signed-PI, signed-memo, payment and
    # signed-cancellation rejections, the refused cancellation request, and the staff-made portal
    # account and set-password link (kept apart from an approved registration), and allauth's
    # password reset and its unknown-address answer (sent through the outbox like the rest)
    assert len(DESIGN_KEYS) == 35
    assert set(CATALOGUE) == set(DESIGN_KEYS) | {"smtp_test"}


@pytest.mark.parametrize(("key", "sender"), sorted(DESIGN_KEYS.items()))
def test_each_email_comes_from_the_sender_named_in_the_seed(key, sender):
    email_type = get_email_type(key)
    assert email_type.key == key
    assert email_type.sender == sender
    assert str(email_type.subject).strip()
    assert str(email_type.intro).strip()


def test_seed_button_labels_are_kept():
    assert str(CATALOGUE["currency_rates"].button) == "Currency Exchange Details Request"
    assert str(CATALOGUE["currency_rates_failed"].button) == "Open Currency Exchange"
    assert str(CATALOGUE["registration_approved"].button) == "Sign In"
    assert str(CATALOGUE["portal_account_created"].button) == "Sign In"
    assert str(CATALOGUE["order_new"].button) == "Order Details"
    assert str(CATALOGUE["memo_signed"].button) == "PI Details"
    assert str(CATALOGUE["payment_uploaded"].button) == "PI Details"


def test_welcome_and_rejection_have_no_button():
    assert CATALOGUE["registration_welcome"].button is None
    assert CATALOGUE["registration_rejected"].button is None


def test_placeholders_name_the_context_a_caller_must_pass():
    assert CATALOGUE["pi_sent"].placeholders == {"pi", "order"}
    assert CATALOGUE["smtp_test"].placeholders == set()


def test_the_on_behalf_intro_is_used_only_when_the_context_names_the_staff_member():
    order_new = CATALOGUE["order_new"]
    assert order_new.intro_for({"order": "SO-1"}) is order_new.intro
    assert order_new.intro_for({"entered_by": "Lina Haddad"}) is order_new.on_behalf_intro
    assert CATALOGUE["pi_sent"].intro_for({"entered_by": "Lina"}) is CATALOGUE["pi_sent"].intro


def test_unknown_key_is_a_value_error():
    with pytest.raises(ValueError, match="order_shipped"):
        get_email_type("order_shipped")


def test_event_choices_list_every_key_once():
    keys = [key for key, _label in event_choices()]
    assert sorted(keys) == sorted(CATALOGUE)
