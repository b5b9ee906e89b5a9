"""Orders: the only place an order's status or lines change (DESIGN.md §4).

Each step locks the order, checks the transition table on the model, writes the order's
timeline entry and queues its emails, all in one transaction.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import ADDRESS_PARTS, Customer, address_text
from customers.services import record_activity
from lumytic.accounts import roles
from lumytic.core.access import require_office_perm, require_perm
from lumytic.core.pages import side_links
from lumytic.core.services import allocate_number
from lumytic.core.validation import MAX_QUANTITY, amount_limit_text
from lumytic.core.workflow import StepRefused, require_step
from notifications.services import notify

from ..models import Order, OrderLine, Product, Quotation
from ..progress import next_step_context
from ..totals import money_text, quantize
from .currency import ExchangeError, base_currency, convert
from .lines import replace_lines
from .recipients import advisor_recipients, customer_recipients, owner_recipients

LINE_FIELDS = ("product", "description", "quantity", "unit_price", "discount_percent", "tax_rate")


class OrderError(StepRefused):
    """An order change the rules refuse; the message is for the user."""


# --- Helpers -------------------------------------------------------------------------------------


def lock_order(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("customer").get(pk=order.pk)


def move_order(order: Order, status: str, *, by, verb: str, details: dict | None = None) -> None:
    """Change the status after checking the table, and record it on the order's timeline."""
    require_step(order, status)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    record_activity(actor=by, verb=verb, target=order, customer=order.customer, details=details)


def order_links(order: Order) -> dict[str, str]:
    return side_links(reverse("sales:order-detail", args=[order.pk]), "customer-order", order.pk)


def _notify(event: str, order: Order, *, recipients, rows=(), context: dict | None = None) -> None:
    """Queue an order step's email: the order number in the text and the first detail row
    (then `rows`), the order pages as buttons."""
    notify(
        event,
        recipients=recipients,
        context={"order": order.number, **(context or {})},
        details=[(_("Order"), order.number), *rows],
        links=order_links(order),
    )


def _entered_by(by) -> dict[str, str]:
    """Name the staff member who entered an order for the customer, for the email's intro."""
    if getattr(by, "role", "") != "staff":
        return {}
    return {"entered_by": by.get_full_name() or by.email}


