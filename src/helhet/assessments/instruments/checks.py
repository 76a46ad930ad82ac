"""Checks on an instrument as a whole: cut-off tables and zone boundaries.

Both are checked by walking every person the rules could meet — each legal sex at every age
from 0 to MAX_AGE and with the age unknown — which is small enough to do on every load and
leaves no corner to reason about by hand.
"""

import itertools
from collections.abc import Iterator
from typing import Protocol

from helhet.people.identity import LegalSex

from .model import CutoffRule, Instrument

MAX_AGE = 130
AGES: tuple[int | None, ...] = (None, *range(MAX_AGE + 1))


class Failing(Protocol):
    def fail(self, where: str, problem: str) -> Exception: ...


def check_rule_table(r: Failing, rules: tuple[CutoffRule, ...], where: str) -> None:
    """Every person is matched by some rule, and every rule is the first match for someone."""
    used: set[int] = set()
    for sex, age in itertools.product(LegalSex, AGES):
        first = next((index for index, rule in enumerate(rules) if rule.matches(sex, age)), None)
        if first is None:
            raise r.fail(where, f"no rule applies to legal sex {sex.value!r} {_at(age)}")
        used.add(first)
    for index in range(len(rules)):
        if index not in used:
            raise r.fail(
                f"{where}[{index}]",
                "this rule never applies: the rules above it already cover everyone it matches",
            )


def check_zones(r: Failing, instrument: Instrument) -> None:
    """Zones start at the lowest total, follow each other without gap or overlap, and the last
    ends at the highest total, for every person and every choice of cut-off variant."""
    if not instrument.zones:
        return
    for sex, age, variants in _people(instrument):
        starts = instrument.zone_starts(sex, age, variants)
        whom = "" if _fixed(instrument) else f" (for legal sex {sex.value!r} {_at(age)})"
        if starts[0] != instrument.total.min:
            first = instrument.zones[0].code
            raise r.fail(
                f"zone {first}",
                f"the first zone starts at {starts[0]}, not at the lowest total "
                f"{instrument.total.min}{whom}",
            )
        for index, zone in enumerate(instrument.zones[1:], 1):
            if starts[index] <= starts[index - 1]:
                previous = instrument.zones[index - 1].code
                raise r.fail(
                    f"zone {zone.code}",
                    f"starts at {starts[index]}, not above zone {previous}, which starts at "
                    f"{starts[index - 1]}: the zones overlap{whom}",
                )
        ends = [start - 1 for start in starts[1:]] + [instrument.total.max]
        for index, zone in enumerate(instrument.zones):
            if zone.max is not None and zone.max != ends[index]:
                raise r.fail(f"zone {zone.code}", _boundary(instrument, index, ends[index]) + whom)


def _boundary(instrument: Instrument, index: int, end: int) -> str:
    zone = instrument.zones[index]
    if index == len(instrument.zones) - 1:
        return f"ends at {zone.max}, but the highest total is {instrument.total.max}"
    following = instrument.zones[index + 1].code
    relation = "overlaps" if zone.max is not None and zone.max > end else "leaves a gap before"
    return f"ends at {zone.max}, so it {relation} zone {following}, which starts at {end + 1}"


def _people(instrument: Instrument) -> Iterator[tuple[LegalSex, int | None, dict[str, str]]]:
    """Every person and choice of variant that could move a zone boundary."""
    if _fixed(instrument):
        yield LegalSex.UNKNOWN, None, {}
        return
    referenced = [instrument.cutoff(z.min_cutoff) for z in instrument.zones if z.min_cutoff]
    choices = [[(c.code, v) for v in c.variant_codes] + [(c.code, None)] for c in referenced]
    for combination in itertools.product(*choices):
        variants = {code: variant for code, variant in combination if variant is not None}
        for sex, age in itertools.product(LegalSex, AGES):
            yield sex, age, variants


def _fixed(instrument: Instrument) -> bool:
    return all(zone.min_cutoff is None for zone in instrument.zones)


def _at(age: int | None) -> str:
    return "when the age is unknown" if age is None else f"at age {age}"
