"""The access log as a person's rows: their own, and the lists' rows that name them."""

from helhet.access.models import AccessLogEntry


def rows_about(person, **filters) -> list[AccessLogEntry]:
    """The log rows about PERSON, oldest first, each as it concerns them (a list's row carries
    the person's own basis, consent and flags from the sealed list), that match FILTERS: field
    values compared on the rows as they concern the person, lookups (with "__") in the query."""
    lookups = {k: v for k, v in filters.items() if "__" in k}
    values = {k: v for k, v in filters.items() if "__" not in k}
    rows = AccessLogEntry.objects.naming(person.pk).filter(**lookups).order_by("id")
    about = [a for row in rows if (a := row.as_about(person.pk)) is not None]
    return [a for a in about if all(_key(getattr(a, k)) == _key(v) for k, v in values.items())]


def _key(value):
    """A related object (user=...) compares by its key."""
    return getattr(value, "pk", value)


def named(rows) -> list[int]:
    """The persons ROWS name, in order: each row's person, or each person a list's row names."""
    return [
        person_id
        for row in rows
        for person_id in [row.person_id] + [i.person_id for i in row.listed_persons()]
        if person_id
    ]
