"""Helpers for the page tests: log in with an active unit, read the access log."""

from django.db import connection

from helhet.access.models import AccessLogEntry
from helhet.core.middleware import ACTIVE_UNIT_SESSION_KEY

from ..log_rows import rows_about

# The access log's statements in a request, inside its savepoint: the chain head locked, the
# rows inserted, the head moved; on PostgreSQL the last two are one statement (`access.log`).
LOG_STATEMENTS = 2 if connection.vendor == "postgresql" else 3
# A list's one row adds its index by person: on PostgreSQL in the same statement, elsewhere
# one INSERT more.
LIST_LOG_STATEMENTS = LOG_STATEMENTS + (0 if connection.vendor == "postgresql" else 1)


def log_in(client, user, unit=None):
    """Log USER in; make UNIT the active one when given (else the first of their units)."""
    client.force_login(user)
    if unit is not None:
        session = client.session
        session[ACTIVE_UNIT_SESSION_KEY] = unit.pk
        session.save()
    return client


def log_rows(person=None, **filters):
    """The log rows matching FILTERS; about PERSON when given, the lists' rows that name them
    among them (`rows_about`)."""
    if person is not None:
        return rows_about(person, **filters)
    return list(AccessLogEntry.objects.filter(**filters))


def only_refused(rows) -> bool:
    """ROWS are refused rows only, and there is one at least: a refused request by staff
    leaves its trace (`access.refusals`) and nothing else."""
    rows = list(rows)
    return bool(rows) and all(r.action == AccessLogEntry.Action.REFUSED for r in rows)
