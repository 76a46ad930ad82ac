"""How fast `helhet verify-log` walks a long access log.

    .venv/bin/python bench/verify_log.py [--rows 10000000] [--processes 2] [--profile]

1. Creates the PostgreSQL database `helhet_bench_log` (or uses DATABASE_URL) and migrates it.
2. Unless the log already holds exactly ROWS rows, empties it and writes ROWS rows sealed in
   Python (`log.seal_values`, the rule `append` uses) with COPY, and moves the chain head to the
   last one; one row in a hundred carries `earlier_records` (a field sealed only where set).
3. Times `log.verify_log` (PROCESSES forked processes, one id range each) and prints rows/s,
   with the load average (the machine is shared: other work slows the wall clock).
4. --cpu-sample N: walks the first N rows in this process and prints the CPU time a row costs
   here and in its PostgreSQL backend (read from /proc: the server must be local), and what
   that makes ROWS on PROCESSES otherwise idle cores; --profile runs cProfile over a walk.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import pstats
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "src")]
os.environ.setdefault("HELHET_DEV", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/helhet_bench_log")
os.environ["DJANGO_SETTINGS_MODULE"] = "helhet.settings"

import django  # noqa: E402
import psycopg  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from helhet.access import log  # noqa: E402
from helhet.access.models import AccessLogEntry, LogChainHead  # noqa: E402


def create_database() -> None:
    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres",
        password=db["PASSWORD"] or None, autocommit=True,
    )  # fmt: skip
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if exists.fetchone() is None:
            admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


def generate(rows: int) -> None:
    """ROWS sealed rows, written with COPY in one transaction; the head moved to the last."""
    table = AccessLogEntry._meta.db_table
    columns = [*log.sealed_columns(), "previous_hash", "hash"]
    names = ", ".join(AccessLogEntry._meta.get_field(name).column for name in columns)
    mac, previous_hash = log.log_mac(), log.GENESIS
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for entry_id in range(1, rows + 1):
                values = [
                    entry_id,
                    start + datetime.timedelta(microseconds=entry_id * 3_000_017),
                    1 + entry_id % 500,
                    1 + entry_id % 2,
                    1 + entry_id % 40,
                    1 + entry_id % 100_000,
                    "read",
                    f"overview:{entry_id % 7}",
                    "own_organisation",
                    None,
                    f"{entry_id:032x}",
                    False,
                    entry_id % 997 == 0,
                    False,
                    entry_id % 100 == 0,  # earlier_records
                    "",  # listed: a list's rows are the benchmark's of bench/log_overhead.py
                ]
                sealed = log.seal_values(values, previous_hash, mac)
                copy.write_row([*values, previous_hash, sealed])
                previous_hash = sealed
                if entry_id % 1_000_000 == 0:
                    print(f"  {entry_id:,} rows, {time.perf_counter() - started:.0f} s")
        LogChainHead.objects.update_or_create(
            pk=1, defaults={"last_entry_id": rows, "last_hash": previous_hash, "entries": rows}
        )
        cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"generated {rows:,} rows in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cpu-sample", type=int, default=0)
    parser.add_argument("--no-walk", action="store_true", help="only the CPU sample")
    args = parser.parse_args()
    create_database()
    call_command("migrate", verbosity=0)
    if AccessLogEntry.objects.count() != args.rows:
        generate(args.rows)
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(log.verify_log)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(20)
        return
    if args.cpu_sample:
        cpu_sample(args.cpu_sample, args.rows, args.processes)
    if args.no_walk:
        return
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    result = log.verify_log(processes=args.processes)
    seconds = time.perf_counter() - started
    rate = result.rows / seconds
    print(f"verify-log: {result.rows:,} rows in {seconds:.1f} s, {rate:,.0f} rows/s")
    print(f"  {args.processes} processes; problem: {result.problem}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    sys.exit(0 if result.problem is None else 1)


def cpu_sample(rows: int, total: int, processes: int) -> None:
    """The CPU time a row costs, here and in the PostgreSQL backend, over a walk of ROWS."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before, before = _cpu_seconds(backend), time.process_time()
    segment = log._walk(1, rows, 20_000)
    here = (time.process_time() - before) / segment.rows
    there = (_cpu_seconds(backend) - backend_before) / segment.rows
    estimate = total * (here + there) / processes
    print(
        f"CPU a row: {here * 1e6:.2f} µs here + {there * 1e6:.2f} µs in PostgreSQL;"
        f" {total:,} rows on {processes} idle cores: about {estimate:.0f} s"
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
