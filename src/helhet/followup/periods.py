"""Follow-up periods: a month, a quarter, a year or any dates, both ends inclusive.

A period's days are local days in the installation's time zone (`TIME_ZONE`, Europe/Stockholm):
a contact at 23:59 on the last day belongs to the period, one at 00:00 the next day does not.
`Period.bounds()` gives the aware datetimes [first midnight, midnight after the last day) that
date-time fields are compared with, so both databases compare the same instants.

A period must have ended (its end today at the latest), may not start before
`EARLIEST_YEAR` and a custom period may be at most `MAX_YEARS` years long.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhet.care.models import add_months
from helhet.core import limits

KINDS = ("year", "quarter", "month", "custom")
EARLIEST_YEAR = 2000
MAX_YEARS = 10


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    kind: str  # "month" | "quarter" | "year" | "custom"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last), "month")

    @classmethod
    def quarter(cls, year: int, q: int) -> Period:
        first = 3 * (q - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        return cls(datetime.date(year, first, 1), datetime.date(year, first + 2, last), "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year")

    @classmethod
    def custom(cls, start: datetime.date, end: datetime.date) -> Period:
        return cls(start, end, "custom")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return gettext("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.kind == "month":
            return f"{MONTHS[self.start.month]} {self.start.year}"
        return f"{self.start.isoformat()}–{self.end.isoformat()}"

    @property
    def slug(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return f"{self.start.year}-q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def query(self) -> dict[str, str]:
        """The query-string data `parse_period` reads back as this period."""
        if self.kind == "year":
            return {"kind": "year", "year": str(self.start.year)}
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return {"kind": "quarter", "year": str(self.start.year), "quarter": str(q)}
        if self.kind == "month":
            return {"kind": "month", "year": str(self.start.year), "month": str(self.start.month)}
        return {"kind": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The aware instants [local midnight of the first day, local midnight after the last)."""
        zone = local_zone()
        after = self.end + datetime.timedelta(days=1)
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
        )

    def shifted(self, steps: int) -> Period:
        """The period STEPS of the same kind later (earlier when negative)."""
        if self.kind == "year":
            return Period.year(self.start.year + steps)
        if self.kind in ("quarter", "month"):
            months = steps * (3 if self.kind == "quarter" else 1)
            first = add_months(self.start, months)
            if self.kind == "quarter":
                return Period.quarter(first.year, (first.month - 1) // 3 + 1)
            return Period.month(first.year, first.month)
        length = datetime.timedelta(days=self.days)
        return Period.custom(self.start + steps * length, self.end + steps * length)

    def preceding(self, count: int) -> list[Period]:
        """The COUNT periods of the same kind ending with this one, oldest first (custom: of the
        same length, back to back)."""
        return [self.shifted(-steps) for steps in range(count - 1, -1, -1)]


def last_full_year(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period.year(today.year - 1)


def check(period: Period, today: datetime.date | None = None) -> Period:
    """PERIOD, or ValidationError when it cannot be followed up."""
    today = today or timezone.localdate()
    if period.end < period.start:
        raise ValidationError(_("The period ends before it starts."), code="order")
    if period.start.year < EARLIEST_YEAR:
        raise ValidationError(
            _("Follow-up starts in %(year)d at the earliest."),
            code="early",
            params={"year": EARLIEST_YEAR},
        )
    if period.end > today:
        raise ValidationError(
            _("The period has not ended yet: choose one that ends today at the latest."),
            code="future",
        )
    if period.kind == "custom" and period.end >= add_months(period.start, 12 * MAX_YEARS):
        raise ValidationError(
            _("A period can be at most %(years)d years long."),
            code="long",
            params={"years": MAX_YEARS},
        )
    return period


class PeriodForm(forms.Form):
    """The period filter of the follow-up pages; `cleaned_data["period"]` is the Period."""

    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("year", _("Year")),
            ("quarter", _("Quarter")),
            ("month", _("Month")),
            ("custom", _("Dates")),
        ],
        required=False,
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=EARLIEST_YEAR, max_value=9999
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(q, str(q)) for q in range(1, 5)],
        coerce=int,
        required=False,
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        choices=[(m, MONTHS[m]) for m in range(1, 13)],
        coerce=int,
        required=False,
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[limits.PAST],  # and `clean_period`'s range
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[limits.PAST],  # and `clean_period`'s range
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data: Any = super().clean()  # (the cleaned data)
        if self.errors:
            return data
        kind = data.get("kind") or ""
        year = data.get("year")
        required = {
            "": [],
            "year": ["year"],
            "quarter": ["year", "quarter"],
            "month": ["year", "month"],
            "custom": ["start", "end"],
        }[kind]
        missing = [name for name in required if data.get(name) in (None, "")]
        for name in missing:
            self.add_error(name, _("Choose this to show the period."))
        if missing:
            return data
        if kind == "":
            period = last_full_year(self.today)
        elif kind == "year":
            period = Period.year(year)
        elif kind == "quarter":
            period = Period.quarter(year, data["quarter"])
        elif kind == "month":
            period = Period.month(year, data["month"])
        else:
            period = Period.custom(data["start"], data["end"])
        try:
            data["period"] = check(period, self.today)
        except ValidationError as error:
            self.add_error(None, error)
        return data


def parse_period(data: Mapping[str, str], *, today: datetime.date | None = None) -> Period:
    """The period in query-string style DATA (see `PeriodForm`); none given: the last full year
    before TODAY. ValidationError, with the form's messages, when it is not a period."""
    form = PeriodForm(data, today=today)
    if not form.is_valid():
        messages = [message for errors in form.errors.values() for message in errors]
        raise ValidationError(messages)
    return form.cleaned_data["period"]
