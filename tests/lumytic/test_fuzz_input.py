"""Hostile input never gives a 500, and a form refusing it writes nothing (issue 16).

Every URL of the office and the portal is fuzzed or skipped with a reason: the office list is
the permission matrix's, the portal list the isolation test's, so a new URL is fuzzed on its
own. A first pass opens each page plainly and reads its forms (action, method, the real field
names, formset management fields), so the fuzz posts the names each form really has. Then, for
each URL and payload kind, one request: GET with every filter of the page set to the hostile
value, POST with every field of each form that posts there set to it. Each request runs in a
savepoint rolled back afterwards, so the world is the same for every request.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.urls import resolve, reverse

from conversations.forms import MessageForm
from customers.forms import NoteForm
from portal.invoice_views import SignedPiForm
from portal.memo_views import SignedMemoForm
from portal.models import Area
from portal.order_forms import AddLineForm, CancelForm
from portal.payment_views import PaymentForm
from portal.services.invitations import invitation_token, invite_to_portal
from sales.address_forms import AddressForm
from sales.forms import CustomerRateForm
from sales.models import Product
from sales.order_forms import MemoForm, ReasonForm, StaffCancelForm
from sales.payment_views import PaymentConfirmForm
from sales.quotation_forms import QuotationForm, QuotationLineForm
from sales.services.orders import create_order
from tests.factories import (
    ContactFactory,
    CustomerGroupFactory,
    PortalContactFactory,
    StaffFactory,
)
from tests.lumytic.office_matrix import OFFICE, office_url_names
from tests.portal import isolation_table as isolation

pytestmark = pytest.mark.django_db

CONTROL = "a\x00b\x01c\x1bd\x7f"
LONG = "x" * 10_000
NUMBERS = ["1e30", "99999999999999999999", "-1", "NaN", "Infinity", "-Infinity"]
DATES = ["9999-12-31", "0000-00-00", "2026-13-45"]
IDS = ["abc", "99999999999999999999", "-1"]
HUGE_ID = 99999999999999999999


def _cycle(values):
    return lambda i: values[i % len(values)]


# Payload kind -> the value for the i-th field. "control" and "long" are refused by every text
# field, so a form posted with them must write nothing; the others may be valid text.
KINDS = {
    "control": lambda i: CONTROL,
    "long": lambda i: LONG,
    "number": _cycle(NUMBERS),
    "date": _cycle(DATES),
    "id": _cycle(IDS),
}
KINDS_MIXED = [CONTROL, LONG, *NUMBERS, *DATES, *IDS]
REFUSED_KINDS = {"control", "long"}
# Query parameters every list may read even when no form on the page names them.
COMMON_FILTERS = ["q", "page", "sort", "status", "customer", "date_from", "date_to", "next"]

# POSTs that are a workflow step (no text the user types, or a text box the step trims and
# checks itself): hostile values must not give a 500, but the step may go through.
STEPS = {
    "customers:customer-columns": "saves the list's column choice; unknown columns are dropped",
    "customers:customer-set-active": "any value but 1 means inactive",
    "customers:contact-make-primary": "no fields",
    "customers:contact-delete": "no fields",
    "customers:note-delete": "no fields",
    "customers:reminder-delete": "no fields",
    "customers:group-delete": "no fields",
    "customers:customer-delete": "no fields: the confirmation page posts nothing else",
    "sales:product-set-active": "any value but 1 means inactive",
    "sales:quotation-send": "no fields",
    "sales:quotation-duplicate": "no fields",
    "sales:pi-issue": "no fields",
    "sales:pi-send": "no fields",
    "sales:memo-send": "no fields",
    "sales:signed-document-approve": "no fields",
    "sales:signed-memo-approve": "no fields",
    "sales:signed-cancellation-approve": "no fields",
    "sales:cancellation-confirm": "no fields",
    "sales:cancellation-complete": "no fields",
    "sales:exchange-update": "fetches rates; no fields",
    "sales:customer-fx-rate-delete": "no fields",
    "sales:payment-confirm": "the world's payment is within what is due: it is confirmed",
    "notifications:outbox-test": "sends a test email to the signed-in user; no fields",
    "notifications:outbox-resend": "no fields",
    "portal_office:contact-login-active": "any value but 1 means inactive",
    "portal_office:invitation-resend": "no fields",
    "portal_office:contact-set-password": "emails a set-password link; no fields",
    "portal_office:invitation-revoke": "no fields",
    "conversations:ticket-close": "no fields",
    "conversations:ticket-reopen": "no fields",
    "portal:order-submit": "no fields",
    "portal:order-line-remove": "no fields",
    "portal:ticket-close": "no fields",
    "portal:ticket-reopen": "no fields",
    "portal:contact-delete": "no fields",
}

# Forms no page of the world shows in its state: the form class, or the names its template posts.
FIELDS = {
    "customers:note-update": NoteForm,
    "sales:order-cancel": StaffCancelForm,
    "sales:cancellation-refuse": ReasonForm,
    "sales:order-cancellation-create": ReasonForm,
    # The editor posts its whole form to the preview (htmx): the header and one line.
    "sales:quotation-preview": (
        *QuotationForm.base_fields,
        "lines-TOTAL_FORMS",
        "lines-INITIAL_FORMS",
        *(f"lines-0-{name}" for name in QuotationLineForm.base_fields),
    ),
    "sales:memo-create": MemoForm,
    # Posted from a quotation line that lacked a rate (htmx); no page of the world shows it.
    "sales:quotation-line-rate": (
        "index",
        "product",
        "customer",
        "currency",
        "rate_currency",
        "rate",
    ),
    # The world's order is not submitted, so no page shows these two forms.
    "sales:order-edit": ("customer_reference", "notes"),
    "sales:order-confirm": (
        *(f"billing-{name}" for name in AddressForm.base_fields),
        "shipping_same",
    ),
    "sales:pi-credit-apply": ("credit", "amount"),
    "sales:customer-fx-rates": CustomerRateForm,
    "sales:payment-confirm": PaymentConfirmForm,  # its choice shows only for an overpayment
    "portal:order-create": AddLineForm,
    "portal:order-line-add": AddLineForm,
    "portal:order-cancel": CancelForm,
    "portal:pi-upload": SignedPiForm,
    "portal:payment-upload": PaymentForm,
    "portal:memo-upload": SignedMemoForm,
    "portal:order-cancellation-request": ReasonForm,
    "portal:order-thread": MessageForm,
}
# Fields kept real so the rest of the form is checked (a new order needs its customer).
REAL = {
    "sales:order-create": lambda w: {"customer": w["customer"].pk, "action": "create"},
    "portal:order-create": lambda w: {"product": w["product"].pk},
    "portal:order-line-add": lambda w: {"product": w["product"].pk},
}

# URLs not fuzzed, each with the reason.
SKIPPED = {
    "customers:customer-export": "a download of the list; its filters are the list's, fuzzed there",
    "customers:import-sample": "a fixed sample file; reads no input",
    "sales:rate-export": "a download; its filters are the exchange page's, fuzzed there",
}

# Tables written without a write of the form: the session (messages), the cache.
UNCOUNTED_TABLES = {"django_session", "django_cache"}


class FormReader(HTMLParser):
    """The forms of a page: action, method and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self.current)
        elif tag in ("input", "select", "textarea", "button") and self.current is not None:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.current["fields"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def read_forms(html: str, page_url: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    for form in reader.forms:
        form["action"] = urlsplit(form["action"]).path or page_url
    return reader.forms


def hostile(fields: dict, kind: str) -> dict:
    """Every field set to the kind's value; a formset keeps a sane management form so its rows
    are validated (the "formset" kind breaks the management form instead)."""
    value = KINDS.get(kind, _cycle(KINDS_MIXED))
    data = {}
    for i, name in enumerate(sorted(fields)):
        name = name.replace("__prefix__", "0")
        if name.endswith("-TOTAL_FORMS"):
            data[name] = "1" if kind != "formset" else IDS[1]
        elif name.endswith("-INITIAL_FORMS"):
            data[name] = "0" if kind != "formset" else "abc"
        elif name.endswith(("-MIN_NUM_FORMS", "-MAX_NUM_FORMS")):
            data[name] = fields[name] if kind != "formset" else "-1"
        else:
            data[name] = value(i)
    return data


def row_writes() -> dict[str, int]:
    """Rows inserted, updated or deleted in each table so far in this transaction (PostgreSQL
    counts them per transaction, rolled-back savepoints included): one cheap query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: n for table, n in cursor.fetchall() if table not in UNCOUNTED_TABLES}


class Fuzzer:
    """Sends the requests, each in a rolled-back savepoint, and collects what went wrong."""

    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.forms: dict[str, dict] = {}  # action path -> fields posted there
        self.filters: dict[str, set] = {}  # page path -> its GET parameters
        self.statuses: list[tuple[str, str, str, int]] = []

    def send(self, method: str, url: str, data: dict, *, kind: str, must_not_write: bool):
        with transaction.atomic():
            before = row_writes() if must_not_write else None
            try:
                if method == "GET":
                    response = self.client.get(url, data)
                else:
                    response = self.client.post(url, data)
                status = response.status_code
            except Exception as error:
                self.problems.append(
                    f"{method} {url} [{kind}]: {type(error).__name__}: {error}"[:300]
                )
                transaction.set_rollback(True)
                return None
            if status >= 500:
                self.problems.append(f"{method} {url} [{kind}]: {status}")
            elif before is not None:
                after = row_writes()
                written = {t: n - before.get(t, 0) for t, n in after.items()}
                written = {t: n for t, n in written.items() if n}
                if written and status < 400:
                    self.problems.append(f"{method} {url} [{kind}]: {status}, wrote {written}")
                elif written:
                    self.problems.append(f"{method} {url} [{kind}]: refused but wrote {written}")
            self.statuses.append((method, url, kind, status))
            transaction.set_rollback(True)
            return response

    def crashed(self, request: str, error: Exception) -> None:
        self.problems.append(f"{request}: {type(error).__name__}: {error}"[:300])

    def read(self, url: str):
        """Open a page plainly and remember its forms."""
        with transaction.atomic():
            try:
                response = self.client.get(url)
            except Exception as error:
                self.crashed(f"GET {url} [plain]", error)
                transaction.set_rollback(True)
                return
            transaction.set_rollback(True)
        if response.status_code >= 500:
            self.problems.append(f"GET {url} [plain]: {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        for form in read_forms(response.content.decode(), urlsplit(url).path):
            if form["method"] == "get":
                self.filters.setdefault(form["action"], set()).update(form["fields"])
            else:
                self.forms.setdefault(form["action"], {}).update(form["fields"])

    def fuzz_get(self, url: str):
        """Each kind on a page with filters; on any other page one request mixing them all
        (it reads no filters, so more kinds would test nothing more)."""
        path = urlsplit(url).path
        params = sorted(self.filters.get(path, set()) | set(COMMON_FILTERS))
        for kind in KINDS if path in self.filters else ["mixed"]:
            self.send(
                "GET",
                url,
                hostile(dict.fromkeys(params, ""), kind),
                kind=kind,
                must_not_write=False,
            )

    def fuzz_post(self, url: str, name: str, extra: dict | None = None, real: dict | None = None):
        path = urlsplit(url).path
        named = FIELDS.get(name, ())
        named = named.base_fields if isinstance(named, type) else named
        fields = {**self.forms.get(path, {}), **dict.fromkeys(named, ""), **(extra or {})}
        if not fields and name not in STEPS:
            self.problems.append(f"POST {url}: no form posts here; name its fields in FIELDS")
        kinds = list(KINDS)
        if any(f.endswith("-TOTAL_FORMS") for f in fields):
            kinds.append("formset")
        for kind in kinds:
            refused = name not in STEPS and fields and (kind in REFUSED_KINDS or kind == "formset")
            data = {**hostile(fields, kind), **(real or {})}
            self.send("POST", url, data, kind=kind, must_not_write=bool(refused))

    def fuzz_path_ids(self, name: str, kwargs: dict | None, method: str):
        """The same URL with each id swapped for one no column can hold."""
        if not kwargs:
            return
        for key in kwargs:
            url = reverse(name, kwargs={**kwargs, key: HUGE_ID})
            self.send(method, url, {}, kind=f"{key}=huge", must_not_write=False)


@pytest.fixture(autouse=True)
def _media(media_on_disk):
    """Files on disk in a folder of this test, before the world saves any."""


def _report(fuzzer: Fuzzer) -> str:
    return "\n".join(fuzzer.problems)


def test_the_write_count_sees_an_insert_an_update_and_a_delete():
    before = row_writes()
    group = CustomerGroupFactory(name="Counted")
    group.name = "Counted again"
    group.save()
    group.delete()
    assert row_writes()["customers_customergroup"] - before.get("customers_customergroup", 0) == 3


def test_every_url_is_fuzzed_or_skipped_with_a_reason():
    office = set(office_url_names())
    assert set(OFFICE) == office  # the matrix's own test says which are missing
    portal = {f"portal:{name}" for name in isolation.portal_url_names()}
    assert {f"portal:{n}" for n in isolation.ISOLATION} == portal
    unknown = (set(STEPS) | set(SKIPPED)) - office - portal
    assert not unknown, f"These entries match no URL: {sorted(unknown)}"


def test_no_office_url_gives_a_500_or_writes_on_hostile_input(client, world):
    client.force_login(StaffFactory())
    fuzzer = Fuzzer(client)
    targets = []
    for name, (kwargs_of, methods, *extra) in OFFICE.items():
        if name in SKIPPED:
            continue
        request = extra[0](world) if extra else {}
        kwargs = kwargs_of(world) if kwargs_of else None
        url = reverse(name, kwargs=kwargs) + request.get("query", "")
        targets.append((name, kwargs, methods, url, request))
        if "GET" in methods:
            fuzzer.read(url)
    # The order and customer pages host the forms of many steps.
    fuzzer.read(reverse("sales:order-detail", args=[world["order"].pk]))
    fuzzer.read(reverse("customers:customer-detail", args=[world["customer"].pk]))
    fuzzer.read(reverse("sales:order-create") + f"?customer={world['customer'].pk}")
    for name, kwargs, methods, url, request in targets:
        if "GET" in methods:
            fuzzer.fuzz_get(url)
        if "POST" in methods:
            real = REAL[name](world) if name in REAL else None
            fuzzer.fuzz_post(url, name, request.get("data"), real)
        fuzzer.fuzz_path_ids(name, kwargs, "GET" if "GET" in methods else "POST")
    assert not fuzzer.problems, _report(fuzzer)


@pytest.fixture
def own(db):
    """A portal user with every area, and one of each thing of their customer a URL can name."""
    contact = PortalContactFactory(customer__name="Own Company", areas=Area.values)
    customer = contact.customer
    line = {"description": "Goods", "quantity": 1, "unit_price": 10}
    mine = {"customer": customer, "by": contact.user, "placed_by": contact.user, "lines": [line]}
    cart = create_order(**mine, submit=False)
    submitted = create_order(**mine)
    billed = create_order(customer=customer, by=None, lines=[line])
    things = {
        "customer": customer,
        "contact": ContactFactory(customer=customer, is_primary=False),
        "order": billed,
        "quotation": isolation.sent_quotation(customer),
        "product": Product.objects.create(
            sku="FZ-1", name="Fuzz widget", unit_price=999_999_999, currency="USD"
        ),
    }
    isolation.foreign_pi(things)
    things["memo"] = isolation.foreign_memo(things)  # made once: its number is unique
    invitation = invite_to_portal(customer=customer, by=None, first_name="Ina", email="i@own.test")
    return {
        "contact": contact,
        "things": things,
        "cart": cart,
        "submitted": submitted,
        "invitation_token": invitation_token(invitation),
    }


def takes_posts(url: str) -> bool:
    """Whether the view behind a URL has a POST handler (the portal table names no methods)."""
    view = resolve(url).func
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return True  # a function view: post to it and see
    return hasattr(view_class, "post") and "post" in view_class.http_method_names


def _portal_kwargs(name: str, rule, own: dict) -> dict | None:
    if name == "invitation-accept":
        return {"token": own["invitation_token"]}
    if not callable(rule):
        return None
    if name.startswith("memo-"):
        return {"pk": own["things"]["memo"].pk}
    if name == "order-confirm":
        return {"pk": own["submitted"].pk}
    if name.startswith("order-") and name not in ("order-detail", "order-cancellation-request"):
        cart = own["cart"]
        return rule({**own["things"], "order": cart})
    return rule(own["things"])


def test_no_portal_url_gives_a_500_or_writes_on_hostile_input(client, own):
    fuzzer = Fuzzer(client)
    targets = []
    for name, rule in isolation.ISOLATION.items():
        full = f"portal:{name}"
        if full in SKIPPED:
            continue
        kwargs = _portal_kwargs(name, rule, own)
        targets.append((full, kwargs, rule == "public"))
    client.force_login(own["contact"].user)
    for full, kwargs, public in targets:
        if not public:
            fuzzer.read(reverse(full, kwargs=kwargs))
    fuzzer.read(reverse("portal:order-detail", args=[own["things"]["order"].pk]))
    fuzzer.read(reverse("portal:order-edit", args=[own["cart"].pk]))
    for full, kwargs, public in targets:
        if public:
            continue
        url = reverse(full, kwargs=kwargs)
        fuzzer.fuzz_get(url)
        if takes_posts(url):
            real = REAL[full](own["things"]) if full in REAL else None
            fuzzer.fuzz_post(url, full, real=real)
        fuzzer.fuzz_path_ids(full, kwargs, "GET")
    # The public pages, as a visitor.
    client.logout()
    for full, kwargs, public in targets:
        if public:
            url = reverse(full, kwargs=kwargs)
            fuzzer.read(url)
            fuzzer.fuzz_get(url)
            if takes_posts(url):
                fuzzer.fuzz_post(url, full)
    assert not fuzzer.problems, _report(fuzzer)
