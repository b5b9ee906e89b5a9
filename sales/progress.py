"""Where an order is in the workflow and who must do what next, worded for each side.

One table serves the office and the portal order pages, so both always name the same step and
the same party; only the sentence differs ("Upload the signed PI" for the customer, "Waiting for
the customer's signed PI" for staff).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Order

S = Order.Status

# The steps drawn on the bar, each with the statuses in which it is the current one.
STEPS: list[tuple[str, Promise, set[str]]] = [
    ("placed", _("Order placed"), {S.DRAFT, S.SUBMITTED}),
    ("confirmed", _("Confirmed"), {S.CONFIRMED}),
    ("pi", _("Proforma invoice"), {S.PI_SENT, S.PI_SIGNED}),
    ("payment", _("Payment"), {S.PI_APPROVED, S.MEMO_SENT, S.MEMO_SIGNED, S.PAYMENT_UPLOADED}),
    ("paid", _("Paid"), {S.PAID}),
]

CUSTOMER, SALES = "customer", "sales"

# status -> (who acts next, what the customer reads, what staff read)
NEXT: dict[str, tuple[str | None, Promise, Promise]] = {
    S.DRAFT: (
        CUSTOMER,
        _("Add products to your cart, then submit the order."),
        _("The customer is still building this order in the portal."),
    ),
    S.SUBMITTED: (
        CUSTOMER,
        _("Confirm the order with your billing and shipping details."),
        _("Waiting for the customer to confirm with billing and shipping, or confirm it for them."),
    ),
    S.CONFIRMED: (
        SALES,
        _("Our sales team is preparing your proforma invoice (PI)."),
        _("Issue the proforma invoice and send it to the customer."),
    ),
    S.PI_SENT: (
        CUSTOMER,
        _("Download the proforma invoice, sign it and upload the signed copy."),
        _("Waiting for the customer to upload the signed proforma invoice."),
    ),
    S.PI_SIGNED: (
        SALES,
        _("Our sales team is checking your signed proforma invoice."),
        _("Review the signed proforma invoice: approve it, or reject it with a reason."),
    ),
    S.PI_APPROVED: (
        CUSTOMER,
        _("Transfer the amount due and upload the payment proof (SWIFT)."),
        _("Waiting for the customer's payment proof; send a memo if the PI needs amending."),
    ),
    S.MEMO_SENT: (
        CUSTOMER,
        _("Upload the signed memo, then the payment proof."),
        _("Waiting for the customer to upload the signed memo."),
    ),
    S.MEMO_SIGNED: (
        CUSTOMER,
        _("Transfer the amount due and upload the payment proof (SWIFT)."),
        _("Waiting for the customer's payment proof; check the signed memo if it waits."),
    ),
    S.PAYMENT_UPLOADED: (
        SALES,
        _("Our sales team is checking your payment proof."),
        _("Check the payment proof: confirm it, or reject it with a reason."),
    ),
    S.PAID: (None, _("Paid in full. Thank you!"), _("Paid in full; nothing is left to do.")),
    S.CANCELLED: (None, _("This order is cancelled."), _("This order is cancelled.")),
}

WHO = {CUSTOMER: _("Your turn"), SALES: _("Sales team")}
WHO_OFFICE = {CUSTOMER: _("Customer"), SALES: _("Your team")}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Progress:
    steps: list[Step]
    actor: str | None  # CUSTOMER, SALES, or None when nobody has anything to do
    actor_label: str
    action: str
    cancelled: bool


def order_progress(status: str, *, side: str) -> Progress:
    """The bar for an order in ``status`` as seen from ``side`` ("portal" or "office")."""
    actor, for_customer, for_staff = NEXT[status]
    current = next((i for i, (_key, _label, now) in enumerate(STEPS) if status in now), None)
    steps = []
    for index, (key, label, _now) in enumerate(STEPS):
        if current is None:
            state = "todo"
        elif index < current or status == S.PAID:
            state = "done"
        else:
            state = "current" if index == current else "todo"
        steps.append(Step(key=key, label=str(label), state=state))
    labels = WHO if side == "portal" else WHO_OFFICE
    return Progress(
        steps=steps,
        actor=actor,
        actor_label=str(labels[actor]) if actor else "",
        action=str(for_customer if side == "portal" else for_staff),
        cancelled=status == S.CANCELLED,
    )


def next_step_context(order: Order) -> dict[str, Promise]:
    """The next step of an order for an email's first line, per side (the email template
    picks the recipient's). Read fresh, as the step that sends the email has just moved it;
    left lazy, so each recipient reads it in their own language."""
    status = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    _actor, for_customer, for_staff = NEXT[status or order.status]
    return {"next_step_portal": for_customer, "next_step_office": for_staff}
