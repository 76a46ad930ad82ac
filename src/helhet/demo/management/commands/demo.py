"""`helhet demo`: load the fictional demo county (organisations, units, staff and persons)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from helhet.core.models import Organisation
from helhet.demo.county import logins_table
from helhet.demo.journeys import DEFAULT_YEARS
from helhet.demo.loader import BATCH_SIZE, load
from helhet.demo.showcase import hints
from helhet.people.models import Person

MAX_YEARS = 20  # the test identity numbers and the units' ages stay meaningful


class Command(BaseCommand):
    help = (
        "Load the demo county: Region Demoland, Norrby and Söderby, three units, staff with "
        "demo logins, a steering group and PERSONS persons with test identity numbers, with "
        "YEARS of referrals, episodes, assessments, contacts, interventions, drug tests, "
        "dispensing, plans and SIPs. Does nothing if "
        "organisations exist. Refuses to run unless HELHET_DEV or HELHET_DEMO is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons", type=int, default=300, help="How many persons to create (default 300)."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=DEFAULT_YEARS,
            help=f"Years of history before today (default {DEFAULT_YEARS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random generator (default 1)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per bulk insert (default {BATCH_SIZE}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though neither HELHET_DEV nor HELHET_DEMO is set.",
        )

    def handle(self, *args, persons, years, seed, batch_size, force, **options):
        if not (settings.DEV or settings.DEMO or force):
            raise CommandError(
                "The demo county sets a known password on its logins: set HELHET_DEMO=1 (or "
                "HELHET_DEV=1) or pass --force, and never on a production database."
            )
        if persons < 0 or batch_size < 1:
            raise CommandError("--persons must be 0 or more and --batch-size 1 or more.")
        if not 1 <= years <= MAX_YEARS:
            raise CommandError(f"--years must be from 1 to {MAX_YEARS}.")
        if Organisation.objects.exists():
            self.stdout.write("Demo county already loaded (organisations exist): nothing done.")
            self.stdout.write("")
            self._logins(Person.objects.count())
            return
        started = time.monotonic()
        load(
            persons=persons,
            years=years,
            seed=seed,
            batch_size=batch_size,
            progress=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo county loaded: {persons} persons, {years} years of history, in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write("")
        self._logins(persons)

    def _logins(self, persons: int) -> None:
        self.stdout.write(logins_table())
        if tried := hints(persons):
            self.stdout.write("")
            self.stdout.write(tried)
