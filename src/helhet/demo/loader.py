"""Load the demo county: the fixed organisations, units and staff, then the population."""

import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

from helhet.care.models import ClosureReason
from helhet.followup import summaries
from helhet.reminders.tasks import refresh_reminders

from .blocks import add_blocks
from .bookings import add_bookings
from .conferences import add_conferences
from .county import County, create_county
from .governance import add_agreements
from .journeys import DEFAULT_YEARS
from .population import Population
from .surveys import add_surveys

BATCH_SIZE = 2000  # persons at a time, with their whole history (and rows per bulk insert)


def ensure_closure_reasons() -> None:
    """The catalogue comes from a data migration; put it back if the database was flushed."""
    migration = importlib.import_module("helhet.care.migrations.0003_closure_reasons")
    for code, name in migration.REASONS:
        ClosureReason.objects.get_or_create(code=code, defaults={"name": name})


@transaction.atomic
def load(
    *,
    persons: int,
    years: int = DEFAULT_YEARS,
    seed: int = 1,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] = lambda line: None,
) -> County:
    """Create the demo county with PERSONS persons and YEARS of their history, all in one
    transaction."""
    if connection.vendor == "postgresql":
        # Check foreign keys as each COPY ends, not all at the commit: millions of deferred
        # checks queued to the end cost memory and time.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    ensure_closure_reasons()
    county = create_county()
    population = Population(county, seed=seed, today=timezone.localdate(), years=years)
    contacts = 0
    # The next batch is generated (pure Python, in order) while this one is saved, which
    # mostly waits for the database: a quarter less time at 3,000 persons on two cores.
    ranges = [(start, min(persons, start + batch_size)) for start in range(0, persons, batch_size)]
    with ThreadPoolExecutor(max_workers=1) as generator:
        batches = {0: generator.submit(population.batch, *ranges[0])} if ranges else {}
        for number, (_start, stop) in enumerate(ranges):
            batch = batches.pop(number).result()
            if number + 1 < len(ranges):
                batches[number + 1] = generator.submit(population.batch, *ranges[number + 1])
            batch.save(batch_size)
            contacts += len(batch.contacts)
            progress(f"persons {stop}/{persons}, contacts {contacts}")
    population.inboxes().save(batch_size)
    add_blocks(county, today=timezone.localdate())
    add_conferences(county, today=timezone.localdate())
    add_bookings(county, today=timezone.localdate())
    add_agreements(county, today=timezone.localdate())
    add_surveys(county, today=timezone.localdate(), seed=seed)
    summaries.fix()  # the follow-up's summaries of the rows inserted in bulk above
    if connection.vendor == "postgresql":
        # A bulk load leaves the planner without statistics until autovacuum comes by: at
        # 100,000 persons the task list then took over a minute instead of a quarter second.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    refresh_reminders.call()  # the task lists are ready at once; the worker keeps them fresh
    return county
