"""The yearly cost statement of an agreement: each party's own costs and its part of the shared
costs by the year's key — the one rule (`divide`) for the page, the xlsx and the PDF.

- Fixed shares: each party's percent.
- By population or by use: the parties that are not municipalities take their fixed percent;
  the rest is divided among the municipal parties by their municipality's population that
  year (the latest known up to it), or by use: the clients enrolled at the agreement's units
  during the year and resident in the municipality (`enrolled_by_municipality`: the
  follow-up's figure "enrolled" by municipality, by its rules — `followup.indicators.clients`,
  relatives enrolled for their own support are not counted; `enrolled_between`; the breakdown's
  group `followup.municipalities.group_expression` — a count, no person named).

Disclosure control of the use key (`rounded_use`): each count is rounded up to a multiple of
five before anything is computed from it — the rule is "a municipality with use pays for at
least five" — and only the rounded count is shown. The percents and kronor follow from the
rounded counts, so no count under five, nor the difference from a follow-up figure (relatives,
another unit), can be worked out from the page, the xlsx or the PDF: a rounded count stands
for any of five true ones.
Amounts are whole kronor, each part rounded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from helhet.care.models import Episode
from helhet.core.models import Organisation
from helhet.followup import municipalities
from helhet.followup.indicators import clients, enrolled_between
from helhet.followup.report import Cell

from . import access
from .models import Agreement, Cost, CostKey, KeyApproval, Population

HUNDRED = Decimal(100)
USE_STEP = 5  # use counts are rounded up to a multiple of this (`rounded_use`)


@dataclass
class PartyLine:
    organisation: Organisation
    own: int = 0
    percent: Decimal = Decimal(0)
    basis: Cell | None = None  # the population or the use count behind the percent
    shared: int = 0

    @property
    def total(self) -> int:
        return self.own + self.shared


@dataclass
class Statement:
    agreement: Agreement
    year: int
    key: CostKey | None
    costs: list[Cost]
    lines: list[PartyLine]
    notes: list[str] = field(default_factory=list)
    proposal: CostKey | None = None  # a key waiting for the parties' approval
    approvals: list[tuple[Organisation, KeyApproval | None]] = field(default_factory=list)

    @property
    def shared_costs(self) -> list[Cost]:
        return [cost for cost in self.costs if cost.party_id is None]

    @property
    def own_costs(self) -> list[Cost]:
        return [cost for cost in self.costs if cost.party_id is not None]

    @property
    def shared_total(self) -> int:
        return sum(cost.amount for cost in self.shared_costs)

    @property
    def total(self) -> int:
        return sum(cost.amount for cost in self.costs)


def enrolled_by_municipality(agreement: Agreement, year: int) -> dict[int, int]:
    """Clients enrolled at AGREEMENT's units at some time in YEAR, by municipality of residence
    (id): one aggregate query, by the follow-up's rules — enrolled in the period
    (`enrolled_between`), clients only (`clients`: relatives enrolled for their own support
    are not), grouped as its breakdown by municipality (`municipalities.group_expression`) —
    so a unit's figure "enrolled" by municipality for the year is this count (a person
    enrolled at two of the units counts once here). Exact counts: shown only through
    `rounded_use`."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    episodes = clients(Episode.objects.filter(unit__agreements=agreement))
    rows = (
        enrolled_between(episodes, first, last)
        .order_by()
        .values(g=municipalities.group_expression("person"))
        .annotate(persons=Count("person", distinct=True))
    )
    found = {municipalities.municipality_id(row["g"]): row["persons"] for row in rows}
    return {pk: persons for pk, persons in found.items() if pk is not None}


def rounded_use(count: int) -> int:
    """COUNT rounded up to a multiple of `USE_STEP` (0 stays 0): a municipality with use pays
    for at least five, and a count under five cannot be told from the rounded one."""
    return -(-count // USE_STEP) * USE_STEP


def population_by_municipality(municipality_ids: list[int], year: int) -> dict[int, int]:
    """Each municipality's population in YEAR, else the latest year before it."""
    found: dict[int, int] = {}
    rows = Population.objects.filter(municipality__in=municipality_ids, year__lte=year).order_by(
        "municipality", "-year"
    )
    for row in rows:
        found.setdefault(row.municipality_id, row.population)
    return found


def divide(agreement: Agreement, key: CostKey | None, parties: list[Organisation], year: int):
    """Each party's percent of the shared costs by KEY (the key in force: every party has
    approved it) and the figure behind it, and notes on what could not be divided."""
    lines = {o.pk: PartyLine(o) for o in parties}
    notes: list[str] = []
    if key is None:
        notes.append(_("No key is agreed for this year: the shared costs are not divided."))
        return lines, notes
    fixed = {share.organisation_id: share.percent for share in key.shares.all()}
    if key.method == CostKey.Method.FIXED:
        for pk, line in lines.items():
            line.percent = fixed.get(pk, Decimal(0))
        return lines, notes
    municipal = [o for o in parties if o.kind == Organisation.Kind.MUNICIPALITY]
    for o in parties:
        if o.kind != Organisation.Kind.MUNICIPALITY:
            lines[o.pk].percent = fixed.get(o.pk, Decimal(0))
    rest = HUNDRED - sum((line.percent for line in lines.values()), Decimal(0))
    municipality_ids = [o.municipality_id for o in municipal if o.municipality_id]
    if key.method == CostKey.Method.POPULATION:
        measure = population_by_municipality(municipality_ids, year)
    else:
        exact = enrolled_by_municipality(agreement, year)
        measure = {pk: rounded_use(count) for pk, count in exact.items()}
    weights = {o.pk: measure.get(o.municipality_id or 0, 0) for o in municipal}
    whole = sum(weights.values())
    for o in municipal:
        lines[o.pk].basis = Cell(weights[o.pk])
        if whole:
            lines[o.pk].percent = (rest * weights[o.pk] / whole).quantize(Decimal("0.01"))
    if not whole:
        notes.append(_("There is nothing to divide the municipalities' part by this year."))
    return lines, notes


def statement(agreement: Agreement, year: int) -> Statement:
    """The statement of YEAR: the costs, and per party its own costs, its percent of the shared
    ones, that part in kronor and its total."""
    parties = list(access.parties(agreement).select_related("municipality"))
    keys = CostKey.objects.filter(agreement=agreement, year=year).select_related(
        "set_by", "set_by_party"
    )
    key = keys.filter(state=CostKey.State.IN_FORCE).first()
    costs = list(
        Cost.objects.filter(agreement=agreement, year=year)
        .select_related("party")
        .order_by("party__name", "kind", "pk")
    )
    lines, notes = divide(agreement, key, parties, year)
    result = Statement(agreement, year, key, costs, list(lines.values()), notes)
    result.proposal = (
        keys.filter(state=CostKey.State.PROPOSED).prefetch_related("shares__organisation").first()
    )
    if result.proposal is not None:
        approvals = result.proposal.approvals.select_related("approved_by")
        by_party = {approval.organisation_id: approval for approval in approvals}
        result.approvals = [(party, by_party.get(party.pk)) for party in parties]
    shared = Decimal(result.shared_total)
    for line in result.lines:
        line.own = sum(c.amount for c in costs if c.party_id == line.organisation.pk)
        line.shared = int((shared * line.percent / HUNDRED).quantize(1, rounding=ROUND_HALF_UP))
    other = [c for c in costs if c.party_id and c.party_id not in lines]
    if other:
        notes.append(_("Some costs are borne by an organisation that is no longer a party."))
    return result
