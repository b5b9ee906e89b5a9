"""The migration that turns each customer's single CR document into version 1 of its versions."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
BEFORE = [("customers", "0001_squashed_0007_customer_documents")]
AFTER = [("customers", "0009_retire_cr_document_field")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_cr_documents_become_version_1_and_missing_files_are_skipped(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = _migrate(BEFORE)
        Customer = apps.get_model("customers", "Customer")
        group = apps.get_model("customers", "CustomerGroup").objects.create(name="General")
        stored = default_storage.save("customers/cr/old.pdf", ContentFile(PDF))
        kept = Customer.objects.create(
            number="CUS-900001", name="Kept", group=group, cr_document=stored
        )
        gone = Customer.objects.create(
            number="CUS-900002", name="Gone", group=group, cr_document="customers/cr/gone.pdf"
        )
        Customer.objects.create(number="CUS-900003", name="None", group=group)

        apps = _migrate(AFTER)

        CustomerDocument = apps.get_model("customers", "CustomerDocument")
        (document,) = CustomerDocument.objects.all()
        assert document.customer_id == kept.pk and (document.kind, document.version) == ("cr", 1)
        assert document.file.name == stored  # the stored file is reused, not copied
        assert document.size == len(PDF)
        assert document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert not CustomerDocument.objects.filter(customer_id=gone.pk).exists()
        fields = {f.name for f in apps.get_model("customers", "Customer")._meta.get_fields()}
        assert "cr_document" not in fields
    finally:
        _migrate(latest)
