"""The start page for the day: the user's bookings today, what is overdue and due soon for
the user's persons, the new referrals waiting at the active unit, and the persons the user
opened recently.

Each list is the full page's own selector, cut short, and logged as that page logs it (the
calendar's row naming the persons shown, the task list's row naming the persons shown, the
inbox's unit-level row, the search's kind of row for the recently opened).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from helhet.access.log import Actor, record_listing
from helhet.bookings import selectors as calendar
from helhet.intake import selectors as intake
from helhet.intake.actions import referral_viewed
from helhet.intake.models import Referral
from helhet.people import recent
from helhet.people.models import Person
from helhet.reminders import listing as task_listing
from helhet.reminders import refresh
from helhet.reminders import selectors as tasks
from helhet.reminders.models import Reminder

# Rows of each list on the start page; the full pages have the rest.
START_ROWS = 10
# How far ahead a task counts as due soon.
DUE_SOON = datetime.timedelta(days=14)


@dataclass
class Today:
    bookings: list[calendar.Entry] = field(default_factory=list)  # mine today, all of them
    overdue: list[Reminder] = field(default_factory=list)
    due_soon: list[Reminder] = field(default_factory=list)
    more_tasks: bool = False  # the task list has more than these
    referrals: list[Referral] = field(default_factory=list)
    more_referrals: bool = False
    recent: list[Person] = field(default_factory=list)


def today(request) -> Today:
    """The start page's lists for REQUEST's user at the active unit, each logged as its page
    logs it: the lists are read first, then their log rows written in one transaction (one
    commit, and the log's chain held only while they are written)."""
    page = Today(recent=recent.recently_opened(request))
    actor = Actor.from_request(request)
    log: list[Callable[[], object]] = []
    if request.unit is not None:
        log.append(_tasks(request, page))  # first: it reads the caseload's rule
        page.bookings = calendar.todays_bookings(request)
        log.append(
            lambda: record_listing(
                actor, calendar.listed(page.bookings), action="read", what="todays bookings"
            )
        )
        _referrals(request, page)
        log.append(lambda: referral_viewed(actor=actor, what="referral inbox"))
    log.append(lambda: record_listing(actor, page.recent, action="read", what="recently opened"))
    with transaction.atomic():
        for write in log:
            write()
    return page


def _tasks(request, page: Today) -> Callable[[], object]:
    """Overdue and due-soon reminders for the persons on the user's case teams; returns the
    writing of their log row, as the task list logs the persons it shows."""
    refresh.request_refresh(request.unit)
    on = timezone.localdate()
    mine = tasks.Due(request.user, unit=request.unit, whole_unit=False)
    overdue = mine.rows(START_ROWS + 1, due_before=on)
    soon = mine.rows(
        START_ROWS + 1, due_from=on, due_before=on + DUE_SOON + datetime.timedelta(days=1)
    )
    page.overdue, page.due_soon = overdue[:START_ROWS], soon[:START_ROWS]
    page.more_tasks = len(overdue) > START_ROWS or len(soon) > START_ROWS
    shown = tasks.with_links(tasks.with_persons([*page.overdue, *page.due_soon]), on)
    return lambda: task_listing.record_task_listing(request, tasks.persons_of(shown), what="tasks")


def _referrals(request, page: Today) -> None:
    """The undecided referrals at the active unit, oldest first (names are on their pages)."""
    waiting = intake.with_days_waiting(intake.open_referrals(request.unit)[: START_ROWS + 1])
    page.referrals, page.more_referrals = waiting[:START_ROWS], len(waiting) > START_ROWS
