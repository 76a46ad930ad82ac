"""The writes of the surveys: an answer from any channel, kiosks, one-time codes, the review of
comments, and the user council's meetings and proposals. Each is one transaction; bad input
raises ValidationError with a message in the reader's language. Edits carry the version they
were based on (`core/versions.py`)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Unit, User
from helhet.core.versions import check_based_on

from . import questionnaires
from .models import (
    Channel,
    CommentState,
    CouncilMeeting,
    Kiosk,
    ParticipantGroup,
    Proposal,
    Response,
    ResponseItem,
    SurveyCode,
)

KIOSK_HOURS = 12  # a kiosk started in the morning ends by the night
CODE_DAYS = 30  # a code handed out at a visit works this long
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 8


def first_of_month(day: datetime.date) -> datetime.date:
    """The month an answer is kept under: a day would tie it to a visit."""
    return day.replace(day=1)


def secret_hash(text: str) -> str:
    """The keyed hash a kiosk token or a code is kept as (the text itself is never stored)."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def response_submit(
    *,
    unit: Unit,
    questionnaire: questionnaires.Questionnaire,
    channel: str,
    day: datetime.date,
    answers: Mapping[int, int | None],
    comment: str = "",
) -> Response:
    """Save one anonymous answer: the unit, questionnaire, month of DAY, channel and answers."""
    given = {number: value for number, value in answers.items() if value is not None}
    for number, value in given.items():
        if value not in questionnaire.question(number).values:
            raise ValidationError(_("Choose one of the answers shown."), code="value")
    comment = comment.strip()
    if not given and not comment:
        raise ValidationError(_("Answer at least one question."), code="empty")
    response = Response.objects.create(
        unit=unit,
        questionnaire=questionnaire.code,
        version=questionnaire.version,
        month=first_of_month(day),
        channel=channel,
        comment=comment,
        comment_state=CommentState.WAITING if comment else CommentState.NONE,
    )
    ResponseItem.objects.bulk_create(
        ResponseItem(response=response, question=number, value=value)
        for number, value in sorted(given.items())
    )
    return response


# --- Kiosks -----------------------------------------------------------------------------------


@transaction.atomic
def kiosk_start(*, user: User, unit: Unit, questionnaire: str) -> str:
    """Start a kiosk at UNIT (USER is its staff: the view asked); the token for the device."""
    questionnaires.get(questionnaire)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    Kiosk.objects.create(
        unit=unit,
        questionnaire=questionnaire,
        token_hash=secret_hash(token),
        started_by=user,
        started_at=now,
        ends_at=now + datetime.timedelta(hours=KIOSK_HOURS),
    )
    return token


