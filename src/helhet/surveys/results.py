"""Survey results per unit and period: per question the distribution and the mean, a trend over
periods and the comparison with the units of the same type. Reads only; no person is involved.

Suppression, by the follow-up's threshold (`followup.suppression.SMALL`): a question answered
by 1 to 4 in the period shows neither its distribution nor its mean ("<5 answers"), and a mean
computed from 1 to 4 scored answers (the rest "don't know") is hidden. The same for everyone,
the unit's own manager included: the staff know who came that month. Cleared comments are shown
only when the questionnaire had at least five answers in the period.

A period counts the answers of the months that start in it (an answer keeps only its month).
Results read the questionnaire's current version.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count

from helhet.core.models import Unit
from helhet.followup.periods import Period
from helhet.followup.suppression import is_small

from . import questionnaires
from .models import CommentState, Response, ResponseItem


@dataclass(frozen=True)
class Figure:
    """A count or a mean as shown: HIDDEN when it rests on 1 to 4 answers (shown as "<5")."""

    value: int | float | None
    hidden: bool = False


@dataclass(frozen=True)
class OptionShare:
    label: str
    count: int | None
    percent: int | None


@dataclass(frozen=True)
class QuestionResult:
    number: int
    text: str
    goal_image: int
    answered: Figure
    options: list[OptionShare]  # empty when hidden
    mean: Figure


@dataclass(frozen=True)
class QuestionnaireResult:
    questionnaire: questionnaires.Questionnaire
    responses: Figure
    questions: list[QuestionResult]
    comments: list[str]  # cleared, shown only with five answers or more


Counts = dict[int, dict[int, dict[int, int]]]  # unit id → question → value → answers


def _months(period: Period) -> tuple[datetime.date, datetime.date]:
    """The first and last day a month's answers may be kept under to count in PERIOD."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    return first, period.end


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def responses(units, code: str, period: Period):
    """The responses to questionnaire CODE (its current version) at UNITS in PERIOD."""
    first, last = _months(period)
    return Response.objects.filter(
        unit__in=units,
        questionnaire=code,
        version=questionnaires.get(code).version,
        month__gte=first,
        month__lte=last,
    )


def counts(units, code: str, period: Period) -> tuple[dict[int, int], Counts]:
    """(responses per unit, answers per unit, question and value): two queries."""
    found = responses(units, code, period)
    per_unit = dict(found.values_list("unit_id").annotate(n=Count("pk")).order_by())
    items: Counts = defaultdict(lambda: defaultdict(dict))
    rows = (
        ResponseItem.objects.filter(response__in=found)
        .values_list("response__unit_id", "question", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, question, value, n in rows:
        items[unit_id][question][value] = n
    return per_unit, items


def shown(value: int) -> Figure:
    """A count as shown: 1–4 hidden."""
    return Figure(None, hidden=True) if is_small(value) else Figure(value)


def question_result(question: questionnaires.Question, answers: dict[int, int]) -> QuestionResult:
    """One question's distribution and mean from ANSWERS (value → answers), suppressed."""
    total = sum(answers.values())
    scored = {o.value: answers.get(o.value, 0) for o in question.options if o.scored}
    scored_total = sum(scored.values())
    hidden = is_small(total) or not total
    options = (
        []
        if hidden
        else [
            OptionShare(
                str(option.label),
                answers.get(option.value, 0),
                round(100 * answers.get(option.value, 0) / total),
            )
            for option in question.options
        ]
    )
    if hidden or is_small(scored_total) or not scored_total:
        mean = Figure(None, hidden=is_small(total) or is_small(scored_total))
    else:
        mean = Figure(round(sum(v * n for v, n in scored.items()) / scored_total, 1))
    return QuestionResult(
        number=question.number,
        text=str(question.text),
        goal_image=question.goal_image,
        answered=shown(total),
        options=options,
        mean=mean,
    )


def unit_results(unit: Unit, period: Period) -> list[QuestionnaireResult]:
    """Each questionnaire's results at UNIT in PERIOD, suppressed."""
    results = []
    for code, questionnaire in questionnaires.bundled().items():
        per_unit, items = counts([unit], code, period)
        total = per_unit.get(unit.pk, 0)
        comments = []
        if total and not is_small(total):
            comments = list(
                responses([unit], code, period)
                .filter(comment_state=CommentState.CLEARED)
                .order_by("month", "pk")
                .values_list("comment", flat=True)
            )
        questions = [
            question_result(question, items[unit.pk][question.number])
            for question in questionnaire.questions
        ]
        results.append(QuestionnaireResult(questionnaire, shown(total), questions, comments))
    return results


@dataclass(frozen=True)
class MeanRow:
    """A question's mean in each column (periods of a trend, units of a comparison)."""

    number: int
    text: str
    means: list[Figure]


@dataclass(frozen=True)
class Table:
    questionnaire: questionnaires.Questionnaire
    columns: list[str]
    responses: list[Figure]
    rows: list[MeanRow]


def _table(questionnaire, columns, found: list[tuple[int, dict[int, dict[int, int]]]]) -> Table:
    rows = [
        MeanRow(
            question.number,
            str(question.text),
            [question_result(question, items[question.number]).mean for _n, items in found],
        )
        for question in questionnaire.questions
    ]
    return Table(questionnaire, columns, complemented([n for n, _items in found]), rows)


def complemented(counts: list[int]) -> list[Figure]:
    """COUNTS as a row of columns shows them: 1–4 hidden, and when exactly one is hidden, the
    smallest other above zero too, so that the hidden one cannot be worked out from a total
    shown elsewhere (a year's answers beside its quarters)."""
    figures = [shown(n) for n in counts]
    hidden = [i for i, figure in enumerate(figures) if figure.hidden]
    others = sorted((n, i) for i, n in enumerate(counts) if n and i not in hidden)
    if len(hidden) == 1 and others:
        figures[others[0][1]] = Figure(None, hidden=True)
    return figures


def trend_periods(period: Period) -> list[Period]:
    """The periods of the trend: a year's quarters, else the last four periods of its kind."""
    if period.kind == "year":
        return [Period.quarter(period.start.year, q) for q in range(1, 5)]
    return period.preceding(4)


def trend(unit: Unit, period: Period) -> list[Table]:
    """Each questionnaire's means at UNIT over `trend_periods(PERIOD)`."""
    periods = trend_periods(period)
    tables = []
    for code, questionnaire in questionnaires.bundled().items():
        found = []
        for one in periods:
            per_unit, items = counts([unit], code, one)
            found.append((per_unit.get(unit.pk, 0), items[unit.pk]))
        tables.append(_table(questionnaire, [one.label for one in periods], found))
    return tables


def comparison(units: list[Unit], period: Period) -> list[Table]:
    """Each questionnaire's means at each of UNITS (the same type) in PERIOD."""
    tables = []
    for code, questionnaire in questionnaires.bundled().items():
        per_unit, items = counts(units, code, period)
        found = [(per_unit.get(unit.pk, 0), items[unit.pk]) for unit in units]
        tables.append(_table(questionnaire, [unit.name for unit in units], found))
    return tables
