"""Each customer's CR document becomes version 1 of its versioned CR documents."""

import hashlib
import os

from django.db import migrations


def _fingerprint(field_file) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65_536), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def cr_documents_to_versions(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerDocument = apps.get_model("customers", "CustomerDocument")
    customers = Customer.objects.exclude(cr_document="").only("pk", "cr_document", "updated_at")
    for customer in customers.iterator(chunk_size=500):
        try:
            size, sha256 = _fingerprint(customer.cr_document)
        except (FileNotFoundError, OSError):
            continue  # the file is already gone from the storage: nothing could serve it
        # The stored file is reused under its own name, not copied.
        CustomerDocument.objects.get_or_create(
            customer_id=customer.pk,
            kind="cr",
            version=1,
            defaults={
                "file": customer.cr_document.name,
                "original_name": os.path.basename(customer.cr_document.name)[:200],
                "size": size,
                "sha256": sha256,
                "uploaded_at": customer.updated_at,
            },
        )


def latest_versions_to_cr_documents(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerDocument = apps.get_model("customers", "CustomerDocument")
    done = set()
    documents = CustomerDocument.objects.filter(kind="cr").order_by("customer_id", "-version")
    for document in documents.iterator(chunk_size=500):
        if document.customer_id not in done:  # the newest version of each customer
            done.add(document.customer_id)
            Customer.objects.filter(pk=document.customer_id).update(cr_document=document.file.name)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_squashed_0007_customer_documents")]

    operations = [
        migrations.RunPython(cr_documents_to_versions, latest_versions_to_cr_documents),
    ]
