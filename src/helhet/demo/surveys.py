"""The demo county's surveys (issue 18, item 3): the last full year and this one so far of
anonymous answers at every unit (the
persons' questionnaire at all three, the relatives' at the clinic and Mini-Maria, the ACT team's
relatives too few in every quarter: "<5"), comments in every state at the clinic, and the
clinic's user council: one meeting with a proposal answered and one waiting."""

import datetime
import random

from helhet.core.models import Membership
from helhet.followup.periods import Period
from helhet.surveys import questionnaires
from helhet.surveys.models import (
    Channel,
    CommentState,
    CouncilMeeting,
    ParticipantGroup,
    Proposal,
    Response,
    ResponseItem,
)

from .county import County

PER_MONTH = {  # unit key: (persons' answers, relatives' answers) a month
    "clinic": (9, 3),
    "mini_maria": (6, 2),
    "act": (3, 0),
}
ACT_RELATIVES = 3  # in the whole year: under five in every period
WEIGHTS = (1, 2, 4, 8, 7, 1)  # values 1–5 and "don't know" (0): mostly content
COMMENTS = (
    (CommentState.CLEARED, "Bra bemötande, de tar sig tid att lyssna."),
    (CommentState.CLEARED, "Svårt att komma fram på telefon på förmiddagen."),
    (CommentState.CLEARED, "Skönt att kommunen och regionen sitter i samma hus."),
    (CommentState.CLEARED, "Jag vill kunna boka tid via nätet."),
    (CommentState.CLEARED, "Min kontaktperson har följt mig hela vägen."),
    (CommentState.REJECTED, ""),
    (CommentState.REJECTED, ""),
    (CommentState.WAITING, "Sara på mottagningen var jättebra när jag var här i tisdags."),
    (CommentState.WAITING, "Väntrummet är för litet när det är öppen mottagning."),
)


def add_surveys(county: County, *, today: datetime.date, seed: int = 1) -> None:
    rng = random.Random(seed)
    # every month from January last year to the last full one: the last full year, and more
    this_month = Period.month(today.year, today.month)
    months = this_month.preceding(13 + today.month)[:-1]
    responses: list[Response] = []
    answers: list[dict[int, int]] = []
    for key, (persons, relatives) in PER_MONTH.items():
        unit = county.units[key]
        for month in months:
            for code, count in (("persons", persons), ("relatives", relatives)):
                for _n in range(count + rng.randint(-1, 1) if count else 0):
                    responses.append(_response(unit, code, month.start, rng))
                    answers.append(_values(questionnaires.get(code), rng))
    for n in range(ACT_RELATIVES):
        responses.append(_response(county.units["act"], "relatives", months[n * 4].start, rng))
        answers.append(_values(questionnaires.get("relatives"), rng))
    clinic = [i for i, r in enumerate(responses) if r.unit == county.units["clinic"]]
    for index, (state, text) in zip(rng.sample(clinic, len(COMMENTS)), COMMENTS, strict=True):
        responses[index].comment, responses[index].comment_state = text, state
    saved = Response.objects.bulk_create(responses)
    ResponseItem.objects.bulk_create(
        ResponseItem(response=response, question=number, value=value)
        for response, values in zip(saved, answers, strict=True)
        for number, value in values.items()
    )
    _council(county, today)


def _response(unit, code: str, month: datetime.date, rng: random.Random) -> Response:
    return Response(
        unit=unit,
        questionnaire=code,
        version=questionnaires.get(code).version,
        month=month,
        channel=rng.choice(Channel.values),
    )


def _values(questionnaire, rng: random.Random) -> dict[int, int]:
    """Answers to most questions (one in ten left out)."""
    return {
        question.number: rng.choices((1, 2, 3, 4, 5, 0), WEIGHTS)[0]
        for question in questionnaire.questions
        if rng.random() > 0.1
    }


def _council(county: County, today: datetime.date) -> None:
    unit = county.units["clinic"]
    manager = (
        Membership.objects.filter(unit=unit, role=Membership.Role.MANAGER)
        .select_related("user")
        .first()
    )
    assert manager is not None, "the demo clinic has a manager"
    held_on = today - datetime.timedelta(days=60)
    meeting = CouncilMeeting.objects.create(
        held_on=held_on,
        groups=[ParticipantGroup.PERSONS, ParticipantGroup.RELATIVES, ParticipantGroup.STAFF],
        participants="5 brukare, 2 närstående, enhetschefen",
        notes="Genomgång av årets enkätresultat. Tillgängligheten på telefon togs upp.",
        recorded_by=manager.user,
    )
    meeting.units.set([unit])
    Proposal.objects.create(
        unit=unit,
        meeting=meeting,
        raised_on=held_on,
        from_group=ParticipantGroup.PERSONS,
        text="Telefontid även på eftermiddagen, 13–14.",
        decision=Proposal.Decision.ACCEPTED,
        answer="Telefontid 13–14 tisdag till torsdag från nästa månad.",
        answered_by="Enhetschef",
        answered_on=held_on + datetime.timedelta(days=21),
        recorded_by=manager.user,
    )
    Proposal.objects.create(
        unit=unit,
        meeting=meeting,
        raised_on=held_on,
        from_group=ParticipantGroup.RELATIVES,
        text="En anhöriggrupp på kvällstid.",
        recorded_by=manager.user,
    )
