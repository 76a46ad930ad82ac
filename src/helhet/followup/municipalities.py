"""The follow-up by municipality: the group of a person is their municipality of residence
(`people.Person.municipality`, as registered now: no value is kept per episode), or "unknown
municipality" when none is registered.

The group key is the person's foreign key itself ("municipality:<id>", "municipality:unknown"),
not a `Case` over a list: neither the query nor its text grows with the number of
municipalities, and a person from anywhere is counted in their own municipality (an ACT or SPOT
team takes residents of any). The groups of a report are the municipalities the unit serves
(`Unit.municipalities`, shown even at 0) and those that occur in its figures, then "unknown":
their names are one query of at most the country's 290 municipalities.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Count, Expression, F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Municipality

from .report import Group

PREFIX = "municipality:"
UNKNOWN = f"{PREFIX}unknown"
UNKNOWN_LABEL = _("Unknown municipality")
SERVED_LABEL = _("By municipality: those the units serve")
OTHERS_LABEL = _("By municipality: the others")


def group_expression(person: str = "person") -> Expression:
    """The group key of the person at the lookup PERSON, computed in the database."""
    municipality = Cast(F(f"{person}__municipality"), CharField())
    return Concat(Value(PREFIX), Coalesce(municipality, Value("unknown")), output_field=CharField())


def key_of(municipality_id: int) -> str:
    return f"{PREFIX}{municipality_id}"


def municipality_id(key: str) -> int | None:
    """The municipality's id of the group KEY; None for "unknown" or a key of another kind."""
    if not key.startswith(PREFIX) or key == UNKNOWN:
        return None
    try:
        return int(key.removeprefix(PREFIX))
    except ValueError:
        return None


def groups(unit_ids: Iterable[int], keys: Iterable[str]) -> list[Group]:
    """The groups of a report by municipality at UNIT_IDS whose figures have the group KEYS:
    the units' served municipalities and those found, by name, then "unknown" (one query)."""
    found = {pk for pk in map(municipality_id, keys) if pk is not None}
    rows = (
        Municipality.objects.filter(Q(pk__in=found) | Q(unit__in=list(unit_ids)))
        .distinct()
        .order_by("name", "code")
        .values_list("pk", "name")
    )
    return [Group(key_of(pk), name) for pk, name in rows] + [Group(UNKNOWN, str(UNKNOWN_LABEL))]


def choice_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The option groups of the municipalities' groups (reference data, one query): those the
    county's units serve (`Unit.municipalities`) first, then the other municipalities and
    "unknown" — a trend's or a comparison's column by municipality, without scrolling through
    the country's 290 to find the few a unit serves."""
    rows = (
        Municipality.objects.alias(units=Count("unit"))
        .annotate(served=Q(units__gt=0))
        .order_by("name", "code")
        .values_list("pk", "name", "served")
    )
    served = [(key_of(pk), name) for pk, name, is_served in rows if is_served]
    others = [(key_of(pk), name) for pk, name, is_served in rows if not is_served]
    return [
        (str(SERVED_LABEL), served),
        (str(OTHERS_LABEL), others + [(UNKNOWN, str(UNKNOWN_LABEL))]),
    ]
