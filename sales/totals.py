"""Document totals, computed in one place for quotations, orders and proforma invoices."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from babel.numbers import get_currency_precision

HUNDRED = Decimal("100")


class LineLike(Protocol):
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal


@dataclass(frozen=True)
class LineTotal:
    gross: Decimal  # quantity x unit price
    discount: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class DocumentTotals:
    subtotal: Decimal  # sum of gross amounts
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal  # net + tax
    lines: list[LineTotal] = field(default_factory=list)


def currency_exponent(currency: str) -> Decimal:
    """The smallest unit of a currency as a Decimal exponent (USD 0.01, JPY 1, KWD 0.001)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(currency_exponent(currency), rounding=ROUND_HALF_UP)


def line_total(line: LineLike, currency: str) -> LineTotal:
    """Round each line to the currency's unit, so the document adds up to what is printed."""
    gross = quantize(Decimal(line.quantity) * Decimal(line.unit_price), currency)
    discount = quantize(gross * Decimal(line.discount_percent) / HUNDRED, currency)
    net = gross - discount
    tax = quantize(net * Decimal(line.tax_rate) / HUNDRED, currency)
    return LineTotal(gross=gross, discount=discount, net=net, tax=tax)


def compute_totals(lines: Iterable[LineLike], currency: str) -> DocumentTotals:
    results = [line_total(line, currency) for line in lines]
    zero = quantize(Decimal(0), currency)
    subtotal = sum((r.gross for r in results), zero)
    discount = sum((r.discount for r in results), zero)
    tax = sum((r.tax for r in results), zero)
    return DocumentTotals(
        subtotal=subtotal,
        discount_total=discount,
        tax_total=tax,
        total=subtotal - discount + tax,
        lines=results,
    )


def money_text(amount: Decimal, currency: str) -> str:
    """An amount with exactly its currency's decimals, e.g. "92.10 USD" or "3.887 KWD"."""
    return f"{quantize(Decimal(amount), currency)} {currency}"