def _clean_lines(lines: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    for line in lines:
        unknown = set(line) - set(LINE_FIELDS)
        if unknown:
            raise TypeError(f"Not a line field: {', '.join(sorted(unknown))}")
        quantity = Decimal(line["quantity"])
        if quantity <= 0:
            raise OrderError(_("Each line needs a quantity above zero."))
        if quantity > MAX_QUANTITY:
            raise OrderTooLarge(
                _("A line's quantity can be at most %(max)s.") % {"max": f"{MAX_QUANTITY:,}"}
            )
        if Decimal(line.get("unit_price", 0)) < 0:
            raise OrderError(_("A price cannot be negative."))
        cleaned.append(line)
    if not cleaned:
        raise OrderError(_("An order needs at least one line."))
    return cleaned


class OrderTooLarge(OrderError):
    """A quantity or an amount beyond what an order line can hold: bad input, not a state."""


def too_large_message(currency: str) -> str:
    return _(
        "A line or the order total would be above %(limit)s, the most an order can hold; "
        "order smaller quantities."
    ) % {"limit": amount_limit_text(currency)}


def _write_lines(order: Order, lines: list[dict[str, Any]]) -> None:
    """Replace the order's lines and store the totals computed from them."""
    rows = [
        OrderLine(
            order=order,
            position=index,
            product=line.get("product"),
            description=line.get("description") or str(line.get("product") or ""),
            quantity=Decimal(line["quantity"]),
            unit_price=Decimal(line.get("unit_price", 0)),
            discount_percent=Decimal(line.get("discount_percent", 0)),
            tax_rate=Decimal(line.get("tax_rate", 0)),
        )
        for index, line in enumerate(lines)
    ]
    replace_lines(order, rows, error=OrderTooLarge, too_large=too_large_message(order.currency))


def _line_snapshot(order: Order) -> list[str]:
    return [f"{line.quantity.normalize():f} × {line.description}" for line in order.lines.all()]


# --- Pricing from the catalogue ------------------------------------------------------------------


def catalogue_line(
    *, product: Product, quantity: Decimal, customer: Customer, currency: str, on: date
) -> dict[str, Any]:
    """A line for a catalogue product: its price in the order's currency, the customer's discount.

    A product priced in another currency is converted at the customer's rate for the day.
    """
    price = product.unit_price
    if product.currency != currency:
        try:
            price = convert(
                amount=price,
                from_currency=product.currency,
                to_currency=currency,
                on=on,
                customer=customer,
            ).amount
        except ExchangeError as error:
            raise OrderError(str(error)) from error
    price = quantize(price, currency)  # stored with three places; shown with the currency's
    discount = (
        customer.discount_value
        if customer.discount_type == Customer.DiscountType.PERCENT
        else Decimal("0")
    )
    return {
        "product": product,
        "description": product.name,
        "quantity": Decimal(quantity),
        "unit_price": price,
        "discount_percent": discount,
        "tax_rate": product.tax_rate,
    }


# --- Steps ---------------------------------------------------------------------------------------


@transaction.atomic
def create_order(
    *,
    customer: Customer,
    by,
    lines: Iterable[dict[str, Any]],
    currency: str = "",
    owner=None,
    placed_by=None,
    notes: str = "",
    customer_reference: str = "",
    submit: bool = True,
) -> Order:
    """Create an order (a draft cart, or submitted at once) with its lines and totals."""
    require_office_perm(by, roles.CHANGE_ORDER)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.is_active:
        raise OrderError(_("%(name)s is inactive; it cannot order.") % {"name": customer.name})
    order = Order.objects.create(
        customer=customer,
        currency=currency or customer.default_currency,
        owner=owner or customer.advisor,
        placed_by=placed_by,
        notes=notes,
        customer_reference=customer_reference,
    )
    _write_lines(order, _clean_lines(lines))
    record_activity(actor=by, verb="order created", target=order, customer=customer)
    if submit:
        submit_order(order=order, by=by)
        order.refresh_from_db()
    return order


@transaction.atomic
def submit_order(*, order: Order, by) -> Order:
    """Send a draft order to the sales team (`order_new` to the customer advisor)."""
    require_office_perm(by, roles.CHANGE_ORDER)
    order = lock_order(order)
    require_step(order, Order.Status.SUBMITTED)
    if not order.lines.exists():
        raise OrderError(_("Add at least one line before submitting."))
    if order.number is None:
        order.number = allocate_number(kind="SO")
    order.submitted_at = timezone.now()
    order.save(update_fields=["number", "submitted_at", "updated_at"])
    move_order(order, Order.Status.SUBMITTED, by=by, verb="order submitted")
    _notify(
        "order_new",
        order,
        recipients=advisor_recipients(order),
        rows=[
            (_("Agent company"), order.customer.name),
            (_("Total"), money_text(order.total, order.currency)),
        ],
        context={"company": order.customer.name, **_entered_by(by), **next_step_context(order)},
    )
    return order


@transaction.atomic
def create_order_from_quotation(*, quotation: Quotation, by) -> Order:
    """The order a customer places by accepting a quotation (`order_from_quotation`)."""
    require_office_perm(by, roles.CHANGE_ORDER)
    order = create_order(
        customer=quotation.customer,
        by=by,
        lines=line_values(quotation.lines.all()),
        currency=quotation.currency,
        placed_by=by if getattr(by, "role", "") == "portal" else None,
        submit=False,
    )
    order.source_quotation = quotation
    order.number = allocate_number(kind="SO")
    order.submitted_at = timezone.now()
    order.save(update_fields=["source_quotation", "number", "submitted_at", "updated_at"])
    move_order(
        order,
        Order.Status.SUBMITTED,
        by=by,
        verb="order placed from quotation",
        details={"quotation": quotation.number},
    )
    _notify(
        "order_from_quotation",
        order,
        recipients=advisor_recipients(order),
        rows=[
            (_("Quotation"), quotation.number),
            (_("Agent company"), order.customer.name),
        ],
        context={"quotation": quotation.number, "company": order.customer.name, **_entered_by(by)},
    )
    return order


@transaction.atomic
def update_order(
    *,
    order: Order,
    by,
    lines: Iterable[dict[str, Any]],
    notes: str | None = None,
    customer_reference: str | None = None,
) -> Order:
    """Change an order's lines before it is confirmed (`order_updated` once submitted)."""
    require_office_perm(by, roles.CHANGE_ORDER)
    order = lock_order(order)
    if not order.is_open:
        raise OrderError(
            _("Order %(order)s is confirmed; changes now go through a cancellation order.")
            % {"order": order}
        )
    before = _line_snapshot(order)
    if notes is not None:
        order.notes = notes
    if customer_reference is not None:
        order.customer_reference = customer_reference
    order.save(update_fields=["notes", "customer_reference", "updated_at"])
    _write_lines(order, _clean_lines(lines))
    after = _line_snapshot(order)
    record_activity(
        actor=by,
        verb="order updated",
        target=order,
        customer=order.customer,
        details={
            **({"lines": ["; ".join(before), "; ".join(after)]} if before != after else {}),
            **({"for": order.customer.name} if _entered_by(by) else {}),
        },
    )
    if order.status == Order.Status.SUBMITTED:
        _notify(
            "order_updated",
            order,
            recipients=[*customer_recipients(order), *owner_recipients(order)],
            rows=[(_("Total"), money_text(order.total, order.currency))],
            context={"company": order.customer.name, **_entered_by(by)},
        )
    return order


def line_values(lines: Iterable[OrderLine]) -> list[dict[str, Any]]:
    """An order's lines as the services take them, keeping the prices they were added at."""
    return [{name: getattr(line, name) for name in LINE_FIELDS} for line in lines]


@transaction.atomic
def confirm_order(
    *,
    order: Order,
    by,
    billing: dict[str, str],
    shipping: dict[str, str] | None = None,
    on: date | None = None,
) -> Order:
    """Confirm a submitted order with its billing and shipping details; fix the rate used.

    `shipping=None` means "same as billing". Totals and the base-currency rate are frozen here.
    """
    require_office_perm(by, roles.CHANGE_ORDER)
    order = lock_order(order)
    require_step(order, Order.Status.CONFIRMED)
    on = on or timezone.localdate()
    shipping = billing if shipping is None else shipping
    for kind, values in (("billing", billing), ("shipping", shipping)):
        for part in ADDRESS_PARTS:
            setattr(order, f"{kind}_{part}", str(values.get(part, "") or ""))
    base = base_currency()
    try:
        conversion = convert(
            amount=order.total,
            from_currency=order.currency,
            to_currency=base,
            on=on,
            customer=order.customer,
        )
    except ExchangeError as error:
        raise OrderError(
            _(
                "There is no exchange rate for %(currency)s on %(day)s yet, so the order can't "
                "be confirmed. Please try again later."
            )
            % {"currency": order.currency, "day": on}
        ) from error
    order.base_currency = base
    order.exchange_rate = conversion.rate
    order.rate_source = conversion.source
    # The day of the rate actually used (a daily rate may be from an earlier day).
    order.rate_date = min((quote.date for quote in conversion.quotes), default=on)
    order.total_base = conversion.amount
    order.confirmed_at = timezone.now()
    order.save()
    on_behalf = {"for": order.customer.name} if _entered_by(by) else {}
    move_order(
        order,
        Order.Status.CONFIRMED,
        by=by,
        verb="order confirmed",
        details={"rate": f"{conversion.rate:f} ({conversion.source})", **on_behalf},
    )
    billing_text = address_text(order.address_values("billing"))
    shipping_text = address_text(order.address_values("shipping"))
    _notify(
        "order_confirmed",
        order,
        recipients=[*customer_recipients(order), *owner_recipients(order)],
        rows=[
            (_("Billing"), billing_text or "—"),
            (_("Shipping"), shipping_text or "—"),
            (_("Total"), money_text(order.total, order.currency)),
        ],
        # Staff confirming for the customer are named in the first line (catalogue).
        context={"company": order.customer.name, **_entered_by(by), **next_step_context(order)},
    )
    return order


@transaction.atomic
def cancel_order(*, order: Order, by, reason: str = "") -> Order:
    """Cancel an order that is not yet confirmed (`order_cancelled`)."""
    require_office_perm(by, roles.CHANGE_ORDER)
    order = lock_order(order)
    if not order.is_open:
        raise OrderError(
            _("Order %(order)s is confirmed; it can only be cancelled by a cancellation order.")
            % {"order": order}
        )
    order.cancelled_at = timezone.now()
    order.cancel_reason = reason.strip()
    order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    was_submitted = order.status == Order.Status.SUBMITTED
    move_order(
        order,
        Order.Status.CANCELLED,
        by=by,
        verb="order cancelled",
        details={"reason": order.cancel_reason} if order.cancel_reason else {},
    )
    if was_submitted:
        _notify(
            "order_cancelled",
            order,
            recipients=[*customer_recipients(order), *owner_recipients(order)],
            rows=[(_("Reason"), order.cancel_reason or "—")],
        )
    return order


@transaction.atomic
def assign_owner(*, order: Order, by, owner) -> Order:
    """Make a staff member responsible for an order."""
    require_perm(by, roles.CHANGE_ORDER)
    order = lock_order(order)
    if owner is not None and (getattr(owner, "role", "") != "staff" or not owner.is_active):
        raise OrderError(_("The owner must be an active staff member."))
    if order.owner_id != getattr(owner, "pk", None):
        old = str(order.owner or "—")
        order.owner = owner
        order.save(update_fields=["owner", "updated_at"])
        record_activity(
            actor=by,
            verb="owner changed",
            target=order,
            customer=order.customer,
            details={"owner": [old, str(owner or "—")]},
        )
    return order
