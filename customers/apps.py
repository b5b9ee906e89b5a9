from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from lumytic.accounts import roles
        from lumytic.core.nav import NavLink, register_link

        from . import tabs

        register_link(
            NavLink(
                "customers",
                "customers:customer-list",
                "building",
                _("Customers"),
                permission=roles.VIEW_CUSTOMER,
                summary=_("Customer records, contacts and portal access."),
            ),
            position=20,
        )
        from .page_views import credits_summary

        # Orders, PIs, payments, cancellations and FX rates are tabs of the sales app.
        for key, label, icon, order in (
            ("summary", _("Summary"), "speedometer2", 0),
            ("contacts", _("Contacts"), "people", 10),
            ("notes", _("Notes"), "journal-text", 70),
            ("reminders", _("Reminders"), "alarm", 80),
            ("activity", _("Activity"), "clock-history", 90),
            ("credits", _("Credits"), "piggy-bank", 110),
        ):
            url_name = "customer-detail" if key == "summary" else f"customer-{key}"
            tabs.register_tab(
                key=key, label=label, url_name=f"customers:{url_name}", icon=icon, order=order
            )
        tabs.register_summary(credits_summary)

        # The customer list caches its filter menus' records and each staff member's columns.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from . import listing
        from .models import CustomerGroup, CustomerImport, ListPreference, Tag

        for model in (CustomerGroup, Tag, get_user_model(), CustomerImport):
            for signal in (post_save, post_delete):
                signal.connect(
                    listing.menus_changed,
                    sender=model,
                    dispatch_uid=f"customers-list-menus-{model._meta.label_lower}",
                )
        post_save.connect(
            listing.preference_saved, sender=ListPreference, dispatch_uid="customers-list-columns"
        )
        post_delete.connect(
            listing.preference_deleted, sender=ListPreference, dispatch_uid="customers-list-columns"
        )
        post_save.connect(
            listing.user_created, sender=get_user_model(), dispatch_uid="customers-list-columns"
        )