def running_kiosk(token: str | None) -> Kiosk | None:
    """The kiosk of TOKEN while it runs (not stopped, not ended); None otherwise."""
    if not token:
        return None
    return (
        Kiosk.objects.select_related("unit")
        .filter(token_hash=secret_hash(token), stopped_at=None, ends_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def kiosk_stop(*, unit: Unit, kiosk_id: int | None) -> None:
    """Stop the running kiosk KIOSK_ID of UNIT (a staff member of it asks)."""
    if kiosk_id is not None:
        running = Kiosk.objects.filter(pk=kiosk_id, unit=unit, stopped_at=None)
        running.update(stopped_at=timezone.now())


# --- One-time codes ---------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    """A code as typed (lower case, spaces, the hyphen of the slip) in its stored form."""
    return "".join(character for character in text.upper() if character.isalnum())


def show_code(code: str) -> str:
    """The code as printed: two groups of four."""
    return f"{code[:4]}-{code[4:]}"


@transaction.atomic
def code_issue(*, unit: Unit, questionnaire: str, today: datetime.date) -> SurveyCode:
    """A new one-time code for UNIT; the code itself is returned as `code.code` only now."""
    questionnaires.get(questionnaire)
    code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
    issued = SurveyCode.objects.create(
        unit=unit,
        questionnaire=questionnaire,
        code_hash=secret_hash(code),
        expires_on=today + datetime.timedelta(days=CODE_DAYS),
    )
    issued.code = code
    return issued


def code_check(text: str, *, today: datetime.date, lock: bool = False) -> SurveyCode:
    """The code TEXT if it may still be used; ValidationError saying why not."""
    found = SurveyCode.objects.select_related("unit")
    if lock:
        found = found.select_for_update()
    code = found.filter(code_hash=secret_hash(normalise_code(text))).first()
    if code is None:
        raise ValidationError(
            _("We cannot find that code. Check that you typed it as it stands on the slip."),
            code="unknown",
        )
    if code.used:
        raise ValidationError(
            _("This code has already been used. Each code can be used once."), code="used"
        )
    if code.expires_on < today:
        raise ValidationError(
            _("This code is no longer valid: it was valid until %(day)s."),
            code="expired",
            params={"day": code.expires_on.isoformat()},
        )
    return code


@transaction.atomic
def code_answer(
    *, text: str, today: datetime.date, answers: Mapping[int, int | None], comment: str
) -> Response:
    """Answer with the one-time code TEXT: used once, refused after, the answer not linked."""
    code = code_check(text, today=today, lock=True)
    response = response_submit(
        unit=code.unit,
        questionnaire=questionnaires.get(code.questionnaire),
        channel=Channel.CODE,
        day=today,
        answers=answers,
        comment=comment,
    )
    SurveyCode.objects.filter(pk=code.pk).update(used=True)
    return response


# --- Comments ---------------------------------------------------------------------------------

CLEAR, REJECT = "clear", "reject"


@transaction.atomic
def comment_review(*, unit: Unit, response_id: int | None, decision: str, text: str) -> None:
    """Clear a waiting comment of UNIT (as TEXT, edited of anything identifying) or reject it
    (its text is emptied: nothing identifying is kept)."""
    response = (
        Response.objects.select_for_update()
        .filter(pk=response_id or 0, unit=unit, comment_state=CommentState.WAITING)
        .first()
    )
    if response is None:
        raise ValidationError(_("This comment has already been reviewed."), code="reviewed")
    if decision == CLEAR:
        text = text.strip()
        if not text:
            raise ValidationError(
                _("A cleared comment cannot be empty: reject it instead."), code="empty"
            )
        response.comment, response.comment_state = text, CommentState.CLEARED
    elif decision == REJECT:
        response.comment, response.comment_state = "", CommentState.REJECTED
    else:
        raise ValidationError(_("Choose to clear or to reject the comment."), code="decision")
    response.save(update_fields=["comment", "comment_state"])


# --- The user council ------------------------------------------------------------------------


def _check_meeting(held_on: datetime.date, groups: list[str]) -> None:
    if held_on > timezone.localdate():
        raise ValidationError(_("The meeting cannot lie in the future."), code="future")
    if not groups or not set(groups) <= set(ParticipantGroup.values):
        raise ValidationError(_("Choose who took part."), code="groups")


def _check_raised(raised_on: datetime.date) -> None:
    if raised_on > timezone.localdate():
        raise ValidationError(_("The date cannot lie in the future."), code="future")


@transaction.atomic
def meeting_record(
    *,
    user: User,
    units: list[Unit],
    held_on: datetime.date,
    groups: list[str],
    participants: str,
    notes: str,
) -> CouncilMeeting:
    """Record a user council meeting of UNITS: the groups that took part, never names."""
    _check_meeting(held_on, groups)
    meeting = CouncilMeeting.objects.create(
        held_on=held_on, groups=groups, participants=participants, notes=notes, recorded_by=user
    )
    meeting.units.set(units)
    return meeting


@transaction.atomic
def meeting_edit(
    *,
    meeting_id: int,
    based_on: int | None,
    held_on: datetime.date,
    groups: list[str],
    participants: str,
    notes: str,
) -> CouncilMeeting:
    """Correct a recorded meeting (the view asked who may), as recording it checks, based on
    its version; its units stay."""
    meeting = CouncilMeeting.objects.select_for_update().get(pk=meeting_id)
    check_based_on(based_on, meeting.version)
    _check_meeting(held_on, groups)
    meeting.held_on, meeting.groups = held_on, groups
    meeting.participants, meeting.notes = participants, notes
    meeting.version += 1
    meeting.save(update_fields=["held_on", "groups", "participants", "notes", "version"])
    return meeting


@transaction.atomic
def proposal_record(
    *,
    user: User,
    unit: Unit,
    meeting: CouncilMeeting | None,
    raised_on: datetime.date,
    from_group: str,
    text: str,
) -> Proposal:
    """Record a proposal from the users to UNIT (at MEETING, when raised at one)."""
    _check_raised(raised_on)
    return Proposal.objects.create(
        unit=unit,
        meeting=meeting,
        raised_on=raised_on,
        from_group=from_group,
        text=text,
        recorded_by=user,
    )


@transaction.atomic
def proposal_edit(
    *,
    proposal_id: int,
    based_on: int | None,
    meeting: CouncilMeeting | None,
    raised_on: datetime.date,
    from_group: str,
    text: str,
) -> Proposal:
    """Correct what was proposed (the view asked who may, and offers the unit's meetings), as
    recording it checks, based on its version; answered or not, as long as it was raised by
    the answer's date. The answer has its own page and is left as it is."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    check_based_on(based_on, proposal.version)
    _check_raised(raised_on)
    if proposal.answered_on is not None and raised_on > proposal.answered_on:
        raise ValidationError(
            _("The proposal cannot be raised after it was answered (%(day)s)."),
            code="date",
            params={"day": proposal.answered_on.isoformat()},
        )
    proposal.meeting, proposal.raised_on = meeting, raised_on
    proposal.from_group, proposal.text = from_group, text
    proposal.version += 1
    proposal.save(update_fields=["meeting", "raised_on", "from_group", "text", "version"])
    return proposal


@transaction.atomic
def proposal_answer(
    *,
    proposal_id: int,
    based_on: int | None,
    decision: str,
    answer: str,
    answered_by: str,
    answered_on: datetime.date,
) -> None:
    """The unit's answer to proposal PROPOSAL_ID: the decision, the answer, who (a function)
    and when; a new answer replaces it, based on the proposal's version."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    check_based_on(based_on, proposal.version)
    if decision == Proposal.Decision.WAITING:
        raise ValidationError(_("Choose the decision."), code="decision")
    if answered_on > timezone.localdate() or answered_on < proposal.raised_on:
        raise ValidationError(
            _("The answer's date lies between the proposal's and today."), code="date"
        )
    proposal.decision, proposal.answer = decision, answer
    proposal.answered_by, proposal.answered_on = answered_by, answered_on
    proposal.version += 1
    proposal.save(update_fields=["decision", "answer", "answered_by", "answered_on", "version"])
