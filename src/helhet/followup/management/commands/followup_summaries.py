"""`helhet followup_summaries [--fix]`: recompute the follow-up's summaries from the raw rows,
print every difference and exit 1 if there is one; with --fix rewrite what differs."""

import sys

from django.core.management.base import BaseCommand

from helhet.followup import summaries


class Command(BaseCommand):
    help = (
        "Recompute the follow-up's summaries (per unit, person and month, quarter and year)"
        " from the contacts, bookings, interventions, dispensings and drug tests, and print"
        " every figure that differs; exit status 1 when one does, unless --fix rewrote them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="rewrite the summaries that differ from the rows"
        )

    def handle(self, *args, **options) -> None:
        found = summaries.check()
        for difference in found:
            self.stdout.write(f"differs: {difference}")
        if options["fix"]:
            written = summaries.fix() if found else 0
            self.stdout.write(f"{len(found)} differences; {written} summary rows rewritten")
            return
        if found:
            self.stderr.write(f"{len(found)} differences between the summaries and the raw rows")
            sys.exit(1)
        self.stdout.write("The summaries match the raw rows.")
