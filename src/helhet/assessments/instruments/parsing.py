"""Read an instrument file (JSON, already decoded) into an `Instrument`, or say what is wrong.

Each part is checked as it is read (item numbers, option scores in range and distinct, stated
ranges that match the items, known codes); checks over the instrument as a whole (cut-off
tables, zone boundaries) are in `checks.py`. The format is described in README.md.
"""

from collections.abc import Mapping
from typing import Any

from helhet.people.identity import LegalSex

from .checks import MAX_AGE, check_rule_table, check_zones
from .model import (
    TOTAL,
    Coding,
    Cutoff,
    CutoffRule,
    CutoffVariant,
    Instrument,
    Item,
    Option,
    RaiseCheck,
    RaiseCondition,
    ScoreRange,
    Subscore,
    Zone,
    ZoneRaise,
)
from .reader import Reader

FORMAT = "helhet-instrument/1"
_REQUIRED = (
    "format", "code", "name", "title", "version", "reference", "text_source",
    "codes", "option_scores", "items", "total",
)  # fmt: skip


def read_instrument(value: Any, source: str) -> Instrument:
    """Build an instrument from decoded JSON, checking each part as it is read."""
    r = Reader(source)
    data = r.fields(
        value,
        "",
        _REQUIRED,
        ("subscores", "zones", "zone_raise", "cutoffs"),
    )
    if data["format"] != FORMAT:
        raise r.fail("format", f"expected {FORMAT!r}, got {data['format']!r}")
    name = r.string(data["name"], "name")
    codes = r.fields(data["codes"], "codes", ("total",), ("panel",))
    option_scores = r.score_range(
        r.fields(data["option_scores"], "option_scores", ("min", "max")), "option_scores"
    )
    items = _items(r, data["items"], option_scores)
    total = _total(r, data["total"], items)
    subscores = tuple(
        _subscore(r, entry, items, f"subscores[{index}]")
        for index, entry in enumerate(_optional_list(r, data, "subscores"))
    )
    _unique(r, "subscores", [subscore.code for subscore in subscores])
    if any(subscore.code == TOTAL for subscore in subscores):
        raise r.fail("subscores", f"{TOTAL!r} is the name of the total, not a sub-score code")
    ranges = {TOTAL: (total, name)} | {s.code: (s.range, s.name) for s in subscores}
    cutoffs = tuple(
        _cutoff(r, entry, ranges, f"cutoffs[{index}]")
        for index, entry in enumerate(_optional_list(r, data, "cutoffs"))
    )
    _unique(r, "cutoffs", [cutoff.code for cutoff in cutoffs])
    zones = tuple(
        _zone(r, entry, cutoffs, f"zones[{index}]")
        for index, entry in enumerate(_optional_list(r, data, "zones"))
    )
    _unique(r, "zones", [zone.code for zone in zones])
    zone_raise = _zone_raise(r, data.get("zone_raise"), items)
    if zone_raise and not zones:
        raise r.fail("zone_raise", "there are no zones to raise")
    instrument = Instrument(
        code=r.code(data["code"], "code"),
        name=name,
        title=r.text(data["title"], "title"),
        version=r.string(data["version"], "version"),
        reference=r.string(data["reference"], "reference"),
        text_source=r.text(data["text_source"], "text_source"),
        panel_coding=r.coding(codes.get("panel"), "codes, panel"),
        total_coding=_required_coding(r, codes["total"], "codes, total"),
        option_scores=option_scores,
        items=items,
        total=total,
        subscores=subscores,
        zones=zones,
        zone_raise=zone_raise,
        cutoffs=cutoffs,
    )
    check_zones(r, instrument)
    return instrument


def _items(r: Reader, value: Any, option_scores: ScoreRange) -> tuple[Item, ...]:
    items = []
    for index, entry in enumerate(r.sequence(value, "items")):
        data = r.fields(entry, f"items[{index}]", ("number", "text", "options"))
        number = r.number(data["number"], f"items[{index}], number")
        if number != index + 1:
            problem = (
                f"item {index + 1} is missing"
                if number > index + 1
                else f"item {number} comes again"
            )
            raise r.fail(f"items[{index}]", f"{problem} (items are numbered 1, 2, 3… in order)")
        where = f"item {number}"
        options = tuple(
            _option(r, option, option_scores, f"{where}, option {position}")
            for position, option in enumerate(r.sequence(data["options"], f"{where}, options"), 1)
        )
        if len(options) < 2:
            raise r.fail(f"{where}, options", "an item needs at least two options")
        _unique(r, f"{where}, options", [str(option.score) for option in options], "score")
        items.append(
            Item(number=number, text=r.text(data["text"], f"{where}, text"), options=options)
        )
    return tuple(items)


