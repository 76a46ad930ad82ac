"""`helhet export-log`: the log as JSON lines for a collector, from a kept position, losing
nothing when the collector goes away."""

import datetime
import io

import orjson
import pytest
from django.core.management import call_command

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.management.commands import export_log


def append(county, n):
    actor = Actor(county.nurse, county.clinic, "request-export")
    return log.append(
        log.entry_for(actor, person=county.patient, action="read", what=f"overview {i}")
        for i in range(n)
    )


def export(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export_log", *args, stdout=out)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def test_each_row_after_the_position_is_one_json_line_with_its_sealed_fields(county):
    rows = append(county, 5)
    lines = export("--after", str(rows[1].pk))
    assert [line["id"] for line in lines] == [row.pk for row in rows[2:]]
    first = lines[0]
    assert set(first) == {*log.sealed_columns(), "previous_hash", "hash"}
    assert (first["what"], first["user_id"], first["hash"]) == (
        "overview 2",
        county.nurse.pk,
        rows[2].hash,
    )
    assert first["previous_hash"] == rows[1].hash
    assert first["at"] == rows[2].at.astimezone(datetime.UTC).isoformat()


def test_the_position_file_carries_on_where_the_last_run_stopped(county, tmp_path):
    position = tmp_path / "position"
    rows = append(county, 3)
    assert [line["id"] for line in export("--position", str(position), "--batch", "2")] == [
        row.pk for row in rows
    ]
    assert position.read_text().strip() == str(rows[-1].pk)
    assert export("--position", str(position)) == []
    more = append(county, 2)
    assert [line["id"] for line in export("--position", str(position))] == [r.pk for r in more]


class GoneCollector(io.StringIO):
    def write(self, text):
        raise BrokenPipeError


def test_a_broken_pipe_keeps_the_position_so_nothing_is_lost(county, tmp_path):
    position = tmp_path / "position"
    rows = append(county, 3)
    position.write_text(f"{rows[0].pk}\n")
    with pytest.raises(SystemExit):
        call_command("export_log", "--position", str(position), stdout=GoneCollector())
    assert position.read_text().strip() == str(rows[0].pk)
    assert [line["id"] for line in export("--position", str(position))] == [
        row.pk for row in rows[1:]
    ]


def test_follow_prints_rows_appended_while_it_waits(county, monkeypatch):
    first = append(county, 1)
    polls = []

    def sleep(seconds):
        polls.append(seconds)
        if len(polls) == 1:
            append(county, 2)  # appended while export-log waits
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(export_log.time, "sleep", sleep)
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        call_command("export_log", "--follow", "--interval", "0.5", stdout=out)
    ids = [orjson.loads(line)["id"] for line in out.getvalue().splitlines()]
    assert ids == [first[0].pk, first[0].pk + 1, first[0].pk + 2]
    assert polls == [0.5, 0.5]
