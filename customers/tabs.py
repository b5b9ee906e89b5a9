"""The customer page's tabs and summary figures, registered by the apps that own the data.

`customers` must not import `sales` (DESIGN.md §6), so the page is a shell: each app registers
its tabs (by URL name) and its contributions to the Summary tab from its AppConfig.ready().
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class CustomerTab:
    key: str
    label: Any
    url_name: str  # takes the customer's pk as its only argument
    icon: str
    order: int

    def url(self, customer_pk: int) -> str:
        return reverse(self.url_name, args=[customer_pk])


@dataclass
class DocumentTotal:
    """One line of the Summary tab's "totals by document type"."""

    label: Any
    count: int
    amounts: dict[str, Decimal] = field(default_factory=dict)  # currency -> total
    tab: str = ""


@dataclass
class SummaryPart:
    """What one app adds to a customer's Summary: document totals and balance amounts.

    A balance amount is what the customer owes us in that currency (negative: we owe them).
    """

    totals: list[DocumentTotal] = field(default_factory=list)
    balance: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomerAction:
    """A button in the customer page's header that opens another app's page."""

    label: Any
    url_name: str  # takes the customer's pk
    icon: str
    fragment: str = ""

    def url(self, customer_pk: int) -> str:
        return reverse(self.url_name, args=[customer_pk]) + self.fragment


_tabs: dict[str, CustomerTab] = {}
_actions: dict[str, CustomerAction] = {}
_summaries: list[Callable[[Any], SummaryPart]] = []


def register_tab(*, key: str, label, url_name: str, icon: str, order: int) -> None:
    _tabs[key] = CustomerTab(key=key, label=label, url_name=url_name, icon=icon, order=order)


def register_action(*, key: str, label, url_name: str, icon: str, fragment: str = "") -> None:
    _actions[key] = CustomerAction(label=label, url_name=url_name, icon=icon, fragment=fragment)


def customer_actions() -> list[CustomerAction]:
    return list(_actions.values())


def register_summary(provider: Callable[[Any], SummaryPart]) -> None:
    """Add a provider; each must run a fixed number of queries for one customer."""
    if provider not in _summaries:
        _summaries.append(provider)


def customer_tabs() -> list[CustomerTab]:
    return sorted(_tabs.values(), key=lambda tab: tab.order)


def customer_tabs_by_key() -> dict[str, CustomerTab]:
    return dict(_tabs)


def summary_parts(customer) -> Iterable[SummaryPart]:
    return [provider(customer) for provider in _summaries]


def combine_balance(parts: Iterable[SummaryPart]) -> dict[str, Decimal]:
    """Add the providers' balances per currency, leaving out currencies that come to zero."""
    balance: dict[str, Decimal] = {}
    for part in parts:
        for currency, amount in part.balance.items():
            balance[currency] = balance.get(currency, Decimal("0")) + amount
    return {code: amount for code, amount in sorted(balance.items()) if amount}
