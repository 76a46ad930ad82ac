"""`helhet export-log`: the access log as JSON lines on standard output, for a log collector.

Each row is one line: its sealed fields (`at` in UTC, ISO 8601), its `previous_hash` and its
`hash`, in id order. The position is the last row's id written and flushed: given with
`--after`, or kept in the file `--position` names (written after each batch has been flushed,
replaced atomically), so that a collector that stops, or a pipe that breaks, loses nothing: the
next run starts after the last row written out. A row may come twice after a crash (between
the flush and the position's write); the collector keeps one per `id`, and a gap or a repeat is
visible from `id` and `previous_hash`. `--follow` keeps polling for new rows.
"""

import os
import sys
import time
from datetime import UTC
from pathlib import Path

import orjson
from django.core.management.base import BaseCommand, CommandError

from helhet.access import log
from helhet.access.models import AccessLogEntry


class Command(BaseCommand):
    help = "Print the access-log rows after a position as JSON lines (for a log collector)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--after", type=int, help="start after this row id")
        parser.add_argument(
            "--position",
            type=Path,
            help="a file that keeps the last row id written: read at the start (unless"
            " --after), rewritten after each batch",
        )
        parser.add_argument("--follow", action="store_true", help="keep polling for new rows")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between polls (--follow)"
        )
        parser.add_argument("--batch", type=int, default=5000, help="rows read at a time")

    def handle(self, *args, **options) -> None:
        position_file: Path | None = options["position"]
        after = options["after"]
        if after is None:
            after = _read_position(position_file) if position_file else 0
        columns = (*log.sealed_columns(), "previous_hash", "hash")
        rows = AccessLogEntry.objects.order_by("id").values_list(*columns)
        while True:
            batch = list(rows.filter(id__gt=after)[: options["batch"]])
            if batch:
                try:
                    self.stdout.write("".join(_line(columns, row) for row in batch), ending="")
                    self.stdout.flush()
                except BrokenPipeError:
                    sys.exit(1)  # the collector is gone: the position stays before this batch
                after = batch[-1][0]
                if position_file:
                    _write_position(position_file, after)
            if len(batch) < options["batch"]:
                if not options["follow"]:
                    return
                time.sleep(options["interval"])


def _line(columns, row) -> str:
    data = dict(zip(columns, row, strict=True))
    data["at"] = data["at"].astimezone(UTC).isoformat()
    return orjson.dumps(data).decode() + "\n"


def _read_position(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        return int(path.read_text().strip() or 0)
    except ValueError as e:
        raise CommandError(f"{path} does not hold a row id") from e


def _write_position(path: Path, after: int) -> None:
    """Write AFTER to PATH through a new file renamed over it: never half a number."""
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(f"{after}\n")
    os.replace(temporary, path)
