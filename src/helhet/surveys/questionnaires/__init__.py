"""The survey questionnaires as data: one JSON file each (`persons.json`, `relatives.json`),
read and checked on first use. A file that does not pass is refused with an `InstrumentError`
naming the file, the place and the problem (the instruments' reader, `assessments.instruments`).

A file (`"format": "helhet-survey/1"`):

- `code`, `version`, `respondent` ("person" or "relative"), `title`, `intro`;
- `scales`: by name, `options` [{`value` (0–9, distinct), `label`, optional `scored`: false for
  "don't know", which is counted but left out of the mean}];
- `questions`: `number` (1, 2, 3… in order), `goal_image` (a målbild, 1–10:
  `followup.definitions.GOAL_IMAGES`), `scale` (a name in `scales`), `text`;
- `comment`: `label`, `help` of the one optional free-text comment.

Every text is an object keyed by language code: Swedish (`sv`) and English (`en`) are
required, any other language may be added as data; a missing language shows the Swedish.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

from helhet.assessments.instruments.reader import Reader

FORMAT = "helhet-survey/1"
CODES = ("persons", "relatives")
RESPONDENTS = ("person", "relative")
GOAL_IMAGE_NUMBERS = range(1, 11)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)?$")
HERE = Path(__file__).parent


@dataclass(frozen=True)
class Texts:
    """A text in several languages; str() gives the active language's, else the Swedish."""

    by_language: tuple[tuple[str, str], ...]

    def in_language(self, language: str | None) -> str:
        texts = dict(self.by_language)
        code = (language or "sv").lower()
        return texts.get(code) or texts.get(code.split("-")[0]) or texts["sv"]

    def __str__(self) -> str:
        return self.in_language(get_language())


@dataclass(frozen=True)
class Option:
    value: int
    label: Texts
    scored: bool = True


@dataclass(frozen=True)
class Question:
    number: int
    goal_image: int
    text: Texts
    options: tuple[Option, ...]

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class Questionnaire:
    code: str
    version: str
    respondent: str
    title: Texts
    intro: Texts
    questions: tuple[Question, ...]
    comment_label: Texts
    comment_help: Texts

    def question(self, number: int) -> Question:
        return next(question for question in self.questions if question.number == number)


class SurveyReader(Reader):
    def texts(self, value: Any, where: str) -> Texts:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object of texts by language code")
        missing = [code for code in ("sv", "en") if code not in value]
        if missing:
            raise self.fail(where, f"missing {', '.join(repr(code) for code in missing)}")
        for code in value:
            if not _LANGUAGE.match(code):
                raise self.fail(where, f"{code!r} is not a language code (sv, en, fi, ...)")
        return Texts(
            tuple((code, self.string(text, f"{where}, {code}")) for code, text in value.items())
        )


def parse(data: Any, source: str) -> Questionnaire:
    """The questionnaire in decoded JSON DATA, or InstrumentError naming SOURCE and the place."""
    reader = SurveyReader(source)
    fields = ("format", "code", "version", "respondent", "title", "intro", "scales", "questions")
    top = reader.fields(data, "", (*fields, "comment"))
    if top["format"] != FORMAT:
        raise reader.fail("format", f"expected {FORMAT!r}")
    if top["respondent"] not in RESPONDENTS:
        raise reader.fail("respondent", f"expected one of {', '.join(RESPONDENTS)}")
    scales = _scales(reader, top["scales"])
    questions = []
    for index, item in enumerate(reader.sequence(top["questions"], "questions"), start=1):
        questions.append(_question(reader, item, index, scales))
    comment = reader.fields(top["comment"], "comment", ("label", "help"))
    return Questionnaire(
        code=reader.code(top["code"], "code"),
        version=reader.string(top["version"], "version"),
        respondent=top["respondent"],
        title=reader.texts(top["title"], "title"),
        intro=reader.texts(top["intro"], "intro"),
        questions=tuple(questions),
        comment_label=reader.texts(comment["label"], "comment, label"),
        comment_help=reader.texts(comment["help"], "comment, help"),
    )


def _scales(reader: SurveyReader, value: Any) -> dict[str, tuple[Option, ...]]:
    if not isinstance(value, dict) or not value:
        raise reader.fail("scales", "expected an object of scales by name")
    scales = {}
    for name, scale in value.items():
        where = f"scale {name}"
        data = reader.fields(scale, where, ("options",))
        options = []
        for index, item in enumerate(reader.sequence(data["options"], where), start=1):
            place = f"{where}, option {index}"
            option = reader.fields(item, place, ("value", "label"), ("scored",))
            number = reader.number(option["value"], f"{place}, value")
            if not 0 <= number <= 9:
                raise reader.fail(f"{place}, value", f"{number} is outside 0–9")
            scored = option.get("scored", True)
            if not isinstance(scored, bool):
                raise reader.fail(f"{place}, scored", "expected true or false")
            options.append(Option(number, reader.texts(option["label"], f"{place}, label"), scored))
        values = [option.value for option in options]
        if len(set(values)) != len(values):
            raise reader.fail(where, "two options have the same value")
        if not any(option.scored for option in options):
            raise reader.fail(where, "no option is scored")
        scales[name] = tuple(options)
    return scales


def _question(reader: SurveyReader, item: Any, index: int, scales) -> Question:
    where = f"question {index}"
    data = reader.fields(item, where, ("number", "goal_image", "scale", "text"))
    number = reader.number(data["number"], f"{where}, number")
    if number != index:
        raise reader.fail(f"{where}, number", f"expected {index} (numbered 1, 2, 3… in order)")
    goal = reader.number(data["goal_image"], f"{where}, goal_image")
    if goal not in GOAL_IMAGE_NUMBERS:
        raise reader.fail(f"{where}, goal_image", f"{goal} is not a målbild (1–10)")
    if data["scale"] not in scales:
        raise reader.fail(f"{where}, scale", f"no scale {data['scale']!r}")
    text = reader.texts(data["text"], f"{where}, text")
    return Question(number, goal, text, scales[data["scale"]])


def load(path: Path) -> Questionnaire:
    """The questionnaire in the file PATH, checked."""
    return parse(json.loads(path.read_text(encoding="utf-8")), path.name)


@cache
def bundled() -> dict[str, Questionnaire]:
    """The bundled questionnaires by code (read once)."""
    found = {code: load(HERE / f"{code}.json") for code in CODES}
    for code, questionnaire in found.items():
        assert questionnaire.code == code, f"{code}.json names itself {questionnaire.code!r}"
    return found


def get(code: str) -> Questionnaire:
    """The bundled questionnaire CODE; KeyError for another."""
    return bundled()[code]


def for_goal_image(number: int) -> list[tuple[Questionnaire, Question]]:
    """The questions that follow up målbild NUMBER, questionnaire by questionnaire."""
    return [
        (questionnaire, question)
        for questionnaire in bundled().values()
        for question in questionnaire.questions
        if question.goal_image == number
    ]
