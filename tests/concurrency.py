"""Running actions at once: each in a thread with its own database connection, released
together by a barrier. For PostgreSQL tests (`transactional_db`): SQLite's in-memory test
database is one connection, and its IMMEDIATE transactions serialise writers anyway."""

import threading

from django.db import connections


def at_once(*calls) -> list:
    """Run CALLS together; their outcomes in order: the result, or the exception raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the outcome is what the test looks at
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def in_turn(*calls) -> list:
    """Run CALLS one after the other; their outcomes as `at_once` gives them."""
    outcomes: list = []
    for call in calls:
        try:
            outcomes.append(call())
        except Exception as error:  # noqa: BLE001
            outcomes.append(error)
    return outcomes
