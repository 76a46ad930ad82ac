"""The `day` filter: a date, or the local date of a datetime, as a <time> that never breaks."""

import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template

UTC = datetime.UTC


def render(value) -> str:
    return Template("{% load helhet_dates %}{{ value|day }}").render(Context({"value": value}))


def test_a_date_is_a_time_element_that_does_not_break():
    assert render(datetime.date(2026, 3, 1)) == (
        '<time datetime="2026-03-01" class="nowrap">2026-03-01</time>'
    )


def test_a_datetime_is_written_as_its_local_date():
    # 23:30 UTC on 1 March is 00:30 on 2 March in Sweden
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert 'datetime="2026-03-02"' in render(late)
    summer = datetime.datetime(2026, 7, 1, 21, 59, tzinfo=UTC)  # 23:59 CEST
    assert 'datetime="2026-07-01"' in render(summer)
    stockholm = datetime.datetime(2026, 7, 2, 0, 1, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert 'datetime="2026-07-02"' in render(stockholm)


def test_nothing_is_written_for_no_date():
    assert render(None) == ""
