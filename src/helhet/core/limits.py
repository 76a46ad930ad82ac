"""Limits on what a person types, in one place: the length of a text by its use, the range of a
date by its meaning. Model fields and forms take their maximum lengths from here, and every
date field of a form has a `DateRange` (`tests/core/test_input_limits.py` walks them all)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# --- Text lengths ---------------------------------------------------------------------------

NOTE_LENGTH = 10_000  # a contact's note, a meeting's minutes
GOAL_LENGTH = 4_000  # a plan's goals, a SIP's goal
QUESTION_LENGTH = 5_000  # a referral's question
TEXT_LENGTH = 2_000  # a reason, an assessment of maturity, a list of participants
NAME_LENGTH = 200  # a name, a title, a body or function, a short description

# --- Dates ----------------------------------------------------------------------------------

EARLIEST_DATE = datetime.date(1900, 1, 1)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """DAY in YEARS years (28 February for 29 February in a year that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateRange:
    """A validator: a date (or a date and time) not before 1900 and, with YEARS_AHEAD, not
    later than that many years after today.

    Without YEARS_AHEAD the latest date is the action's rule (most dates may not lie in the
    future at all; the action says so in its own words)."""

    def __init__(self, *, years_ahead: int | None = None):
        self.years_ahead = years_ahead

    def __call__(self, value: datetime.date) -> None:
        # A date and time as typed: its own date (no conversion, which a year 1 cannot bear).
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day < EARLIEST_DATE:
            raise ValidationError(
                _("Enter a date in %(year)s or later."),
                code="date_too_early",
                params={"year": EARLIEST_DATE.year},
            )
        if self.years_ahead is not None:
            latest = years_after(timezone.localdate(), self.years_ahead)
            if day > latest:
                raise ValidationError(
                    _("Enter a date no later than %(latest)s."),
                    code="date_too_late",
                    params={"latest": latest.isoformat()},
                )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and other.years_ahead == self.years_ahead


# How far ahead a date may lie, by its meaning.
CONSENT_YEARS = 3  # a consent's end: renewed at least this often
CONSENT_START_YEARS = 1  # a consent that begins later
REVIEW_YEARS = 2  # a plan's review, a SIP's next follow-up
FILTER_YEARS = 1  # the end of a filter's period
AGREEMENT_YEARS = 10  # an agreement's term, a checklist item's due date

PAST = DateRange()  # a date that has happened: the action refuses the future
REVIEW_RANGE = DateRange(years_ahead=REVIEW_YEARS)
FILTER_RANGE = DateRange(years_ahead=FILTER_YEARS)
AGREEMENT_RANGE = DateRange(years_ahead=AGREEMENT_YEARS)

# --- Numbers --------------------------------------------------------------------------------

MAX_AGE = 120  # a unit's youngest and oldest age
MAX_DAYS = 365  # a deadline in days (an answer, a step of an escalation ladder)
MAX_AMOUNT = 10_000_000_000  # kronor: a cost
MAX_POPULATION = 10_000_000  # a municipality's population
