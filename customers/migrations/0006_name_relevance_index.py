"""A GiST index that returns a search's name matches best first (PostgreSQL only).

Ordered by pg_trgm's word distance from the search to the name, then by id (btree_gist gives
the id column its `<->`), PostgreSQL reads one page of matches in that order and stops, instead
of re-checking and sorting every match (listing.Relevance).

The name is indexed as `UPPER(name::text) COLLATE "C"`: the same text, but not the expression
Django writes for `name__icontains`, so other searches keep the trigram GIN index of 0003 (the
planner would otherwise take this GiST index for a LIKE it answers far more slowly).
"""

from django.db import migrations

NAME = "customers_customer_name_relevance"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    # The expressions are the ones listing.Relevance writes.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON customers_customer "
        """USING gist ((UPPER(name::text) COLLATE "C") gist_trgm_ops, (id::float8))"""
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_money_in_three_places")]

    operations = [migrations.RunPython(create, drop)]
