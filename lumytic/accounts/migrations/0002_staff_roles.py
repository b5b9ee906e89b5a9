"""Create the staff role groups with their permissions (the table is lumytic/accounts/roles.py)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

from lumytic.accounts.roles import sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; the groups need them now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("conversations", "0001_tickets_and_order_threads"),
        ("customers", "0010_staff_permissions"),
        ("notifications", "0001_squashed_0005_delivery_attempts"),
        ("portal", "0001_squashed_0003_staff_permissions"),
        ("sales", "0001_squashed_0012_payment_excess_credit"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
