"""A unit's own texts for a bundled instrument, such as the licensed official Swedish form.

The bundled files carry Helhet's plain summaries of what each item asks. A unit that holds a
licence for the official text loads it from a texts file; the file may change only words, never
scoring, so it must name exactly the bundled items and, for each item, exactly the bundled option
scores. Format (English may be left out; the bundled English is then kept, except for the
source note, which is the unit's own: its Swedish is shown in English too, as is a source note
given as one text):

    {
      "format": "helhet-instrument-texts/1",
      "instrument": "audit",
      "text_source": {"sv": "AUDIT, officiell svensk version; licensierad till enheten av ..."},
      "title": {"sv": "...", "en": "..."},                          (optional)
      "items": [
        {"number": 1, "text": {"sv": "..."},
         "options": [{"score": 0, "label": {"sv": "..."}}, ...]},
        ...
      ]
    }
"""

import dataclasses
from typing import Any

from .model import Instrument, Item, Option, Text
from .reader import Reader

TEXTS_FORMAT = "helhet-instrument-texts/1"


def read_texts(value: Any, base: Instrument, source: str) -> Instrument:
    """BASE with the titles, item texts and option labels of the texts file VALUE."""
    r = Reader(source)
    data = r.fields(value, "", ("format", "instrument", "text_source", "items"), ("title",))
    if data["format"] != TEXTS_FORMAT:
        raise r.fail("format", f"expected {TEXTS_FORMAT!r}, got {data['format']!r}")
    if data["instrument"] != base.code:
        raise r.fail("instrument", f"expected {base.code!r}, got {data['instrument']!r}")
    entries = r.sequence(data["items"], "items")
    numbers = [_item_number(r, entry, f"items[{index}]") for index, entry in enumerate(entries)]
    _same_items(r, base, numbers)
    title = _text(r, data["title"], base.title, "title") if "title" in data else base.title
    return dataclasses.replace(
        base,
        title=title,
        text_source=_source(r, data["text_source"]),
        items=tuple(
            _item(r, entry, base.item(number))
            for entry, number in zip(entries, numbers, strict=True)
        ),
    )


def _item_number(r: Reader, entry: Any, where: str) -> int:
    data = r.fields(entry, where, ("number",), ("text", "options"))
    return r.number(data["number"], f"{where}, number")


def _same_items(r: Reader, base: Instrument, numbers: list[int]) -> None:
    expected = [item.number for item in base.items]
    for number in numbers:
        if number not in expected:
            raise r.fail("items", f"{base.name} has no item {number}")
    for number in expected:
        if number not in numbers:
            raise r.fail(
                "items", f"item {number} is missing ({base.name} has items 1–{len(expected)})"
            )
    if len(numbers) != len(expected):
        twice = next(n for n in numbers if numbers.count(n) > 1)
        raise r.fail("items", f"item {twice} appears twice")


def _item(r: Reader, entry: dict[str, Any], base: Item) -> Item:
    where = f"item {base.number}"
    data = r.fields(entry, where, ("number", "text", "options"))
    options = [
        r.fields(o, f"{where}, option {i}", ("score", "label"))
        for i, o in enumerate(r.sequence(data["options"], f"{where}, options"), 1)
    ]
    scores = [r.number(o["score"], f"{where}, options, score") for o in options]
    if sorted(scores) != sorted(base.scores):
        raise r.fail(
            f"{where}, options",
            f"the scores {_listed(scores)} do not match the bundled {_listed(base.scores)} "
            "(a texts file may change words, not scores)",
        )
    bundled = {option.score: option for option in base.options}
    return Item(
        number=base.number,
        text=_text(r, data["text"], base.text, f"{where}, text"),
        options=tuple(
            Option(score, _text(r, o["label"], bundled[score].label, f"{where}, option {i}, label"))
            for i, (score, o) in enumerate(zip(scores, options, strict=True), 1)
        ),
    )


def _text(r: Reader, value: Any, bundled: Text, where: str) -> Text:
    data = r.fields(value, where, ("sv",), ("en",))
    english = r.string(data["en"], f"{where}, en") if "en" in data else bundled.en
    return Text(sv=r.string(data["sv"], f"{where}, sv"), en=english)


def _source(r: Reader, value: Any) -> Text:
    # The bundled note describes Helhet's own wording: it never stands for a unit's texts.
    if isinstance(value, str):
        note = r.string(value, "text_source")
        return Text(sv=note, en=note)
    data = r.fields(value, "text_source", ("sv",), ("en",))
    swedish = r.string(data["sv"], "text_source, sv")
    return Text(sv=swedish, en=r.string(data.get("en", swedish), "text_source, en"))


def _listed(scores) -> str:
    return ", ".join(str(score) for score in scores)
