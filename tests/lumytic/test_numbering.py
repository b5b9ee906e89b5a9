import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from lumytic.core.models import DocumentSequence
from lumytic.core.services import allocate_number
from tests.conftest import require


@pytest.mark.django_db
def test_numbers_are_sequential_per_type_and_year():
    assert allocate_number(kind="SO", on=date(2026, 3, 1)) == "SO-2026-00001"
    assert allocate_number(kind="SO", on=date(2026, 7, 1)) == "SO-2026-00002"
    assert allocate_number(kind="PI", on=date(2026, 7, 1)) == "PI-2026-00001"
    assert allocate_number(kind="SO", on=date(2027, 1, 2)) == "SO-2027-00001"


@pytest.mark.django_db
def test_yearless_numbers_use_their_own_width():
    assert allocate_number(kind="CUS", yearly=False, width=6) == "CUS-000001"
    assert allocate_number(kind="CUS", yearly=False, width=6) == "CUS-000002"


@pytest.mark.django_db
def test_a_rolled_back_allocation_leaves_no_gap():
    """A number handed to a transaction that fails is given to the next caller instead."""
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_number(kind="SO", on=date(2026, 1, 1))
        raise RuntimeError("the document was not saved")
    assert allocate_number(kind="SO", on=date(2026, 1, 1)) == "SO-2026-00001"
    assert DocumentSequence.objects.get(kind="SO", year=2026).last_value == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_allocations_on_postgresql_are_distinct_and_consecutive():
    require(connection.vendor == "postgresql", "PostgreSQL")
    workers = 50
    start = threading.Barrier(workers)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def allocate() -> None:
        try:
            start.wait(timeout=30)
            with transaction.atomic():
                number = allocate_number(kind="SO", on=date(2026, 5, 5))
            with lock:
                numbers.append(number)
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(numbers) == [f"SO-2026-{i:05d}" for i in range(1, workers + 1)]
