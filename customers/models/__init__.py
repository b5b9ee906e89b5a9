"""The customers app's models, a module per aggregate; import them from here."""

from .address import ADDRESS_PARTS, Addresses, address_lines, address_text  # noqa: F401
from .customer import (  # noqa: F401
    Contact,
    Customer,
    CustomerGroup,
    CustomerQuerySet,
    Tag,
    advised_only,
    validate_currency,
)
from .imports import CustomerImport  # noqa: F401
from .lists import ListPreference  # noqa: F401
from .records import (  # noqa: F401
    CUSTOMER_DOCUMENT_MAX_BYTES,
    CUSTOMER_DOCUMENT_VALIDATOR,
    ActivityEntry,
    Credit,
    CustomerDocument,
    Note,
    Reminder,
)
