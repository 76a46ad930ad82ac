"""Assessment instruments (AUDIT, DUDIT, ...) as data: the bundled files, and loading others.

Each instrument is one JSON file in this folder (format "helhet-instrument/1", described in
README.md beside it), read into frozen dataclasses and checked on load: a file with a missing
item, a score out of range, overlapping zones or a cut-off table that leaves someone out is
refused with an `InstrumentError` that names the file and the place.

    bundled_instrument("audit")            the bundled AUDIT (loaded once)
    load_instrument(path)                  another instrument file
    load_unit_texts(path)                  a bundled instrument with a unit's licensed texts
"""

import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .model import (
    TOTAL,
    AppliedCutoff,
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
    Text,
    Zone,
    ZoneRaise,
)
from .parsing import FORMAT, read_instrument
from .reader import InstrumentError
from .texts import TEXTS_FORMAT, read_texts

__all__ = [
    "BUNDLED",
    "FORMAT",
    "TEXTS_FORMAT",
    "TOTAL",
    "AppliedCutoff",
    "Coding",
    "Cutoff",
    "CutoffRule",
    "CutoffVariant",
    "Instrument",
    "InstrumentError",
    "Item",
    "Option",
    "RaiseCheck",
    "RaiseCondition",
    "ScoreRange",
    "Subscore",
    "Text",
    "Zone",
    "ZoneRaise",
    "apply_texts",
    "bundled_instrument",
    "bundled_instruments",
    "load_instrument",
    "load_unit_texts",
    "parse_instrument",
]

BUNDLED = ("audit", "dudit")


@functools.cache
def bundled_instrument(code: str) -> Instrument:
    """The bundled instrument CODE ("audit", "dudit"), read and checked once per process."""
    if code not in BUNDLED:
        raise LookupError(f"No bundled instrument {code!r} (bundled: {', '.join(BUNDLED)}).")
    source = f"{code}.json"
    text = resources.files(__package__).joinpath(source).read_text(encoding="utf-8")
    return parse_instrument(_decode(text, source), source=source)


def bundled_instruments() -> tuple[Instrument, ...]:
    return tuple(bundled_instrument(code) for code in BUNDLED)


def parse_instrument(data: Mapping[str, Any], *, source: str = "<instrument>") -> Instrument:
    """An instrument from decoded JSON; SOURCE names it in error messages."""
    return read_instrument(data, source)


def load_instrument(path: str | Path) -> Instrument:
    """An instrument from the JSON file at PATH."""
    return parse_instrument(_read(path), source=str(path))


def apply_texts(
    base: Instrument, data: Mapping[str, Any], *, source: str = "<texts>"
) -> Instrument:
    """BASE with the texts of a decoded texts file; the scoring is BASE's, unchanged."""
    return read_texts(data, base, source)


def load_unit_texts(path: str | Path, *, base: Instrument | None = None) -> Instrument:
    """A unit's texts file at PATH applied to BASE (default: the bundled instrument it names)."""
    data = _read(path)
    if base is None:
        code = data.get("instrument") if isinstance(data, dict) else None
        if code not in BUNDLED:
            raise InstrumentError(str(path), "instrument", f"{code!r} is not a bundled instrument")
        base = bundled_instrument(code)
    return apply_texts(base, data, source=str(path))


def _read(path: str | Path) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstrumentError(str(path), "", f"cannot be read: {error}") from error
    return _decode(text, str(path))


def _decode(text: str, source: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: _no_repeats(pairs, source))
    except json.JSONDecodeError as error:
        problem = f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        raise InstrumentError(source, "", problem) from error


def _no_repeats(pairs: list[tuple[str, Any]], source: str) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; in a clinical rules file that hides a typo.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InstrumentError(source, "", f"the field {key!r} appears twice in one object")
        result[key] = value
    return result
