"""Sales services: exchange rates and conversion (more documents arrive with later modules)."""

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
