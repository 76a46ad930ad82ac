"""`helhet verify-log`: walk the access log's hash chain and check it against the newest
checkpoint outside the database; exit 1 at the first problem."""

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from helhet.access import checkpoints, log


class Command(BaseCommand):
    help = (
        "Check that no row of the access log was edited, deleted, inserted or reordered, and"
        " that the log still holds the row the newest checkpoint names."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="the checkpoint file to check against (default: the one in"
            " HELHET_LOG_CHECKPOINT_DIR), e.g. a copy kept with a backup or from the collector",
        )
        parser.add_argument(
            "--until",
            help="only the checkpoints written up to this time (ISO 8601, e.g."
            " 2026-12-05T03:00+01:00): the time a restored backup was taken",
        )
        parser.add_argument(
            "--processes",
            type=int,
            help="processes that walk the chain, each a range of rows (default: one a CPU on"
            " PostgreSQL, one on SQLite)",
        )

    def handle(self, *args, **options) -> None:
        until = _time(options["until"]) if options["until"] else None
        path = options["checkpoints"] or checkpoints.checkpoint_file()
        # The checkpoints first: each names a row committed before it was written, so a row
        # appended while the chain is walked cannot make one look ahead of the log.
        found, bad = checkpoints.read(path, until=until)
        if bad:
            number, reason = bad[0]
            self.stderr.write(f"Access log broken: checkpoint line {number} of {path}: {reason}")
            sys.exit(1)
        newest = max(found, key=lambda checkpoint: checkpoint.entry_id, default=None)
        result = log.verify_log(processes=options["processes"] or _processes(), checkpoint=newest)
        if result.problem is not None:
            self.stderr.write(f"Access log broken: {result.problem}")
            sys.exit(1)
        if newest is None:
            self.stderr.write(f"No checkpoint to check the log's end against in {path}")
            self.stdout.write(f"Access log intact: {result.rows} rows")
        else:
            self.stdout.write(
                f"Access log intact: {result.rows} rows; it holds row {newest.entry_id} as the"
                f" checkpoint of {newest.written_label()} names it"
            )


def _time(text: str):
    moment = parse_datetime(text)
    if moment is None:
        raise CommandError(f"--until: not a time: {text!r} (e.g. 2026-12-05T03:00+01:00)")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _processes() -> int:
    """One process a CPU on PostgreSQL; SQLite's database may be in memory (tests)."""
    return (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
