"""An instrument as typed, frozen data: items and their scores, sub-scores, zones and cut-offs.

Nothing here reads files (that is `reader.py`) or scores answers (that is `scoring.py`); this
module only says what an instrument is and answers questions about its rules, such as which
cut-off applies to a person of a given legal sex and age.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import get_language

from helhet.people.identity import LegalSex

TOTAL = "total"  # the score a cut-off or a zone reads when it does not name a sub-score


@dataclass(frozen=True)
class Text:
    """A text in Swedish and English; str() gives the one for the active language."""

    sv: str
    en: str

    def in_language(self, language: str | None) -> str:
        return self.sv if (language or "sv").startswith("sv") else self.en

    def __str__(self) -> str:
        return self.in_language(get_language())


@dataclass(frozen=True)
class Coding:
    """A code in a code system (LOINC, or a local system such as urn:helhet:instrument:dudit)."""

    system: str
    code: str
    display: str = ""


@dataclass(frozen=True)
class Option:
    score: int
    label: Text


@dataclass(frozen=True)
class Item:
    number: int
    text: Text
    options: tuple[Option, ...]

    @property
    def scores(self) -> tuple[int, ...]:
        return tuple(option.score for option in self.options)

    @property
    def min_score(self) -> int:
        return min(self.scores)

    @property
    def max_score(self) -> int:
        return max(self.scores)


@dataclass(frozen=True)
class ScoreRange:
    min: int
    max: int

    def __str__(self) -> str:
        return f"{self.min}–{self.max}"


@dataclass(frozen=True)
class Subscore:
    """A score summed over some items, such as AUDIT-C (items 1–3)."""

    code: str
    name: str
    items: tuple[int, ...]
    range: ScoreRange
    panel_coding: Coding | None
    total_coding: Coding | None


@dataclass(frozen=True)
class CutoffRule:
    """One line of a cut-off table: the threshold for some legal sexes and an age band.

    Ages are completed years, both bounds inclusive; a rule with an age bound never matches an
    unknown age, so every table ends with rules without age bounds.
    """

    sexes: frozenset[LegalSex]
    age_min: int | None
    age_max: int | None
    at_least: int
    note: Text | None

    def matches(self, sex: LegalSex, age: int | None) -> bool:
        if sex not in self.sexes:
            return False
        if self.age_min is None and self.age_max is None:
            return True
        if age is None:
            return False
        return (self.age_min is None or age >= self.age_min) and (
            self.age_max is None or age <= self.age_max
        )


_SEX_WORDS = {
    LegalSex.FEMALE: Text(sv="kvinnor", en="women"),
    LegalSex.MALE: Text(sv="män", en="men"),
    LegalSex.UNKNOWN: Text(sv="juridiskt kön okänt", en="legal sex unknown"),
}


@dataclass(frozen=True)
class CutoffVariant:
    """Another table for the same cut-off, chosen by configuration (e.g. ≥ 7 over 65)."""

    code: str
    label: Text
    reference: str
    rules: tuple[CutoffRule, ...]


@dataclass(frozen=True)
class AppliedCutoff:
    """The threshold that applies to one person, with a description such as "AUDIT ≥ 6, women"."""

    value: int
    description: Text
    rule: CutoffRule
    variant: str | None


@dataclass(frozen=True)
class Cutoff:
    """A named threshold on the total or on a sub-score, whose value may depend on sex and age.

    The rules are read in order and the first that matches the person applies; a variant, when
    chosen, replaces the whole list.
    """

    code: str
    label: Text
    score: str  # TOTAL or a sub-score code
    score_name: str  # "AUDIT", "AUDIT-C": the name used in descriptions
    reference: str
    rules: tuple[CutoffRule, ...]
    variants: tuple[CutoffVariant, ...]

    @property
    def variant_codes(self) -> tuple[str, ...]:
        return tuple(variant.code for variant in self.variants)

    def rules_for(self, variant: str | None) -> tuple[CutoffRule, ...]:
        if variant is None:
            return self.rules
        for candidate in self.variants:
            if candidate.code == variant:
                return candidate.rules
        known = ", ".join(self.variant_codes) or "none"
        raise ValueError(f"Cut-off {self.code!r} has no variant {variant!r} (variants: {known}).")

    def applicable(
        self, sex: LegalSex, age: int | None, variant: str | None = None
    ) -> AppliedCutoff:
        for rule in self.rules_for(variant):
            if rule.matches(sex, age):
                return AppliedCutoff(rule.at_least, self.describe(rule), rule, variant)
        # The reader refuses tables that leave a sex or an age uncovered.
        raise AssertionError(f"cut-off {self.code!r} has no rule for {sex}, age {age}")

    def describe(self, rule: CutoffRule) -> Text:
        return Text(
            sv=self._description(rule, "sv", "{0}–{1} år", "{0} år och äldre", "{0} år och yngre"),
            en=self._description(
                rule, "en", "aged {0}–{1}", "aged {0} and over", "aged {0} and under"
            ),
        )

    def _description(
        self, rule: CutoffRule, language: str, band: str, over: str, under: str
    ) -> str:
        parts = [f"{self.score_name} ≥ {rule.at_least}"]
        if rule.sexes != frozenset(LegalSex):
            and_ = " och " if language == "sv" else " and "
            sexes = [_SEX_WORDS[sex].in_language(language) for sex in LegalSex if sex in rule.sexes]
            parts.append(and_.join(sexes))
        if rule.age_min is not None and rule.age_max is not None:
            parts.append(band.format(rule.age_min, rule.age_max))
        elif rule.age_min is not None:
            parts.append(over.format(rule.age_min))
        elif rule.age_max is not None:
            parts.append(under.format(rule.age_max))
        text = ", ".join(parts)
        return f"{text} ({rule.note.in_language(language)})" if rule.note else text


@dataclass(frozen=True)
class Zone:
    """A band of the total. It starts at a fixed score or at a cut-off (which may depend on sex
    and age) and ends where the next zone starts; `max`, when given, is checked against that."""

    code: str
    label: Text
    guidance: Text | None
    min_score: int | None
    min_cutoff: str | None
    max: int | None


class RaiseCheck(StrEnum):
    """How a zone-raising condition reads its items."""

    ANY_ITEM = "any_item"  # at least one of the items scores at least N
    EVERY_ITEM = "every_item"  # each of the items scores at least N
    SUM = "sum"  # the items together score at least N


@dataclass(frozen=True)
class RaiseCondition:
    items: tuple[int, ...]
    check: RaiseCheck
    at_least: int
    description: Text

    def is_met(self, answers: Mapping[int, int]) -> bool:
        scores = [answers[number] for number in self.items]
        if self.check == RaiseCheck.ANY_ITEM:
            return any(score >= self.at_least for score in scores)
        if self.check == RaiseCheck.EVERY_ITEM:
            return all(score >= self.at_least for score in scores)
        return sum(scores) >= self.at_least


@dataclass(frozen=True)
class ZoneRaise:
    """The zone goes one step up (never past the last) when any of the conditions is met."""

    description: Text
    conditions: tuple[RaiseCondition, ...]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    title: Text
    version: str
    reference: str
    text_source: Text  # where the item texts come from, shown under the form
    panel_coding: Coding | None
    total_coding: Coding
    option_scores: ScoreRange
    items: tuple[Item, ...]
    total: ScoreRange
    subscores: tuple[Subscore, ...]
    zones: tuple[Zone, ...]
    zone_raise: ZoneRaise | None
    cutoffs: tuple[Cutoff, ...]

    def __str__(self) -> str:
        return self.name

    def item(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(f"{self.name} has no item {number}.")

    def subscore(self, code: str) -> Subscore:
        for subscore in self.subscores:
            if subscore.code == code:
                return subscore
        raise KeyError(f"{self.name} has no sub-score {code!r}.")

    def cutoff(self, code: str) -> Cutoff:
        for cutoff in self.cutoffs:
            if cutoff.code == code:
                return cutoff
        raise KeyError(f"{self.name} has no cut-off {code!r}.")

    def zone_starts(
        self, sex: LegalSex, age: int | None, variants: Mapping[str, str] | None = None
    ) -> tuple[int, ...]:
        """Where each zone starts for this person (cut-off-based zones depend on sex and age)."""
        return tuple(self._zone_start(zone, sex, age, variants or {}) for zone in self.zones)

    def _zone_start(
        self, zone: Zone, sex: LegalSex, age: int | None, variants: Mapping[str, str]
    ) -> int:
        if zone.min_cutoff is None:
            assert zone.min_score is not None  # the reader gives every zone one or the other
            return zone.min_score
        cutoff = self.cutoff(zone.min_cutoff)
        return cutoff.applicable(sex, age, variants.get(cutoff.code)).value
