"""Sales services: every write of the sales app, a module per document or topic.

quotations, orders, lines (an order's or a quotation's lines and totals), invoicing (PIs and
signed PIs), memos, payments (and credits), cancellations, signed_copies (keeping and reviewing
the signed copy of a PI, a memo or a cancellation), catalogue (products), recipients (who an
order email goes to), currency and rates (conversion, daily rates, the digest), customer_rates.
The currency services most callers need are re-exported here.
"""

from .currency import (
    Conversion,
    ExchangeError,
    NoRateError,
    RateQuote,
    convert,
    ensure_currencies,
    latest_rates,
    rate_for,
    rate_history,
)
from .customer_rates import add_customer_rate, delete_customer_rate
from .rates import enter_manual_rate, request_rate_update, run_rate_update, send_rates_digest

__all__ = [
    "Conversion",
    "ExchangeError",
    "NoRateError",
    "RateQuote",
    "add_customer_rate",
    "convert",
    "delete_customer_rate",
    "ensure_currencies",
    "enter_manual_rate",
    "latest_rates",
    "rate_for",
    "rate_history",
    "request_rate_update",
    "run_rate_update",
    "send_rates_digest",
]
