"""Where a person page's time goes: the median of each stage of the view over REQUESTS
requests (access, the page's reads, the log write, the template), in-process.

    DATABASE_URL=... .venv/bin/python bench/split.py [--page overview] [--requests 200]

Run after bench/run.py has prepared the database (it reuses its subjects). The stages are
timed by wrapping the functions the views call; the rest of the request (middleware, session,
response) is what remains of the whole.
"""

from __future__ import annotations

import functools
import statistics
import sys
import time
from collections import defaultdict

from run import profiling_setup  # noqa: E402 (bench/run.py sets Django up)

from helhet.access import log as access_log  # noqa: E402
from helhet.access import policy  # noqa: E402
from helhet.bookings import selectors as bookings_selectors  # noqa: E402
from helhet.contacts import selectors as contacts_selectors  # noqa: E402
from helhet.people import selectors as people_selectors  # noqa: E402
from helhet.timeline import selectors as timeline_selectors  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(list)
CURRENT: dict[str, float] = defaultdict(float)


def timed(name, function):
    """FUNCTION, adding its time to CURRENT[NAME] (the outermost call only: includes render
    templates inside templates)."""
    depth = [0]

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        depth[0] += 1
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                CURRENT[name] += time.perf_counter() - started

    return wrapper


def main() -> int:
    args, client, pages, page = profiling_setup(__doc__.split("\n\n")[0], requests=200)
    from django.db.models.query import QuerySet
    from django.template import Template

    policy.person_access = timed("access", policy.person_access)
    access_log.append = timed("log write", access_log.append)
    Template.render = timed("template", Template.render)
    people_selectors.person_overview = timed("overview reads", people_selectors.person_overview)
    timeline_selectors.timeline_page = timed("timeline reads", timeline_selectors.timeline_page)
    bookings_selectors.entries = timed("calendar rows", bookings_selectors.entries)
    contacts_selectors.contacts_page = timed("contacts reads", contacts_selectors.contacts_page)
    QuerySet._fetch_all = timed("ORM fetches", QuerySet._fetch_all)
    for _ in range(10):
        client.get(page.url)
    for _ in range(args.requests):
        CURRENT.clear()
        started = time.perf_counter()
        response = client.get(page.url)
        total = time.perf_counter() - started
        assert response.status_code == 200
        TIMES["whole request"].append(total)
        for name, value in CURRENT.items():
            TIMES[name].append(value)
    minimal = []
    for _ in range(args.requests):
        started = time.perf_counter()
        client.get(pages["minimal"].url)
        minimal.append(time.perf_counter() - started)
    TIMES["minimal page"] = minimal
    for name, values in TIMES.items():
        print(f"{name:16} {statistics.median(values) * 1000:7.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
