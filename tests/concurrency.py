"""Running actions at once: each in a thread with its own database connection, released
together by a barrier. For PostgreSQL tests (`transactional_db`): SQLite's in-memory test
database is one connection, and its IMMEDIATE transactions serialise writers anyway.

Such a test is marked `django_db(transaction=True, serialized_rollback=True)` — every
transactional test under tests/ is: one flushed without it sends the post-migrate signal, which
makes content types anew under other ids, and the next one's serialized rows then clash — and uses
`seed_rows_put_back` (import it into the module): a transactional test ends by emptying the
database, data migrations' rows included; the other tests run before it in the same session
(pytest-django orders them so), and at the session's end those rows are put back, so that a
database reused by the next session (`--reuse-db`) still has them.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connections


@pytest.fixture(scope="session")
def seed_rows_put_back(django_db_setup, django_db_blocker):
    """At the session's end, the database holds the rows it was made with (serialized then, as
    `serialized_rollback` asks) and nothing else: emptied (without the post-migrate signal,
    which another transactional test's flush sent, so that content types and permissions were
    made anew), then those rows put back."""
    yield
    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                call_command(
                    "flush",
                    database=connection.alias,
                    interactive=False,
                    inhibit_post_migrate=True,
                    verbosity=0,
                )
                connection.creation.deserialize_db_from_string(contents)


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


def meet_after(monkeypatch, module, name: str, parties: int = 2) -> None:
    """Make MODULE.NAME wait, after it has run, until PARTIES callers have reached that point:
    called early inside an action's transaction, it holds every transaction open together
    before any goes on (and fails after 10 s rather than hang if one never comes)."""
    meeting = threading.Barrier(parties, timeout=10)
    original = getattr(module, name)

    def run_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        meeting.wait()
        return result

    monkeypatch.setattr(module, name, run_then_wait)
