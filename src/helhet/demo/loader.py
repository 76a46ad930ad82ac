"""Load the demo county: the fixed organisations, units and staff, then the population."""

import importlib
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from helhet.care.models import ClosureReason
from helhet.reminders.tasks import refresh_reminders

from .county import County, create_county
from .journeys import CONTACT_DAYS
from .population import Population

BATCH_SIZE = 5000


def ensure_closure_reasons() -> None:
    """The catalogue comes from a data migration; put it back if the database was flushed."""
    migration = importlib.import_module("helhet.care.migrations.0003_closure_reasons")
    for code, name in migration.REASONS:
        ClosureReason.objects.get_or_create(code=code, defaults={"name": name})


@transaction.atomic
def load(
    *,
    persons: int,
    seed: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] = lambda line: None,
) -> County:
    """Create the demo county with PERSONS persons, all in one transaction."""
    ensure_closure_reasons()
    county = create_county()
    population = Population(
        county, seed=seed, today=timezone.localdate(), contact_days=contact_days(persons)
    )
    for start in range(0, persons, batch_size):
        stop = min(persons, start + batch_size)
        population.batch(start, stop).save(batch_size)
        progress(f"persons {stop}/{persons}")
    population.inboxes().save(batch_size)
    if connection.vendor == "postgresql":
        # A bulk load leaves the planner without statistics until autovacuum comes by: at
        # 100,000 persons the task list then took over a minute instead of a quarter second.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    refresh_reminders.call()  # the task lists are ready at once; the worker keeps them fresh
    return county


def contact_days(persons: int) -> int:
    """Days of contacts, drug tests and dispensing per person: two weeks in a big county (and
    assessments at intake only), so that it still loads in a few minutes."""
    return CONTACT_DAYS if persons <= LARGE else LARGE_CONTACT_DAYS


LARGE, LARGE_CONTACT_DAYS = 10_000, 14
