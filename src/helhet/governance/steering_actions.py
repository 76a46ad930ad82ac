"""Writes of the steering group's work: a meeting (agenda, attendees, minutes, its follow-up
period), a decision (owner, due, done), a step of the year's cycle and its done-marking per
year. By the group's members and its units' managers and coordinators (`steering.groups`);
keyword-only and atomic, else ValidationError and nothing saved. Edits carry the version they
were based on (`core/versions.py`). No person is named: nothing is logged."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core.models import User
from helhet.core.versions import check_based_on
from helhet.followup import periods
from helhet.followup.models import SteeringGroup
from helhet.followup.periods import Period

from . import steering
from .models import AgendaItem, CycleDone, CycleStep, Decision, Meeting


def _not_yours() -> ValidationError:
    return ValidationError(
        _("Only the steering group's members and its units' managers and coordinators may.")
    )


def _group(user: User, group_id: int) -> SteeringGroup:
    found = steering.groups(user).filter(pk=group_id).first()
    if found is None:
        raise _not_yours()
    return found


def _locked(model, user: User, pk: int, group_path: str):
    found = (
        model.objects.select_for_update(of=("self",))
        .filter(pk=pk, **{f"{group_path}__in": steering.groups(user)})
        .first()
    )
    if found is None:
        raise _not_yours()
    return found


def _check_meeting(group, held_on, period_start, period_end, attendees) -> None:
    try:  # the follow-up's own limits: in order, not too early nor too long, ended
        periods.check(Period.custom(period_start, period_end))
    except ValidationError as error:
        raise ValidationError({"period_end": error}) from None
    if period_end > held_on:
        raise ValidationError(
            {"period_end": _("The follow-up period must end by the day of the meeting.")}
        )
    outsiders = {a if isinstance(a, int) else a.pk for a in attendees} - set(
        group.members.values_list("pk", flat=True)
    )
    if outsiders:
        raise ValidationError({"attendees": _("Attendees are chosen among the members.")})


@transaction.atomic
def meeting_save(
    *,
    user: User,
    group_id: int,
    based_on: int | None,
    held_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    place: str = "",
    agenda: list[str] = (),  # type: ignore[assignment]
    attendees=(),
    minutes: str = "",
    meeting_id: int | None = None,
) -> Meeting:
    """A new meeting of the group (MEETING_ID None), or a change of one, based on its version;
    the agenda's items in the order given replace the earlier."""
    group = _group(user, group_id)
    _check_meeting(group, held_on, period_start, period_end, attendees)
    if meeting_id is None:
        meeting = Meeting(group=group, created_by=user)
    else:
        meeting = _locked(Meeting, user, meeting_id, "group")
        if meeting.group_id != group.pk:
            raise _not_yours()
        check_based_on(based_on, meeting.version)
        meeting.version += 1
    meeting.held_on, meeting.place = held_on, place.strip()
    meeting.period_start, meeting.period_end = period_start, period_end
    meeting.minutes = minutes.strip()
    meeting.save()
    meeting.attendees.set(attendees)
    meeting.agenda.all().delete()
    items = [title.strip() for title in agenda if title.strip()]
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, title=title) for n, title in enumerate(items)
    )
    return meeting


def _owner(meeting: Meeting, owner, owner_function: str) -> User | None:
    if owner is not None:
        owner_id = owner if isinstance(owner, int) else owner.pk
        found = meeting.group.members.filter(pk=owner_id).first()
        if found is None:
            raise ValidationError({"owner": _("The owner is a member of the steering group.")})
        return found
    if not owner_function.strip():
        raise ValidationError({"owner": _("Name the owner: a member, or a party's function.")})
    return None


@transaction.atomic
def decision_save(
    *,
    user: User,
    meeting_id: int,
    based_on: int | None,
    text: str,
    owner=None,
    owner_function: str = "",
    due_on: datetime.date | None = None,
    done: bool = False,
    decision_id: int | None = None,
) -> Decision:
    """A decision of the meeting (DECISION_ID None: a new one), with its owner (a member or a
    party's function) and due date; DONE marks it done today by USER (unmarked: open again)."""
    if decision_id is None:
        meeting = _locked(Meeting, user, meeting_id, "group")
        decision = Decision(meeting=meeting)
    else:
        decision = _locked(Decision, user, decision_id, "meeting__group")
        meeting = decision.meeting
        check_based_on(based_on, decision.version)
        decision.version += 1
    if not text.strip():
        raise ValidationError({"text": _("Write the decision.")})
    decision.owner = _owner(meeting, owner, owner_function)
    decision.text, decision.owner_function = text.strip(), owner_function.strip()
    decision.due_on = due_on
    if done and decision.done_on is None:
        decision.done_on, decision.done_by = timezone.localdate(), user
    elif not done:
        decision.done_on, decision.done_by = None, None
    decision.save()
    return decision


@transaction.atomic
def cycle_step_save(
    *,
    user: User,
    group_id: int,
    based_on: int | None,
    kind: str,
    month: int,
    day: int,
    name: str = "",
    remind_days: int = 14,
    step_id: int | None = None,
) -> CycleStep:
    """A step of the group's year (STEP_ID None: a new one): what, on which day, reminded how
    many days ahead."""
    group = _group(user, group_id)
    if step_id is None:
        step = CycleStep(group=group)
    else:
        step = _locked(CycleStep, user, step_id, "group")
        check_based_on(based_on, step.version)
        step.version += 1
    if kind not in CycleStep.Kind.values:
        raise ValidationError({"kind": _("Choose a step.")})
    if kind == CycleStep.Kind.OTHER and not name.strip():
        raise ValidationError({"name": _("Name the step.")})
    try:
        datetime.date(2024, month, day)  # a leap year: 29 February is a day of the year
    except ValueError:
        raise ValidationError({"day": _("The month has no such day.")}) from None
    step.kind, step.name, step.month, step.day = kind, name.strip(), month, day
    step.remind_days = remind_days
    step.save()
    return step


@transaction.atomic
def cycle_step_done(*, user: User, step_id: int, year: int, undo: bool = False) -> None:
    """Mark the step done for YEAR (today, by USER), or UNDO that."""
    step = _locked(CycleStep, user, step_id, "group")
    if undo:
        CycleDone.objects.filter(step=step, year=year).delete()
        return
    if CycleDone.objects.filter(step=step, year=year).exists():
        raise ValidationError(_("The step is already done for that year."))
    CycleDone.objects.create(step=step, year=year, done_on=timezone.localdate(), done_by=user)
