"""The steering group's work (issue 17, item 7): who may read and act on its meetings,
decisions and the year's cycle, and what a meeting's page reads.

Who (deny by default, "not found" otherwise): the group's members and the managers and
coordinators of its units read AND act — record a meeting, its minutes and decisions, the
steps of the year's cycle and their done-marking (`access.steering_group_or_404`'s rule, as a
queryset here). Staff of its units, members of other groups, administrators: 404.

A meeting looks at a follow-up period: its page shows the follow-up of the group's units for
it (`followup.indicators.county_comparison` of those units, always suppressed: a steering
group's page leaves the unit), the open checklist items of their agreements that the user
may read, links to the follow-up pages of the units the user may follow up, and the deviation
figures (`deviations.figures`). A step of the year's cycle is marked done for the occurrence
that is due (`due_year`: in January, still last year's December step). Nothing here names
a person: no log row.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from helhet.core.models import User
from helhet.core.replica import from_replica
from helhet.followup import indicators, tables
from helhet.followup.access import followup_units
from helhet.followup.models import SteeringGroup
from helhet.followup.periods import Period
from helhet.surveys import results as survey_results

from . import access, deviations, targets
from .models import ChecklistItem, CycleDone, CycleStep, Decision, Deviation, Meeting

groups = access.steering_groups  # the one rule: members, and the units' managers and coordinators


def _one_or_404(found):
    if found is None:
        raise Http404
    return found


def meeting_or_404(user: User, meeting_id: int) -> Meeting:
    meetings = Meeting.objects.filter(pk=meeting_id, group__in=groups(user))
    return _one_or_404(meetings.select_related("group").first())


def decision_or_404(user: User, decision_id: int) -> Decision:
    decisions = Decision.objects.filter(pk=decision_id, meeting__group__in=groups(user))
    return _one_or_404(decisions.select_related("meeting__group", "owner", "done_by").first())


def step_or_404(user: User, step_id: int) -> CycleStep:
    steps = CycleStep.objects.filter(pk=step_id, group__in=groups(user))
    return _one_or_404(steps.select_related("group").first())


def members(group: SteeringGroup) -> QuerySet[User]:
    """The group's members, by organisation (party) and name."""
    return group.members.select_related("organisation").order_by(
        "organisation__name", "last_name", "first_name", "pk"
    )


@dataclass
class Party:
    name: str
    members: list[User]


def members_per_party(group: SteeringGroup) -> list[Party]:
    """The members grouped by their organisation (the party they sit for)."""
    parties: dict[str, Party] = {}
    for member in members(group):
        name = member.organisation.name if member.organisation else ""
        parties.setdefault(name, Party(name, [])).members.append(member)
    return list(parties.values())


# --- Decisions -------------------------------------------------------------------------------


def open_decisions(group: SteeringGroup, *, before: Meeting | None = None) -> QuerySet[Decision]:
    """The group's decisions not yet done, due first; BEFORE: only those of earlier meetings
    (carried over to BEFORE's page)."""
    found = Decision.objects.open().filter(meeting__group=group)
    if before is not None:
        earlier = Q(meeting__held_on__lt=before.held_on) | Q(
            meeting__held_on=before.held_on, meeting__pk__lt=before.pk
        )
        found = found.filter(earlier)
    return found.select_related("meeting", "owner").order_by("due_on", "meeting__held_on", "pk")


# --- The follow-up of the meeting's period -------------------------------------------------


def period(meeting: Meeting) -> Period:
    """The meeting's follow-up period, named as the follow-up names it (`targets.period_of`)."""
    return targets.period_of(meeting.period_start, meeting.period_end)


@dataclass
class FollowUp:
    """The follow-up of a meeting's period for the group's units: a table per indicator group
    with a column per unit (suppressed), and each unit's follow-up page for the period."""

    period: Period
    ended: bool
    tables: list[tables.Table]
    units: list  # (unit, the query string of its follow-up page for the period)
    held: list = field(default_factory=list)  # the agreements' targets (`targets.held`)
    # the persons' and relatives' own voice: each questionnaire's means per unit (suppressed)
    surveys: list = field(default_factory=list)


