"""The permission matrix's table: for every back-office URL and method, the permissions it needs.

`OFFICE` is the one table (tests/lumytic/test_permissions_matrix.py checks it against every role).
Each entry names how to build the URL's kwargs from the `world` fixture (tests/lumytic/conftest.py).
"""

from django.urls import URLPattern, URLResolver, get_resolver

from lumytic.accounts import roles as r

GET, POST = "GET", "POST"


def cust(w):
    return {"pk": w["customer"].pk}


def _pk(key):
    return lambda w: {"pk": w[key].pk}


def _on_customer(key, kwarg):
    return lambda w: {"pk": w["customer"].pk, kwarg: w[key].pk}


# The quotation editor's empty line formset (a POST without its management form is refused).
NO_LINES = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}

# URL name -> (kwargs from the world, {method: permissions needed}[, a query string and POST
# data for the request, from the world]).
OFFICE = {
    "office:dashboard": (None, {GET: ()}),
    # Customers.
    "customers:customer-list": (None, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-export": (None, {GET: (r.VIEW_CUSTOMER, r.EXPORT_CUSTOMERS)}),
    "customers:customer-columns": (None, {POST: (r.VIEW_CUSTOMER,)}),
    "customers:customer-create": (None, {GET: (r.ADD_CUSTOMER,), POST: (r.ADD_CUSTOMER,)}),
    "customers:customer-update": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:customer-delete": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.DELETE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.DELETE_CUSTOMER)},
    ),
    "customers:customer-set-active": (cust, {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)}),
    "customers:group-list": (None, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:group-create": (
        None,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_GROUPS)},
    ),
    "customers:group-update": (_pk("group"), {POST: (r.VIEW_CUSTOMER, r.MANAGE_GROUPS)}),
    "customers:group-delete": (_pk("group"), {POST: (r.DELETE_GROUP,)}),
    "customers:customer-detail": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-contacts": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-notes": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:customer-reminders": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:customer-activity": (cust, {GET: (r.VIEW_CUSTOMER,)}),
    "customers:customer-credits": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_CREDITS)},
    ),
    "customers:contact-create": (
        cust,
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-update": (
        _on_customer("contact", "contact_pk"),
        {GET: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER), POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-delete": (
        _on_customer("contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:contact-make-primary": (
        _on_customer("contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_CUSTOMER)},
    ),
    "customers:customer-document-file": (
        _on_customer("document", "document_pk"),
        {GET: (r.VIEW_CUSTOMER,)},
    ),
    "customers:note-update": (
        _on_customer("note", "note_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:note-delete": (
        _on_customer("note", "note_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:reminder-delete": (
        _on_customer("reminder", "reminder_pk"),
        {POST: (r.VIEW_CUSTOMER, r.WRITE_NOTES)},
    ),
    "customers:import-start": (None, {GET: (r.IMPORT_CUSTOMERS,), POST: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-sample": (None, {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-preview": (
        _pk("import"),
        {GET: (r.IMPORT_CUSTOMERS,), POST: (r.IMPORT_CUSTOMERS,)},
    ),
    "customers:import-detail": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-progress": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    "customers:import-rejected": (_pk("import"), {GET: (r.IMPORT_CUSTOMERS,)}),
    # Products and quotations.
    "sales:product-list": (None, {GET: (r.VIEW_PRODUCT,)}),
    "sales:product-create": (
        None,
        {GET: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT), POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)},
    ),
    "sales:product-search": (None, {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:product-update": (
        _pk("product"),
        {GET: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT), POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)},
    ),
    "sales:product-set-active": (_pk("product"), {POST: (r.VIEW_PRODUCT, r.CHANGE_PRODUCT)}),
    "sales:quotation-list": (None, {GET: (r.VIEW_QUOTATION,)}),
    "sales:quotation-create": (
        None,
        {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION), POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
        lambda w: {"query": f"?customer={w['customer'].pk}", "data": NO_LINES},
    ),
    "sales:quotation-line": (None, {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-line-rate": (
        None,
        {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION, r.CHANGE_RATES)},
    ),
    "sales:quotation-preview": (None, {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-detail": (_pk("quotation"), {GET: (r.VIEW_QUOTATION,)}),
    "sales:quotation-update": (
        _pk("quotation"),
        {GET: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION), POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
        lambda w: {"data": NO_LINES},
    ),
    "sales:quotation-send": (_pk("quotation"), {POST: (r.VIEW_QUOTATION, r.ISSUE_DOCUMENTS)}),
    "sales:quotation-decline": (_pk("quotation"), {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)}),
    "sales:quotation-duplicate": (
        _pk("quotation"),
        {POST: (r.VIEW_QUOTATION, r.CHANGE_QUOTATION)},
    ),
    "sales:quotation-pdf": (_pk("quotation"), {GET: (r.VIEW_QUOTATION,)}),
    "sales:customer-quotations": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_QUOTATION)}),
    # Orders.
    "sales:order-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:order-create": (
        None,
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:order-product-search": (None, {GET: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-detail": (_pk("order"), {GET: (r.VIEW_ORDER,)}),
    "sales:order-owner": (_pk("order"), {POST: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-cancel": (_pk("order"), {POST: (r.VIEW_ORDER, r.CHANGE_ORDER)}),
    "sales:order-edit": (
        _pk("order"),
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:order-confirm": (
        _pk("order"),
        {GET: (r.VIEW_ORDER, r.CHANGE_ORDER), POST: (r.VIEW_ORDER, r.CHANGE_ORDER)},
    ),
    "sales:customer-orders": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # Cancellations.
    "sales:cancellation-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:cancellation-detail": (_pk("cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:cancellation-confirm": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-refuse": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-complete": (
        _pk("cancellation"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:cancellation-pdf": (_pk("cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-cancellation-file": (_pk("signed_cancellation"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-cancellation-approve": (
        _pk("signed_cancellation"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-cancellation-reject": (
        _pk("signed_cancellation"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:order-cancellation-create": (
        _pk("order"),
        {POST: (r.VIEW_ORDER, r.MANAGE_CANCELLATIONS)},
    ),
    "sales:customer-cancellations": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # PIs, memos, payments, credits.
    "sales:pi-issue": (_pk("order"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:pi-pdf": (_pk("pi"), {GET: (r.VIEW_ORDER,)}),
    "sales:pi-send": (_pk("pi"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:signed-document-file": (_pk("signed_pi"), {GET: (r.VIEW_ORDER,)}),
    "sales:signed-document-approve": (
        _pk("signed_pi"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-document-reject": (
        _pk("signed_pi"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:memo-create": (_pk("pi"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:memo-pdf": (_pk("memo"), {GET: (r.VIEW_ORDER,)}),
    "sales:memo-send": (_pk("memo"), {POST: (r.VIEW_ORDER, r.ISSUE_DOCUMENTS)}),
    "sales:signed-memo-approve": (
        _pk("signed_memo"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:signed-memo-reject": (
        _pk("signed_memo"),
        {POST: (r.VIEW_ORDER, r.REVIEW_SIGNED_DOCUMENTS)},
    ),
    "sales:payment-file": (_pk("payment"), {GET: (r.VIEW_ORDER,)}),
    "sales:payment-confirm": (_pk("payment"), {POST: (r.VIEW_ORDER, r.CONFIRM_PAYMENT)}),
    "sales:payment-reject": (_pk("payment"), {POST: (r.VIEW_ORDER, r.CONFIRM_PAYMENT)}),
    "sales:pi-credit-apply": (_pk("pi"), {POST: (r.VIEW_ORDER, r.MANAGE_CREDITS)}),
    "sales:pi-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:payment-list": (None, {GET: (r.VIEW_ORDER,)}),
    "sales:customer-statement": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    "sales:customer-proforma-invoices": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    "sales:customer-payments": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_ORDER)}),
    # Exchange rates.
    "sales:exchange": (None, {GET: (r.VIEW_RATES,)}),
    "sales:exchange-update": (None, {POST: (r.VIEW_RATES, r.CHANGE_RATES)}),
    "sales:rate-create": (None, {POST: (r.VIEW_RATES, r.CHANGE_RATES)}),
    "sales:rate-export": (None, {GET: (r.VIEW_RATES,)}),
    "sales:customer-fx-rates": (
        cust,
        {
            GET: (r.VIEW_CUSTOMER, r.VIEW_RATES),
            POST: (r.VIEW_CUSTOMER, r.VIEW_RATES, r.CHANGE_RATES),
        },
    ),
    "sales:customer-fx-rate-delete": (
        _on_customer("customer_rate", "rate_pk"),
        {POST: (r.VIEW_CUSTOMER, r.CHANGE_RATES)},
    ),
    # Conversations.
    "conversations:inbox": (None, {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:ticket-detail": (_pk("ticket"), {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:ticket-reply": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-note": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-assign": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-close": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:ticket-reopen": (
        _pk("ticket"),
        {POST: (r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS)},
    ),
    "conversations:order-thread": (
        _pk("order"),
        {
            GET: (r.VIEW_ORDER, r.VIEW_CONVERSATIONS),
            POST: (r.VIEW_ORDER, r.VIEW_CONVERSATIONS, r.REPLY_CONVERSATIONS),
        },
    ),
    "conversations:attachment": (_pk("attachment"), {GET: (r.VIEW_CONVERSATIONS,)}),
    "conversations:customer-tickets": (cust, {GET: (r.VIEW_CUSTOMER, r.VIEW_CONVERSATIONS)}),
    # The Outbox.
    "notifications:outbox-list": (None, {GET: (r.VIEW_OUTBOX,)}),
    "notifications:outbox-test": (None, {POST: (r.VIEW_OUTBOX, r.RESEND_EMAIL)}),
    "notifications:outbox-detail": (_pk("email"), {GET: (r.VIEW_OUTBOX,)}),
    "notifications:outbox-resend": (_pk("email"), {POST: (r.VIEW_OUTBOX, r.RESEND_EMAIL)}),
    "notifications:outbox-attachment": (
        lambda w: {"pk": w["email"].pk, "attachment_pk": w["email_attachment"].pk},
        {GET: (r.VIEW_OUTBOX,)},
    ),
    # Portal access and registrations.
    "portal_office:customer-portal": (
        cust,
        {GET: (r.VIEW_CUSTOMER,), POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:contact-access": (
        _on_customer("portal_contact", "contact_pk"),
        {
            GET: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS),
            POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS),
        },
    ),
    "portal_office:contact-login-active": (
        _on_customer("portal_contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:contact-set-password": (
        _on_customer("portal_contact", "contact_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:invitation-resend": (
        _on_customer("invitation", "invitation_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:invitation-revoke": (
        _on_customer("invitation", "invitation_pk"),
        {POST: (r.VIEW_CUSTOMER, r.MANAGE_PORTAL_ACCESS)},
    ),
    "portal_office:registration-list": (None, {GET: (r.REVIEW_REGISTRATIONS,)}),
    "portal_office:registration-detail": (_pk("registration"), {GET: (r.REVIEW_REGISTRATIONS,)}),
    "portal_office:registration-cr-file": (
        _pk("registration"),
        {GET: (r.REVIEW_REGISTRATIONS,)},
    ),
    "portal_office:registration-approve": (
        _pk("registration"),
        {POST: (r.REVIEW_REGISTRATIONS,)},
    ),
    "portal_office:registration-reject": (
        _pk("registration"),
        {POST: (r.REVIEW_REGISTRATIONS,)},
    ),
}

CASES = [
    (name, method) for name, (_kwargs, methods, *_extra) in OFFICE.items() for method in methods
]


def office_url_names() -> list[str]:
    """Every named URL pattern under /office/, as `namespace:name`."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern) and prefix.startswith("office/"):
                found.append(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, "", None)
    return found
