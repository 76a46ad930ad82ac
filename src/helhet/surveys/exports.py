"""The surveys' sheet of the follow-up's xlsx export of a unit (`followup.exports`): each
questionnaire's results in the period, suppressed as on the results page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .results import Figure, QuestionnaireResult


def shown(figure: Figure) -> int | float | str:
    if figure.hidden:
        return "<5"
    return "–" if figure.value is None else figure.value


def write_sheet(sheet, found: list[QuestionnaireResult]) -> None:
    """One block per questionnaire: a line per question, then the cleared comments."""
    sheet.append([_("Question"), _("Goal image"), _("Answers"), _("Mean"), _("Distribution")])
    for result in found:
        sheet.append([])
        sheet.append([str(result.questionnaire.title), "", shown(result.responses)])
        for question in result.questions:
            distribution = "; ".join(
                f"{option.label}: {option.count} ({option.percent} %)"
                for option in question.options
            )
            sheet.append(
                [
                    f"{question.number}. {question.text}",
                    question.goal_image,
                    shown(question.answered),
                    shown(question.mean),
                    distribution or "–",
                ]
            )
        for comment in result.comments:
            sheet.append([_("Comment"), "", "", "", comment])