def followup(meeting: Meeting, today: datetime.date, user: User) -> FollowUp:
    """The follow-up of MEETING's period; the units' own follow-up pages linked only of the
    units USER may follow up (`followup_units`: the others' would be "not found")."""
    shown = period(meeting)
    units = list(meeting.group.units.order_by("name"))
    ended = shown.end <= today
    found: list[tables.Table] = []
    held: list[targets.Held] = []
    voice: list[survey_results.Table] = []
    if ended and units:
        reports, voice = from_replica(
            lambda: (
                indicators.county_comparison(units, shown, suppress=True),
                survey_results.comparison(units, shown),
            )
        )
        found = tables.side_by_side_tables(reports, lambda r: r.unit_name)
        held = targets.held(reports)
    yours = set(
        followup_units(user).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True)
    )
    links = [(unit, shown.query()) for unit in units if unit.pk in yours]
    return FollowUp(shown, ended, found, links, held, voice)


def open_items(group: SteeringGroup, user: User) -> QuerySet[ChecklistItem]:
    """The open checklist items of the agreements of the group's units that USER may read
    (`access.readable_agreements`: the others' pages are "not found" to USER)."""
    return (
        ChecklistItem.objects.filter(
            agreement__units__steering_groups=group,
            agreement__in=access.readable_agreements(user).values("pk"),
            status__in=ChecklistItem.OPEN,
        )
        .distinct()
        .select_related("agreement")
        .order_by("agreement__name", "position")
    )


def deviation_figures(group: SteeringGroup, today: datetime.date) -> list[deviations.Figure]:
    """Running and overdue deviations at the group's units (`deviations.figures`)."""
    return deviations.figures(Deviation.objects.filter(unit__steering_groups=group), today)


# --- The year's cycle -----------------------------------------------------------------------


OVERDUE_FOR = datetime.timedelta(days=183)


def step_date(step: CycleStep, year: int) -> datetime.date:
    """STEP's day in YEAR (the month's last day when it has fewer days)."""
    return datetime.date(year, step.month, min(step.day, calendar.monthrange(year, step.month)[1]))


def next_due(step: CycleStep, done_years: set[int], today: datetime.date) -> datetime.date | None:
    """The step's first occurrence not done, of last year, this year and next year, that is
    less than half a year past: an undone step stays overdue for half a year (a step due in
    December is still due in January), then the next year's occurrence takes over."""
    for year in (today.year - 1, today.year, today.year + 1):
        day = step_date(step, year)
        if year not in done_years and (today - day).days < OVERDUE_FOR.days:
            return day
    return None


def due_year(step: CycleStep, done: set[int], today: datetime.date) -> int:
    """The year whose occurrence of STEP a "Done" marks: the one due (`next_due`, what the
    reminder is about: in January still last year's December step), else this year's."""
    due = next_due(step, done, today)
    return due.year if due is not None else today.year


@dataclass
class CycleRow:
    step: CycleStep
    year: int  # the occurrence shown, which "Done" marks
    due_on: datetime.date
    done: CycleDone | None
    state: str  # "done", "overdue", "soon" (within its reminder) or "later"


def cycle(group: SteeringGroup, today: datetime.date) -> list[CycleRow]:
    """The group's cycle this year: each step's date and whether it is done, in date order; a
    step whose last year's occurrence is still due (`next_due`: a December step in January)
    shows that occurrence, so that "Done" marks it."""
    steps = list(group.cycle_steps.all())
    years = (today.year - 1, today.year, today.year + 1)
    done: dict[tuple[int, int], CycleDone] = {
        (d.step_id, d.year): d
        for d in CycleDone.objects.filter(step__in=steps, year__in=years).select_related("done_by")
    }
    rows = []
    for step in steps:
        done_in = {year for step_id, year in done if step_id == step.pk}
        year = min(today.year, due_year(step, done_in, today))
        day, finished = step_date(step, year), done.get((step.pk, year))
        if finished is not None:
            state = "done"
        elif day < today:
            state = "overdue"
        elif (day - today).days <= step.remind_days:
            state = "soon"
        else:
            state = "later"
        rows.append(CycleRow(step, year, day, finished, state))
    return sorted(rows, key=lambda row: (row.due_on, row.step.pk))


def page(group: SteeringGroup, today: datetime.date) -> dict:
    """What the steering group's page shows of its work: the members per party, the meetings,
    the open decisions, and this year's cycle."""
    return {
        "parties": members_per_party(group),
        "meetings": group.meetings.order_by("-held_on", "-pk"),
        "open_decisions": open_decisions(group),
        "cycle": cycle(group, today),
        "year": today.year,
    }