def _option(r: Reader, value: Any, option_scores: ScoreRange, where: str) -> Option:
    data = r.fields(value, where, ("score", "label"))
    score = r.number(data["score"], f"{where}, score")
    if not option_scores.min <= score <= option_scores.max:
        raise r.fail(f"{where}, score", f"{score} is outside the option scores {option_scores}")
    return Option(score=score, label=r.text(data["label"], f"{where}, label"))


def _total(r: Reader, value: Any, items: tuple[Item, ...]) -> ScoreRange:
    stated = r.score_range(r.fields(value, "total", ("min", "max")), "total")
    return _matching_range(r, stated, items, "total")


def _matching_range(r: Reader, stated: ScoreRange, items, where: str) -> ScoreRange:
    actual = ScoreRange(sum(i.min_score for i in items), sum(i.max_score for i in items))
    if stated != actual:
        raise r.fail(where, f"the range {stated} does not match the items, which give {actual}")
    return stated


def _subscore(r: Reader, value: Any, items: tuple[Item, ...], where: str) -> Subscore:
    data = r.fields(value, where, ("code", "name", "items", "min", "max"), ("codes",))
    code = r.code(data["code"], f"{where}, code")
    where = f"sub-score {code}"
    numbers = tuple(
        r.number(n, f"{where}, items") for n in r.sequence(data["items"], f"{where}, items")
    )
    chosen = tuple(_item(r, items, number, f"{where}, items") for number in numbers)
    _unique(r, f"{where}, items", [str(number) for number in numbers], "item")
    codes = r.fields(data.get("codes", {}), f"{where}, codes", (), ("panel", "total"))
    return Subscore(
        code=code,
        name=r.string(data["name"], f"{where}, name"),
        items=numbers,
        range=_matching_range(r, r.score_range(data, where), chosen, where),
        panel_coding=r.coding(codes.get("panel"), f"{where}, codes, panel"),
        total_coding=r.coding(codes.get("total"), f"{where}, codes, total"),
    )


def _cutoff(r: Reader, value: Any, ranges, where: str) -> Cutoff:
    data = r.fields(value, where, ("code", "label", "reference", "rules"), ("score", "variants"))
    code = r.code(data["code"], f"{where}, code")
    where = f"cut-off {code}"
    score = data.get("score", TOTAL)
    if score not in ranges:
        raise r.fail(f"{where}, score", f"{score!r} is neither 'total' nor a sub-score code")
    score_range, score_name = ranges[score]
    variants = tuple(
        _variant(r, entry, score_range, f"{where}, variants[{index}]")
        for index, entry in enumerate(_optional_list(r, data, "variants"))
    )
    _unique(r, f"{where}, variants", [variant.code for variant in variants])
    return Cutoff(
        code=code,
        label=r.text(data["label"], f"{where}, label"),
        score=score,
        score_name=score_name,
        reference=r.string(data["reference"], f"{where}, reference"),
        rules=_rules(r, data["rules"], score_range, f"{where}, rules"),
        variants=variants,
    )


def _variant(r: Reader, value: Any, score_range: ScoreRange, where: str) -> CutoffVariant:
    data = r.fields(value, where, ("code", "label", "reference", "rules"))
    code = r.code(data["code"], f"{where}, code")
    where = f"{where.rsplit(',', 1)[0]}, variant {code}"
    return CutoffVariant(
        code=code,
        label=r.text(data["label"], f"{where}, label"),
        reference=r.string(data["reference"], f"{where}, reference"),
        rules=_rules(r, data["rules"], score_range, f"{where}, rules"),
    )


def _rules(r: Reader, value: Any, score_range: ScoreRange, where: str) -> tuple[CutoffRule, ...]:
    rules = tuple(
        _rule(r, entry, score_range, f"{where}[{index}]")
        for index, entry in enumerate(r.sequence(value, where))
    )
    check_rule_table(r, rules, where)
    return rules


def _rule(r: Reader, value: Any, score_range: ScoreRange, where: str) -> CutoffRule:
    data = r.fields(value, where, ("at_least",), ("sex", "age_min", "age_max", "note"))
    at_least = r.number(data["at_least"], f"{where}, at_least")
    if at_least > score_range.max:
        raise r.fail(
            f"{where}, at_least", f"{at_least} is above the highest score {score_range.max}"
        )
    if at_least <= score_range.min:
        raise r.fail(f"{where}, at_least", f"{at_least} would put every answer at the cut-off")
    sexes = frozenset(LegalSex)
    if "sex" in data:
        names = [r.string(sex, f"{where}, sex") for sex in r.sequence(data["sex"], f"{where}, sex")]
        if bad := [name for name in names if name not in LegalSex.__members__.values()]:
            known = ", ".join(repr(sex.value) for sex in LegalSex)
            raise r.fail(f"{where}, sex", f"{bad[0]!r} is not a legal sex (use {known})")
        sexes = frozenset(LegalSex(name) for name in names)
    ages = [_age(r, data.get(key), f"{where}, {key}") for key in ("age_min", "age_max")]
    low, high = ages
    if low is not None and high is not None and low > high:
        raise r.fail(where, f"age_min {low} is above age_max {high}")
    note = r.text(data["note"], f"{where}, note") if "note" in data else None
    return CutoffRule(sexes=sexes, age_min=ages[0], age_max=ages[1], at_least=at_least, note=note)


