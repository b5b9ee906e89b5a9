"""Indexes for the customer list's search, sort orders and seek pagination (PostgreSQL only)."""

from django.db import migrations

INDEXES = [
    # The search's remaining arms: phone "contains" (LIKE) and number "iexact" (UPPER(...) =).
    (
        "customers_customer_phone_trgm",
        "customers_customer USING gin ((phone::text) gin_trgm_ops)",
    ),
    ("customers_customer_number_upper", "customers_customer ((UPPER(number::text)))"),
    # (column, id) matches the list's ORDER BY column, id and its seek condition
    # (column, id) > (value, id), so a sorted page reads 25 index entries wherever it starts.
    ("customers_customer_created_id", "customers_customer (created_at, id)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
