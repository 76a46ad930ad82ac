"""Load the demo county: the fixed organisations, units and staff, then the population."""

import importlib
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from helhet.care.models import ClosureReason

from .county import County, create_county
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
    population = Population(county, seed=seed, today=timezone.localdate())
    for start in range(0, persons, batch_size):
        stop = min(persons, start + batch_size)
        population.batch(start, stop).save(batch_size)
        progress(f"persons {stop}/{persons}")
    return county
