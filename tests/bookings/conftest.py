"""Helpers for the calendar tests: times ahead and behind, a booking of the patient."""

import datetime

import pytest
from django.utils import timezone

from .. import factories as f


def ahead(days: int = 1, hour: int = 10) -> datetime.datetime:
    """HOUR o'clock local time DAYS from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def form_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def booking(county):
    """The patient booked at the clinic tomorrow at ten, with the nurse."""
    return f.BookingFactory(episode=county.episode, booked_by=county.nurse, starts_at=ahead(1))


@pytest.fixture
def past_booking(county):
    """The patient's booking at the clinic that began an hour ago."""
    start = timezone.now() - datetime.timedelta(hours=1)
    return f.BookingFactory(episode=county.episode, booked_by=county.nurse, starts_at=start)
