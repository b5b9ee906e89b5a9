"""Staff roles: which Django permissions each back-office role holds, in one table.

A role is an auth group named after it. The table names permissions as strings
(``app_label.codename``) so this module imports no domain app; custom permissions are declared
in the owning model's ``Meta.permissions``. The data migration and ``manage.py sync_roles`` both
apply ``ROLES`` with ``sync_roles()``; run the command after changing the table.
"""

from django.utils.translation import gettext_lazy as _

# Customers (customers.Customer and friends).
VIEW_CUSTOMER = "customers.view_customer"
VIEW_ALL_CUSTOMERS = "customers.view_all_customers"  # beyond the ones they advise (a setting)
ADD_CUSTOMER = "customers.add_customer"
CHANGE_CUSTOMER = "customers.change_customer"
DELETE_CUSTOMER = "customers.delete_customer"
EXPORT_CUSTOMERS = "customers.export_customers"
IMPORT_CUSTOMERS = "customers.import_customers"
MANAGE_GROUPS = "customers.change_customergroup"
DELETE_GROUP = "customers.delete_customergroup"
WRITE_NOTES = "customers.add_note"  # notes and reminders

# Sales documents.
VIEW_PRODUCT = "sales.view_product"
CHANGE_PRODUCT = "sales.change_product"
VIEW_QUOTATION = "sales.view_quotation"
CHANGE_QUOTATION = "sales.change_quotation"  # draft, edit, duplicate, decline
VIEW_ORDER = "sales.view_order"  # orders and their PIs, memos, payments and statements
CHANGE_ORDER = "sales.change_order"  # create on the customer's behalf, owner, cancel
ISSUE_DOCUMENTS = "sales.issue_documents"  # send quotations, issue and send PIs and memos
REVIEW_SIGNED_DOCUMENTS = "sales.review_signed_documents"
CONFIRM_PAYMENT = "sales.confirm_payment"
APPROVE_OVERPAYMENT = "sales.approve_overpayment"
MANAGE_CREDITS = "sales.manage_credits"  # create and apply credits
APPROVE_LARGE_CREDIT = "sales.approve_large_credit"
MANAGE_CANCELLATIONS = "sales.manage_cancellations"
VIEW_RATES = "sales.view_exchangerate"
CHANGE_RATES = "sales.change_rates"

# Conversations, the portal, the Outbox.
VIEW_CONVERSATIONS = "conversations.view_conversation"
REPLY_CONVERSATIONS = "conversations.change_conversation"  # reply, note, assign, close
MANAGE_PORTAL_ACCESS = "portal.manage_portal_access"
REVIEW_REGISTRATIONS = "portal.review_registrations"
VIEW_OUTBOX = "notifications.view_outbox"
RESEND_EMAIL = "notifications.resend_email"

ADMIN = "admin"
SALES_MANAGER = "sales manager"
SALES = "sales"
CUSTOMER_ADVISOR = "customer advisor"

ROLE_LABELS = {
    ADMIN: _("Admin"),
    SALES_MANAGER: _("Sales manager"),
    SALES: _("Sales"),
    CUSTOMER_ADVISOR: _("Customer advisor"),
}

_ADVISOR = (
    VIEW_CUSTOMER,
    WRITE_NOTES,
    VIEW_PRODUCT,
    VIEW_QUOTATION,
    VIEW_ORDER,
    VIEW_RATES,
    VIEW_CONVERSATIONS,
    REPLY_CONVERSATIONS,
)
_SALES = (
    *_ADVISOR,
    VIEW_ALL_CUSTOMERS,
    ADD_CUSTOMER,
    CHANGE_CUSTOMER,
    CHANGE_QUOTATION,
    CHANGE_ORDER,
    ISSUE_DOCUMENTS,
    REVIEW_SIGNED_DOCUMENTS,
    CONFIRM_PAYMENT,
    MANAGE_CREDITS,
    MANAGE_CANCELLATIONS,
)
_SALES_MANAGER = (
    *_SALES,
    EXPORT_CUSTOMERS,
    IMPORT_CUSTOMERS,
    MANAGE_GROUPS,
    CHANGE_PRODUCT,
    APPROVE_OVERPAYMENT,
    APPROVE_LARGE_CREDIT,
    CHANGE_RATES,
    MANAGE_PORTAL_ACCESS,
    REVIEW_REGISTRATIONS,
    VIEW_OUTBOX,
    RESEND_EMAIL,
)
_ADMIN = (*_SALES_MANAGER, DELETE_CUSTOMER, DELETE_GROUP)

# The one role -> permissions table.
ROLES: dict[str, tuple[str, ...]] = {
    ADMIN: _ADMIN,
    SALES_MANAGER: _SALES_MANAGER,
    SALES: _SALES,
    CUSTOMER_ADVISOR: _ADVISOR,
}

ALL_PERMISSIONS: frozenset[str] = frozenset(p for perms in ROLES.values() for p in perms)


def role_names(user) -> list[str]:
    """The role groups a user belongs to, in the table's order."""
    if user is None or not getattr(user, "pk", None):
        return []
    held = {group.name for group in user.groups.all()}
    return [name for name in ROLES if name in held]


def sync_roles(apps=None, verbosity: int = 0) -> list[str]:
    """Make each role group hold exactly its permissions; return what changed.

    ``apps`` is the migration state's registry inside a migration, the live one otherwise.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        (app_label, codename)
        for name in ALL_PERMISSIONS
        for app_label, codename in [name.split(".", 1)]
    }
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={codename for _app, codename in wanted}
        )
        if (perm.content_type.app_label, perm.codename) in wanted
    }
    missing = sorted(f"{a}.{c}" for a, c in wanted - found.keys())
    if missing:
        raise LookupError(f"Permissions not found (migrate first?): {', '.join(missing)}")
    changes = []
    for name, perms in ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        target = {found[tuple(p.split(".", 1))].pk for p in perms}
        current = set(group.permissions.values_list("pk", flat=True))
        if created or target != current:
            group.permissions.set(target)
            changes.append(f"{name}: {len(target)} permissions")
    return changes
