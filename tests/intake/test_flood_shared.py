"""The flood counters are shared by every app process: they live in the database cache (made by
a migration), so a second process's cache sees the first one's count."""

import datetime

from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from helhet.intake import flood


def test_a_count_made_in_one_process_limits_the_sender_in_another(settings, county):
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")  # TEST-NET-1
    for _ in range(2):
        flood.count_message(request, county.clinic.pk)
    other_process = caches.create_connection("default")  # a cache object of its own
    assert other_process.get_many(list(dict(flood._keys(request, county.clinic.pk))))
    assert flood.is_flooded(request, county.clinic.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {settings.CACHE_TABLE}")
        assert cursor.fetchone()[0] == 2  # the address's counter and the unit's


def test_another_sender_is_not_limited_by_the_first(settings, county):
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    first = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    for _ in range(2):
        flood.count_message(first, county.clinic.pk)
    second = RequestFactory().post("/", REMOTE_ADDR="192.0.2.8")
    assert not flood.is_flooded(second, county.clinic.pk)


def test_a_count_lasts_the_whole_window(settings, county):
    """The database cache's incr sets the default timeout (5 minutes): the window must hold."""
    settings.HELHET_SELF_REFERRAL_WINDOW_SECONDS = 3600
    flood.count_message(RequestFactory().post("/", REMOTE_ADDR="192.0.2.7"), county.clinic.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {settings.CACHE_TABLE}")
        expiries = [row[0] for row in cursor.fetchall()]
    soonest = min(e if isinstance(e, datetime.datetime) else parse_datetime(e) for e in expiries)
    if timezone.is_naive(soonest):
        soonest = timezone.make_aware(soonest, datetime.UTC)
    assert soonest > timezone.now() + datetime.timedelta(minutes=55)


def test_the_next_window_starts_from_zero(settings, county, monkeypatch):
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    settings.HELHET_SELF_REFERRAL_WINDOW_SECONDS = 3600
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    now = 1_800_000_000  # the start of a window (divisible by 3600)
    monkeypatch.setattr(flood.time, "time", lambda: now + 3599)
    for _ in range(2):
        flood.count_message(request, county.clinic.pk)
    assert flood.is_flooded(request, county.clinic.pk)
    monkeypatch.setattr(flood.time, "time", lambda: now + 3600)
    assert not flood.is_flooded(request, county.clinic.pk)
