"""The basis a person in a list is seen on: the SQL twin of `PersonAccess.list_grant` and of
`PersonAccess.relationship_units`, for the lists (search, caseload) that log each person shown.

The lists decide nothing of their own: they start from `policy.visible_persons` and take the
basis from here (`tests/access/test_policy_properties.py` shows the twins agree).
"""

from __future__ import annotations

import datetime

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from helhet.core import raw
from helhet.core.models import Unit
from helhet.people.models import LISTED_FIELDS, Person

from . import policy
from .models import Basis


def with_list_basis(
    persons: QuerySet[Person],
    user,
    *,
    unit_id: int | None,
    on: datetime.date,
    units: dict[int, str] | None = None,
) -> QuerySet[Person]:
    """PERSONS (of `policy.visible_persons`) each with the `list_basis` and `list_consent_id`
    USER, at the active unit UNIT_ID, sees them on (`PersonAccess.list_grant`): own
    organisation when one of USER's organisation's episodes gives the relationship; else
    consent, naming the coordination consent at UNIT_ID, else the newest
    (`policy.listing_consents`); else closed episode (`policy.closed_episodes`), with the
    newest of those closings as `list_closed_on`; else (no relationship) emergency. UNITS as
    for `policy.relationship_episodes`."""
    own = Q(organisation_id=user.organisation_id)
    basis = Case(
        When(own, then=Value(Basis.OWN_ORGANISATION.value)), default=Value(Basis.CONSENT.value)
    )
    # One subquery: the relationship episodes, USER's own organisation's first.
    bases = (
        policy.relationship_episodes(user, on=on, units=units)
        .filter(person=OuterRef("pk"))
        .annotate(basis=basis)
        .order_by(Case(When(own, then=0), default=1))
        .values("basis")[:1]
    )
    consent = policy.listing_consents(user, unit_id=unit_id, on=on, units=units)
    closed = policy.closed_episodes(user, on=on, units=units).filter(person=OuterRef("pk"))
    closed_basis = Case(When(Exists(closed), then=Value(Basis.CLOSED_EPISODE.value)))
    # The closing and the consent are read whatever the basis (asked only of the rows read, not
    # conditioned on the basis: that repeated the basis's SQL in each, three times in all) and
    # kept only with their basis by `settle`; the log reads the consent only with its basis.
    return persons.annotate(
        list_basis=Coalesce(Subquery(bases), closed_basis, Value(Basis.EMERGENCY.value)),
        list_closed_on=Subquery(closed.order_by("-closed_on").values("closed_on")[:1]),
        list_consent_id=Subquery(consent.filter(person=OuterRef("pk")).values("pk")[:1]),
    )


def settle(person):
    """PERSON (a row of `with_list_basis`) with `list_closed_on` only on the closed-episode
    basis and `list_consent_id` only on the consent basis."""
    if person.list_basis != Basis.CLOSED_EPISODE:
        person.list_closed_on = None
    if person.list_basis != Basis.CONSENT:
        person.list_consent_id = None
    return person


def unit_list_basis(user, *, unit: Unit, on: datetime.date, episode: str = "episodes") -> dict:
    """The annotations `list_basis` and `list_consent_id` of a person listed at UNIT through
    their open episode there (EPISODE: that episode's path in the list's query, joined by the
    list): own organisation when the episode is USER's organisation's, else the newest
    coordination consent in force at UNIT — the twin of `PersonAccess.relationship_units`."""
    own = Q(**{f"{episode}__organisation_id": user.organisation_id})
    coordination = policy.coordination_consents(on, person=OuterRef("pk"), unit=unit).values("pk")[
        :1
    ]
    return {
        "list_basis": Case(
            When(own, then=Value(Basis.OWN_ORGANISATION.value)),
            default=Value(Basis.CONSENT.value),
        ),
        "list_consent_id": Case(When(own, then=None), default=Subquery(coordination)),
    }


def persons_through(rule: tuple[str, tuple], ids: list[int]) -> list[Person]:
    """The persons IDS that RULE (the compiled SQL of a list of persons, `raw.compiled_once`)
    has, each with the columns a list shows and logs and whatever else RULE selects (its
    `list_basis`): one query, the rule read through those persons only."""
    if not ids:
        return []
    sql, params = rule
    theirs = Person.objects.filter(pk__in=ids).values("id", *LISTED_FIELDS)
    sql, read_params = raw.compiled_through(Person, sql, list(params), theirs)
    return raw.Sliced(Person, sql, read_params)[: len(ids)]
