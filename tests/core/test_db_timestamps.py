"""PostgreSQL's timestamptz values come back as Django's loader gives them (aware, in the
connection's time zone, to the microsecond), read by psycopg's C loader (`core.db`)."""

import datetime

import pytest
from django.db import connection

from helhet.access.models import EmergencyAccess
from helhet.core import db as core_db

from .. import factories as f

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loader")

STOCKHOLM_SUMMER = datetime.timezone(datetime.timedelta(hours=2))


def _read(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_a_timestamp_comes_back_aware_in_utc_to_the_microsecond(db):
    value = _read("SELECT '2026-03-29 03:30:00.123456+02'::timestamptz")
    assert value == datetime.datetime(2026, 3, 29, 3, 30, 0, 123456, tzinfo=STOCKHOLM_SUMMER)
    assert value.tzinfo is datetime.UTC and value.hour == 1


def test_a_saved_time_reads_back_equal(county):
    at = datetime.datetime(2026, 10, 25, 2, 59, 59, 999999, tzinfo=STOCKHOLM_SUMMER)
    emergency = f.EmergencyAccessFactory(user=county.outsider, person=county.patient, expires_at=at)
    assert EmergencyAccess.objects.get(pk=emergency.pk).expires_at == at


def test_the_connection_reads_them_with_the_c_loader(db):
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(core_db._TIMESTAMPTZ, 0)
    assert issubclass(loader, core_db._TimestamptzLoader) and loader.timezone == connection.timezone
