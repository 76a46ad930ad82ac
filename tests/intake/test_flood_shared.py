"""The flood counters are shared by every app process: they live in the database cache (made by
a migration), so a second process's cache sees the first one's count."""

from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory

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
