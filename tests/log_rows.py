"""The access log as a person's rows: their own, and the lists' rows that name them."""

from helhet.access.models import AccessLogEntry


def rows_about(person, **filters) -> list[AccessLogEntry]:
    """The log rows about PERSON (matching FILTERS), oldest first, each as it concerns them: a
    list's row carries the person's own basis, consent and flags from the sealed list."""
    rows = AccessLogEntry.objects.naming(person.pk).filter(**filters).order_by("id")
    return [about for row in rows if (about := row.as_about(person.pk)) is not None]
