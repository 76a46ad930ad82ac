"""Where a page's Python time goes between its SQL statements: each statement with the time
spent in the database and the time since the previous one ended (building the query, the
rows of the previous one, the view's own work), median over REQUESTS requests.

    DATABASE_URL=... .venv/bin/python bench/gaps.py [--page overview] [--requests 100]

Run after bench/run.py has prepared the database (it reuses its subjects).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict

from django.db import connection  # noqa: E402
from run import profiling_setup  # noqa: E402 (bench/run.py sets Django up)


class Gaps:
    def __init__(self):
        self.rows: list[tuple[str, float, float]] = []
        self.last = None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        gap = started - self.last if self.last is not None else 0.0
        try:
            return execute(sql, params, many, context)
        finally:
            self.last = time.perf_counter()
            self.rows.append((sql, gap, self.last - started))


def main() -> int:
    args, client, _pages, page = profiling_setup(__doc__.split("\n\n")[0])
    gaps_by_position: dict[int, list[float]] = defaultdict(list)
    db_by_position: dict[int, list[float]] = defaultdict(list)
    tail: list[float] = []
    sqls: dict[int, str] = {}
    wholes = []
    for _ in range(args.requests):
        gaps = Gaps()
        started = time.perf_counter()
        gaps.last = started
        with connection.execute_wrapper(gaps):
            client.get(page.url)
        ended = time.perf_counter()
        wholes.append(ended - started)
        tail.append(ended - gaps.last)
        for position, (sql, gap, db) in enumerate(gaps.rows):
            gaps_by_position[position].append(gap)
            db_by_position[position].append(db)
            sqls[position] = sql
    print(f"{args.page}: whole request {statistics.median(wholes) * 1000:.2f} ms (median)")
    print(f"{'before ms':>9} {'db ms':>6}  statement")
    for position in sorted(sqls):
        gap = statistics.median(gaps_by_position[position]) * 1000
        db = statistics.median(db_by_position[position]) * 1000
        print(f"{gap:9.2f} {db:6.2f}  {sqls[position][:110]}")
    print(f"{statistics.median(tail) * 1000:9.2f}         (after the last statement)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
