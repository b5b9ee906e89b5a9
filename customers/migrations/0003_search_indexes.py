"""Trigram indexes so "contains" searches stay fast at 100,000 customers (PostgreSQL only)."""

from django.db import migrations

INDEXES = [
    ("customers_customer_name_trgm", "customers_customer", "name"),
    ("customers_customer_email_trgm", "customers_customer", "email"),
    ("customers_contact_first_name_trgm", "customers_contact", "first_name"),
    ("customers_contact_last_name_trgm", "customers_contact", "last_name"),
    ("customers_contact_email_trgm", "customers_contact", "email"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        # Django's icontains compiles to UPPER(column::text) LIKE UPPER(%s).
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customerimport")]

    operations = [migrations.RunPython(create, drop)]