def _age(r: Reader, value: Any, where: str) -> int | None:
    if value is None:
        return None
    age = r.number(value, where)
    if not 0 <= age <= MAX_AGE:
        raise r.fail(where, f"{age} is not an age between 0 and {MAX_AGE}")
    return age


def _zone(r: Reader, value: Any, cutoffs: tuple[Cutoff, ...], where: str) -> Zone:
    data = r.fields(value, where, ("code", "label", "min"), ("max", "guidance"))
    code = r.string(data["code"], f"{where}, code")
    where = f"zone {code}"
    start, min_cutoff = data["min"], None
    if isinstance(start, dict):
        min_cutoff = r.code(
            r.fields(start, f"{where}, min", ("cutoff",))["cutoff"], f"{where}, min"
        )
        cutoff = next((c for c in cutoffs if c.code == min_cutoff), None)
        if cutoff is None or cutoff.score != TOTAL:
            raise r.fail(f"{where}, min", f"{min_cutoff!r} is not a cut-off on the total")
        start = None
    return Zone(
        code=code,
        label=r.text(data["label"], f"{where}, label"),
        guidance=r.text(data["guidance"], f"{where}, guidance") if "guidance" in data else None,
        min_score=None if start is None else r.number(start, f"{where}, min"),
        min_cutoff=min_cutoff,
        max=r.number(data["max"], f"{where}, max") if "max" in data else None,
    )


def _zone_raise(r: Reader, value: Any, items: tuple[Item, ...]) -> ZoneRaise | None:
    if value is None:
        return None
    data = r.fields(value, "zone_raise", ("description", "when_any"))
    conditions = tuple(
        _condition(r, entry, items, f"zone_raise, when_any[{index}]")
        for index, entry in enumerate(r.sequence(data["when_any"], "zone_raise, when_any"))
    )
    return ZoneRaise(r.text(data["description"], "zone_raise, description"), conditions)


def _condition(r: Reader, value: Any, items: tuple[Item, ...], where: str) -> RaiseCondition:
    data = r.fields(value, where, ("items", "check", "at_least", "description"))
    numbers = tuple(
        r.number(n, f"{where}, items") for n in r.sequence(data["items"], f"{where}, items")
    )
    chosen = [_item(r, items, number, f"{where}, items") for number in numbers]
    _unique(r, f"{where}, items", [str(number) for number in numbers], "item")
    if data["check"] not in RaiseCheck.__members__.values():
        known = ", ".join(repr(check.value) for check in RaiseCheck)
        raise r.fail(f"{where}, check", f"{data['check']!r} is not a check (use {known})")
    check = RaiseCheck(data["check"])
    at_least = r.number(data["at_least"], f"{where}, at_least")
    highest = {
        RaiseCheck.ANY_ITEM: max(item.max_score for item in chosen),
        RaiseCheck.EVERY_ITEM: min(item.max_score for item in chosen),
        RaiseCheck.SUM: sum(item.max_score for item in chosen),
    }[check]
    if not 0 < at_least <= highest:
        raise r.fail(f"{where}, at_least", f"{at_least} can never be met (items reach {highest})")
    return RaiseCondition(
        numbers, check, at_least, r.text(data["description"], f"{where}, description")
    )


def _item(r: Reader, items: tuple[Item, ...], number: int, where: str) -> Item:
    if not 1 <= number <= len(items):
        raise r.fail(where, f"there is no item {number}")
    return items[number - 1]


def _required_coding(r: Reader, value: Any, where: str) -> Coding:
    coding = r.coding(value, where)
    if coding is None:
        raise r.fail(where, "a code for the total is required (a local code system will do)")
    return coding


def _optional_list(r: Reader, data: Mapping[str, Any], key: str) -> list[Any]:
    return r.sequence(data[key], key) if key in data else []


def _unique(r: Reader, where: str, values: list[str], what: str = "code") -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise r.fail(where, f"{what} {value} appears twice")
        seen.add(value)
