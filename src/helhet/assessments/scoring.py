"""Scoring a filled-in instrument: total, sub-scores, zone and cut-offs for one person.

Answers map an item number to the SCORE of the chosen option (not its position on the form):
AUDIT item 9 is answered 0, 2 or 4. Scores are what the form shows and what a clinician adds up,
and stored answers stay readable without the instrument file. An unanswered item is left out
of the mapping or given as None; an incomplete form is valid, it just has no total and no zone.

    result = score(bundled_instrument("audit"), {1: 4, 2: 3, ...}, sex="female", age=42)
    result.total, result.zone, result.cutoff.description, result.cutoff.at_or_above

A cut-off on a sub-score (AUDIT-C) is read as soon as the sub-score's own items are answered,
even when the rest of the form is not.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from helhet.people.identity import LegalSex

from .instruments import (
    TOTAL,
    Cutoff,
    Instrument,
    RaiseCondition,
    Text,
    Zone,
)

Answers = Mapping[int, int | None]


class InvalidAnswer(ValueError):
    """An answer that the instrument does not allow; `item` names the item (None: not one)."""

    def __init__(self, message: str, *, item: int | None = None):
        super().__init__(message)
        self.item = item


@dataclass(frozen=True)
class CutoffResult:
    """One cut-off as it applied to this person."""

    cutoff: Cutoff
    value: int  # the threshold: the score is "at or above" from this value on
    description: Text  # e.g. "AUDIT ≥ 6, women"
    variant: str | None  # the configured variant, None for the default table
    score: int | None  # the score compared (the total or the sub-score); None when unanswered
    at_or_above: bool | None  # None when the score is incomplete

    @property
    def code(self) -> str:
        return self.cutoff.code


@dataclass(frozen=True)
class Result:
    instrument: Instrument
    answers: Mapping[int, int]  # the answered items only
    missing: tuple[int, ...]  # unanswered item numbers, in order
    total: int | None
    subscores: Mapping[str, int | None]
    zone: Zone | None  # after the zone-raising rule
    zone_by_total: Zone | None  # before it
    raised_by: tuple[RaiseCondition, ...]  # the conditions that raised the zone (may be empty)
    cutoffs: tuple[CutoffResult, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def zone_raised(self) -> bool:
        return self.zone != self.zone_by_total

    @property
    def cutoff(self) -> CutoffResult | None:
        """The instrument's main cut-off (the first in its file), as it applied."""
        return self.cutoffs[0] if self.cutoffs else None

    def cutoff_result(self, code: str) -> CutoffResult:
        for result in self.cutoffs:
            if result.code == code:
                return result
        raise KeyError(f"{self.instrument.name} has no cut-off {code!r}.")


def score(
    instrument: Instrument,
    answers: Answers,
    *,
    sex: LegalSex | str,
    age: int | None,
    variants: Mapping[str, str] | None = None,
) -> Result:
    """Score ANSWERS (item number -> option score, or None) for a person of SEX and AGE.

    VARIANTS chooses another table for some cut-offs, by cut-off code (for example
    {"hazardous_use": "older_adults", "audit_c_positive": "bradley_2007"}). Raises InvalidAnswer
    for an item the instrument does not have or a score its item does not allow, and ValueError
    for an unknown sex, a negative age or an unknown variant.
    """
    sex, variants = _person(instrument, sex, age, variants)
    given = _checked(instrument, answers)
    missing = tuple(item.number for item in instrument.items if item.number not in given)
    total = None if missing else sum(given.values())
    subscores = {subscore.code: _sum(given, subscore.items) for subscore in instrument.subscores}
    zone, zone_by_total, raised_by = (
        (None, None, ()) if total is None else _zones(instrument, total, given, sex, age, variants)
    )
    scores = {TOTAL: total} | subscores
    return Result(
        instrument=instrument,
        answers=MappingProxyType(given),
        missing=missing,
        total=total,
        subscores=MappingProxyType(subscores),
        zone=zone,
        zone_by_total=zone_by_total,
        raised_by=raised_by,
        cutoffs=tuple(
            _cutoff_result(cutoff, scores[cutoff.score], sex, age, variants.get(cutoff.code))
            for cutoff in instrument.cutoffs
        ),
    )


def _person(
    instrument: Instrument,
    sex: LegalSex | str,
    age: int | None,
    variants: Mapping[str, str] | None,
) -> tuple[LegalSex, Mapping[str, str]]:
    try:
        sex = LegalSex(sex)
    except ValueError:
        known = ", ".join(repr(value.value) for value in LegalSex)
        raise ValueError(f"{sex!r} is not a legal sex (use {known}).") from None
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
        raise ValueError(f"{age!r} is not an age in completed years.")
    variants = dict(variants or {})
    cutoffs = {cutoff.code: cutoff for cutoff in instrument.cutoffs}
    for code, variant in variants.items():
        if code not in cutoffs:
            raise ValueError(f"{instrument.name} has no cut-off {code!r} to choose a variant for.")
        cutoffs[code].rules_for(variant)  # raises ValueError for an unknown variant
    return sex, variants


def _checked(instrument: Instrument, answers: Answers) -> dict[int, int]:
    given: dict[int, int] = {}
    numbers = {item.number for item in instrument.items}
    for number, value in answers.items():
        if number not in numbers:
            raise InvalidAnswer(
                f"{instrument.name} has no item {number!r} "
                f"(items are numbered 1–{len(instrument.items)}).",
                item=number if isinstance(number, int) else None,
            )
        if value is None:
            continue
        allowed = instrument.item(number).scores
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise InvalidAnswer(
                f"{instrument.name} item {number}: {value!r} is not an allowed score "
                f"(allowed: {', '.join(str(s) for s in sorted(allowed))}).",
                item=number,
            )
        given[number] = value
    return dict(sorted(given.items()))


def _sum(given: Mapping[int, int], numbers: tuple[int, ...]) -> int | None:
    if any(number not in given for number in numbers):
        return None
    return sum(given[number] for number in numbers)


def _zones(
    instrument: Instrument,
    total: int,
    given: Mapping[int, int],
    sex: LegalSex,
    age: int | None,
    variants: Mapping[str, str],
) -> tuple[Zone | None, Zone | None, tuple[RaiseCondition, ...]]:
    """(zone, zone by total, the raising conditions met) for a complete form."""
    if not instrument.zones:
        return None, None, ()
    starts = instrument.zone_starts(sex, age, variants)
    index = max(position for position, start in enumerate(starts) if start <= total)
    conditions = instrument.zone_raise.conditions if instrument.zone_raise else ()
    raised_by = tuple(condition for condition in conditions if condition.is_met(given))
    top = len(instrument.zones) - 1
    return instrument.zones[min(index + bool(raised_by), top)], instrument.zones[index], raised_by


def _cutoff_result(
    cutoff: Cutoff, value: int | None, sex: LegalSex, age: int | None, variant: str | None
) -> CutoffResult:
    applied = cutoff.applicable(sex, age, variant)
    return CutoffResult(
        cutoff=cutoff,
        value=applied.value,
        description=applied.description,
        variant=variant,
        score=value,
        at_or_above=None if value is None else value >= applied.value,
    )
