"""Staffing agreed against actual: per party and profession, the agreed positions (their number,
their full-time equivalents, the vacant ones) beside the staff actually working at the
agreement's units (their unit memberships, `core.Membership`, by employer and profession). Two
aggregate queries; nothing names a person."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from helhet.core.models import Membership, User

from . import access
from .models import Agreement, Position


@dataclass
class StaffingRow:
    organisation: str
    profession: str
    positions: int = 0
    full_time: Decimal = Decimal(0)  # full-time equivalents agreed
    vacant: int = 0
    actual: int = 0  # staff members at the units

    @property
    def difference(self) -> int:
        return self.actual - (self.positions - self.vacant)


def staffing(agreement: Agreement) -> list[StaffingRow]:
    parties = {o.pk: o.name for o in access.parties(agreement)}
    labels = dict(User.Profession.choices)
    rows: dict[tuple[int, str], StaffingRow] = {}

    def row(organisation_id: int, profession: str) -> StaffingRow:
        place = (organisation_id, profession or "")
        if place not in rows:
            name = parties.get(organisation_id, "")
            rows[place] = StaffingRow(name, str(labels.get(profession, "–")))
        return rows[place]

    agreed = (
        Position.objects.filter(agreement=agreement)
        .values("employer", "profession")
        .annotate(n=Count("pk"), percent=Sum("percent"), vacant=Count("pk", filter=Q(vacant=True)))
    )
    for found in agreed:
        r = row(found["employer"], found["profession"])
        r.positions, r.vacant = found["n"], found["vacant"]
        r.full_time = Decimal(found["percent"]) / 100
    actual = (
        Membership.objects.filter(
            unit__agreements=agreement, user__is_active=True, user__organisation__in=list(parties)
        )
        .values("user__organisation", "user__profession")
        .annotate(n=Count("user", distinct=True))
    )
    for seen in actual:
        row(seen["user__organisation"], seen["user__profession"]).actual = seen["n"]
    return sorted(rows.values(), key=lambda r: (r.organisation, r.profession))
