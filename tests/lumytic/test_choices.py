"""Status labels read through the Status enum say exactly what Django's generic
`get_FOO_display` says, in every language, for every model that opts in."""

import pytest
from django.apps import apps
from django.utils import translation

from lumytic.core.choices import status_display

OPTED_IN = [
    model
    for model in apps.get_models()
    if model.__dict__.get("get_status_display") is status_display
]


def test_the_models_shown_in_lists_opt_in():
    names = {model._meta.label for model in OPTED_IN}
    assert {
        "sales.Quotation",
        "sales.Order",
        "sales.ProformaInvoice",
        "sales.Memo",
        "sales.SignedDocument",
        "sales.Payment",
        "sales.Cancellation",
        "sales.SignedCancellation",
    } <= names


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("model", OPTED_IN, ids=lambda model: model._meta.label)
def test_each_label_matches_djangos_own(model, language):
    field = model._meta.get_field("status")
    with translation.override(language):
        for value, _label in field.flatchoices:
            instance = model(status=value)
            assert status_display(instance) == model._get_FIELD_display(instance, field)
        stale = model(status="no-longer-a-choice")
        assert status_display(stale) == model._get_FIELD_display(stale, field)


def test_the_label_is_a_plain_string_like_djangos():
    model = OPTED_IN[0]
    assert type(status_display(model(status=model.Status.values[0]))) is str
