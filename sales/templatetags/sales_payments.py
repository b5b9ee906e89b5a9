"""`{% pi_payments pi as money %}`: a PI's payments, applied credits and amounts for its section.

The PI's amounts and state are its `ProformaInvoice.objects.with_amounts()` annotations, as on
every other page. A fixed number of queries per PI (an order has one PI): payments, applied
credits and, for the back-office, the customer's credits still available in the PI's currency.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce

from customers.models import Credit
from sales.models import CreditApplication, Payment

register = template.Library()


@dataclass
class PiMoney:
    payments: list
    applications: list
    pending: int
    credits: list = field(default_factory=list)


@register.simple_tag
def pi_payments(pi, with_credits: bool = False) -> PiMoney:
    payments = list(Payment.objects.filter(pi=pi).select_related("uploaded_by", "decided_by", "pi"))
    applications = list(
        CreditApplication.objects.filter(pi=pi).select_related("credit", "applied_by")
    )
    balance = getattr(pi, "balance", None)
    for payment in payments:
        # What confirming a pending payment would pay beyond the PI: the page asks what to do.
        pending = payment.status == Payment.Status.PENDING and balance is not None
        payment.extra = max(payment.amount - balance, Decimal(0)) if pending else Decimal(0)
    money = PiMoney(
        payments=payments,
        applications=applications,
        pending=sum(1 for p in payments if p.status == Payment.Status.PENDING),
    )
    if with_credits:
        zero = Value(Decimal(0), output_field=DecimalField(max_digits=17, decimal_places=3))
        money.credits = list(
            Credit.objects.filter(customer_id=pi.order.customer_id, currency=pi.currency)
            .annotate(remaining=F("amount") - Coalesce(Sum("applications__amount"), zero))
            .filter(remaining__gt=0)
            .order_by("created_at", "pk")
        )
    return money
