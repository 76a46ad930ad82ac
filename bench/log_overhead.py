"""What the access log adds to a page: each page timed with the real log write and with the
log write swapped out, in one process, interleaved request by request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helhet_bench \\
        .venv/bin/python bench/log_overhead.py [--requests 200] [--max-seconds 600]

Run after bench/run.py has prepared the database (it reuses its subjects: the clinic's region
nurse with the biggest caseload, her person with the longest history, the common family name).
The pages: the caseload, the whole unit's caseload, the name search and the person's overview.
"Swapped out" makes `log.append` (sealing and inserting the rows and a list's index by
person, moving the chain head, the COMMIT) do nothing; everything else the page does to log
(building the rows, finding a list's consents) stays. The target (issue 15): logging adds
at most 10 % to every page. Exit status 1 when a page's overhead is above it.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from contextlib import contextmanager
from unittest import mock

from run import (  # noqa: E402 (bench/run.py sets Django up)
    build_pages,
    check_pages,
    choose_subjects,
    logged_in_client,
    long_history_person,
    timed_request,
)

from helhet.access import log  # noqa: E402
from helhet.access.models import AccessLogEntry  # noqa: E402

PAGES = ("caseload", "caseload?scope=unit", "search?q=", "overview")
TARGET = 0.10


@contextmanager
def log_swapped_out():
    """The log write as a no-op: `append` returns its rows unsealed and unsaved."""
    with mock.patch.object(log, "append", side_effect=lambda entries, **_: list(entries)):
        yield


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a page a mode")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()

    setup = choose_subjects(None)
    setup.long_person = long_history_person(setup)
    pages = [
        p
        for p in build_pages(setup)
        if any(p.name == w or (w.endswith("=") and p.name.startswith(w)) for w in PAGES)
    ]
    client = logged_in_client(setup)
    check_pages(client, pages)
    rows_before = AccessLogEntry.objects.count()
    for _ in range(args.warmup):
        for page in pages:
            timed_request(client, page)
            with log_swapped_out():
                timed_request(client, page)
    times: dict[str, dict[str, list[float]]] = {p.name: {"real": [], "none": []} for p in pages}
    gc.collect()
    started = time.perf_counter()
    for i in range(args.requests):
        for page in pages:
            # Alternate which goes first, so that neither always follows the other.
            order = ("real", "none") if i % 2 == 0 else ("none", "real")
            for mode in order:
                if mode == "real":
                    times[page.name][mode].append(timed_request(client, page))
                else:
                    with log_swapped_out():
                        times[page.name][mode].append(timed_request(client, page))
        if time.perf_counter() - started > args.max_seconds:
            print(f"stopped after {i + 1} rounds (--max-seconds)", file=sys.stderr)
            break
    rows_written = AccessLogEntry.objects.count() - rows_before

    print(
        f"\nUser {setup.user.username} at {setup.clinic.name}, caseload {setup.caseload_size},"
        f" family name {setup.family_name}; {len(times[pages[0].name]['real'])} requests a page"
        f" a mode; {rows_written} log rows written."
    )
    print(f"{'page':<38} {'with log':>10} {'without':>10} {'overhead':>9}")
    failed = False
    for page in pages:
        real = statistics.median(times[page.name]["real"]) * 1000
        none = statistics.median(times[page.name]["none"]) * 1000
        overhead = real / none - 1
        failed |= overhead > TARGET
        print(f"{page.name:<38} {real:>8.2f}ms {none:>8.2f}ms {overhead:>8.1%}")
    print(f"target: at most {TARGET:.0%} on every page: {'NOT MET' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
