"""The sales app's models, one module per aggregate; import them from here (`sales.models`).

- `currency`: currencies, daily exchange rates, rate update runs, customers' own FX rates
- `catalogue`: products
- `quotations`, `orders`: quotations and orders with their lines
- `invoices`: proforma invoices, memos and their signed copies
- `payments`: SWIFT payments and credits applied to PIs
- `cancellations`: cancellation orders and their signed copies
- `base`: money precision and the abstract line, totals and reviewed-upload models they share
"""

from .base import SIGNED_DOCUMENT_VALIDATOR
from .cancellations import REASON_MAX_CHARS, Cancellation, SignedCancellation
from .catalogue import Product
from .currency import (
    RATE_DECIMAL_PLACES,
    RATE_MAX_DIGITS,
    Currency,
    CustomerRate,
    ExchangeRate,
    RateUpdate,
    plain,
)
from .invoices import (
    MEMO_MAX_CHARS,
    OPEN_STATES,
    Memo,
    PiState,
    ProformaInvoice,
    ProformaInvoiceLine,
    SignedDocument,
    default_due_date,
)
from .orders import Order, OrderLine
from .payments import MONEY_DIGITS, PROOF_VALIDATOR, CreditApplication, Payment
from .quotations import Quotation, QuotationLine

__all__ = [
    "MEMO_MAX_CHARS",
    "MONEY_DIGITS",
    "OPEN_STATES",
    "PROOF_VALIDATOR",
    "RATE_DECIMAL_PLACES",
    "RATE_MAX_DIGITS",
    "REASON_MAX_CHARS",
    "SIGNED_DOCUMENT_VALIDATOR",
    "Cancellation",
    "CreditApplication",
    "Currency",
    "CustomerRate",
    "ExchangeRate",
    "Memo",
    "Order",
    "OrderLine",
    "Payment",
    "PiState",
    "Product",
    "ProformaInvoice",
    "ProformaInvoiceLine",
    "Quotation",
    "QuotationLine",
    "RateUpdate",
    "SignedCancellation",
    "SignedDocument",
    "default_due_date",
    "plain",
]
