"""Typed access to decoded JSON that fails with the file's name and the place in it.

Every problem becomes an `InstrumentError` naming the file and the place
("audit.json: item 9, option 3, score: 5 is outside the option scores 0–4"), so whoever edits a
file can fix it without reading the code.
"""

import re
from collections.abc import Mapping
from typing import Any

from .model import Coding, ScoreRange, Text

_CODE = re.compile(r"^[a-z][a-z0-9_-]*$")


class InstrumentError(ValueError):
    """An instrument or texts file that cannot be used, with the place and the problem."""

    def __init__(self, source: str, where: str, problem: str):
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


class Reader:
    """Typed access to decoded JSON that fails with the file name and the place."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, problem: str) -> InstrumentError:
        return InstrumentError(self.source, where, problem)

    def fields(
        self, value: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {_kind(value)}")
        missing = [key for key in required if key not in value]
        unknown = sorted(set(value) - set(required) - set(optional))
        names = ", ".join(repr(key) for key in unknown)
        if missing:
            found = f" (found {names}: misspelt?)" if unknown else ""
            raise self.fail(where, f"missing {', '.join(repr(k) for k in missing)}{found}")
        if unknown:
            raise self.fail(where, f"unknown field {names} (check the spelling)")
        return value

    def number(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number, got {_kind(value)}")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected a non-empty text, got {_kind(value)}")
        return value

    def code(self, value: Any, where: str) -> str:
        code = self.string(value, where)
        if not _CODE.match(code):
            raise self.fail(where, f"{code!r} is not a code (lower-case letters, digits, - and _)")
        return code

    def sequence(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"expected a non-empty list, got {_kind(value)}")
        return value

    def text(self, value: Any, where: str) -> Text:
        data = self.fields(value, where, ("sv", "en"))
        return Text(
            sv=self.string(data["sv"], f"{where}, sv"), en=self.string(data["en"], f"{where}, en")
        )

    def coding(self, value: Any, where: str) -> Coding | None:
        if value is None:
            return None
        data = self.fields(value, where, ("system", "code"), ("display",))
        return Coding(
            system=self.string(data["system"], f"{where}, system"),
            code=self.string(data["code"], f"{where}, code"),
            display=self.string(data["display"], f"{where}, display") if "display" in data else "",
        )

    def score_range(self, data: Mapping[str, Any], where: str) -> ScoreRange:
        low, high = (
            self.number(data["min"], f"{where}, min"),
            self.number(data["max"], f"{where}, max"),
        )
        if low > high:
            raise self.fail(where, f"min {low} is above max {high}")
        return ScoreRange(low, high)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a decimal number", str: "a text"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )
