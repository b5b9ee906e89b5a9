"""Plain builders shared by the sales tests: upload files, products, order lines, a sent PI,
payments, credits, and readers of an order's emails, status, activity and PDF text."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from customers.models import ActivityEntry
from customers.services import add_credit
from notifications.models import OutboundEmail
from sales.models import Currency, Order, Product, ProformaInvoice
from sales.services.customer_rates import add_customer_rate
from sales.services.invoicing import issue_pi
from sales.services.orders import confirm_order, create_order
from sales.services.payments import upload_payment
from tests.factories import StaffFactory

BILLING = {"first_name": "Omar", "last_name": "Khalil", "city": "Dubai", "country": "AE"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate
CANCELLATION_REASON = "The project was cancelled by our client."


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(content: bytes = PDF, name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def proof(content: bytes = PDF, name: str = "swift.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_product(sku="W-1", name="Widget", price="10.00", currency="USD", tax="5", active=True):
    return Product.objects.create(
        sku=sku, name=name, unit_price=Decimal(price), currency=currency, tax_rate=Decimal(tax),
        is_active=active,
    )  # fmt: skip


def customer_rate(customer, code: str, rate: str, start, end=None, by=None):
    """`customer`'s own rate for currency `code` from `start` (to `end`; open when None)."""
    return add_customer_rate(
        customer=customer,
        by=by,
        currency=Currency.objects.get(code=code),
        rate=Decimal(rate),
        valid_from=start,
        valid_until=end,
    )


def html_of(response) -> str:
    return response.content.decode()


def line(description="Widget", quantity="2", price="10.00", tax="5", discount="0"):
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "discount_percent": Decimal(discount),
        "tax_rate": Decimal(tax),
    }


def place(customer, *, lines=None, by=None, **kwargs) -> Order:
    return create_order(customer=customer, by=by, lines=lines or [line()], **kwargs)


def approved_pi(customer, placed_by, owner, total="1000.00", status=Order.Status.PI_APPROVED):
    """A sent PI for `total` USD whose order is at `status` (earlier steps have their tests)."""
    order = create_order(
        customer=customer,
        by=placed_by,
        placed_by=placed_by,
        lines=[{"description": "Machine", "quantity": Decimal("1"), "unit_price": Decimal(total)}],
    )
    order = confirm_order(order=order, by=placed_by, billing=BILLING)
    Order.objects.filter(pk=order.pk).update(owner=owner)
    pi = issue_pi(order=order, by=owner)
    ProformaInvoice.objects.filter(pk=pi.pk).update(status=ProformaInvoice.Status.SENT)
    Order.objects.filter(pk=order.pk).update(status=status)
    return ProformaInvoice.objects.select_related("order").get(pk=pi.pk)


def pay(pi, by, amount, **extra):
    values = {"paid_on": TODAY(), "bank_reference": "FT26001", "file": proof()} | extra
    return upload_payment(pi=pi, by=by, amount=Decimal(amount), **values)


def credit(customer, amount, currency="USD", reason="Returned goods", by=None):
    """A credit for `customer`, given by `by` (a staff member who may, unless named)."""
    return add_credit(
        customer=customer,
        by=by or StaffFactory(),
        amount=Decimal(amount),
        currency=currency,
        reason=reason,
    )


def emails(event: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(event=event).order_by("pk"))


def status_of(order) -> str:
    return Order.objects.values_list("status", flat=True).get(pk=order.pk)


def verbs(order) -> list[str]:
    return list(
        ActivityEntry.objects.filter(target_id=str(order.pk))
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def pi_status(pi) -> str:
    """The status of the PI's order."""
    return Order.objects.values_list("status", flat=True).get(pk=pi.order_id)


def pi_verbs(pi) -> list[str]:
    """The activity verbs of the PI's order, on its customer's timeline."""
    return list(
        ActivityEntry.objects.filter(target_id=pi.order_id, customer=pi.order.customer_id)
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
