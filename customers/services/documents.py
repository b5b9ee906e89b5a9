"""A customer's documents (its CR document): every version kept, checked and fingerprinted."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lumytic.accounts import roles
from lumytic.core.access import require_office_perm, stored_user
from lumytic.core.uploads import KINDS, display_name, file_kind, fingerprint

from ..models import CUSTOMER_DOCUMENT_VALIDATOR, Customer, CustomerDocument
from .activity import record_activity
from .errors import CustomerError


@transaction.atomic
def add_customer_document(*, customer: Customer, kind: str, file: File, by) -> CustomerDocument:
    """Keep `file` as the next version of one of the customer's documents.

    The content decides whether it is accepted (PDF, PNG, JPEG, size-limited) and the stored
    file's extension; a refused file raises CustomerError and nothing is written.
    """
    require_office_perm(by, roles.CHANGE_CUSTOMER)
    if kind not in CustomerDocument.Kind.values:
        raise CustomerError(_("This is not a kind of customer document."))
    try:
        CUSTOMER_DOCUMENT_VALIDATOR(file)
    except ValidationError as refused:
        raise CustomerError(" ".join(refused.messages)) from refused
    # The customer's row lock numbers the versions one at a time.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    latest = customer.documents.filter(kind=kind).aggregate(latest=Max("version"))["latest"]
    size, sha256 = fingerprint(file)
    content_kind = file_kind(file)
    document = CustomerDocument(
        customer=customer,
        kind=kind,
        version=(latest or 0) + 1,
        original_name=display_name(getattr(file, "name", ""), max_length=200, kind=content_kind),
        size=size,
        sha256=sha256,
        uploaded_by=stored_user(by),
    )
    document.file.save(f"{kind}{KINDS[content_kind][1]}", file, save=False)
    document.save()
    record_activity(
        actor=by,
        verb="document added",
        target=document,
        customer=customer,
        details={
            "document": document.get_kind_display(),
            "version": document.version,
            "file": document.original_name,
            "sha256": sha256,
        },
    )
    return document
