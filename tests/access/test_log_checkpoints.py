"""Checkpoints of the log's head outside the database: a cut tail with the head rewound is
found, as verify-log reads them; written after commit, sealed, to a file, syslog or HTTP."""

import datetime
import http.server
import socket
import threading

import pytest
from django.core.management import call_command
from django.db import transaction

from helhet.access import checkpoints, log
from helhet.access.checkpoints import Checkpoint
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, LogChainHead


@pytest.fixture(autouse=True)
def destinations(settings, tmp_path):
    settings.HELHET_LOG_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    settings.HELHET_LOG_CHECKPOINT_SYSLOG = ""
    settings.HELHET_LOG_CHECKPOINT_URL = ""
    settings.HELHET_LOG_CHECKPOINT_ROWS = 5
    settings.HELHET_LOG_CHECKPOINT_MINUTES = 0
    return settings


def append(county, n=1):
    actor = Actor(county.nurse, county.clinic, "request-cp")
    return log.append(
        log.entry_for(actor, person=county.patient, action="read", what=f"overview {i}")
        for i in range(n)
    )


def written():
    found, bad = checkpoints.read()
    assert bad == []
    return found


def test_a_checkpoint_names_the_head_after_the_commit_that_reaches_n_rows(
    county, django_capture_on_commit_callbacks
):
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            append(county)
    assert written() == []
    with django_capture_on_commit_callbacks(execute=True):
        fifth = append(county)[0]
    [checkpoint] = written()
    assert (checkpoint.entry_id, checkpoint.hash, checkpoint.entries) == (fifth.pk, fifth.hash, 5)
    with django_capture_on_commit_callbacks(execute=True):
        append(county, 4)
    assert len(written()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        append(county, 3)  # rows 10-12: passes the tenth
    assert [c.entry_id for c in written()] == [fifth.pk, fifth.pk + 7]


def test_a_row_rolled_back_is_never_checkpointed(county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            append(county, 5)
            raise RuntimeError("the request failed")
    assert written() == []
    assert not AccessLogEntry.objects.exists()


def test_the_first_row_after_m_minutes_is_checkpointed(
    county, settings, django_capture_on_commit_callbacks
):
    settings.HELHET_LOG_CHECKPOINT_ROWS, settings.HELHET_LOG_CHECKPOINT_MINUTES = 0, 5
    with django_capture_on_commit_callbacks(execute=True):
        first = append(county)[0]  # never checkpointed before
        append(county)
    assert [c.entry_id for c in written()] == [first.pk]
    head = LogChainHead.objects.get()
    head.checkpointed_at -= datetime.timedelta(minutes=6)
    head.save()
    with django_capture_on_commit_callbacks(execute=True):
        third = append(county)[0]
    assert [c.entry_id for c in written()] == [first.pk, third.pk]


def test_no_destination_no_checkpoint(county, settings, django_capture_on_commit_callbacks):
    settings.HELHET_LOG_CHECKPOINT_DIR = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append(county, 6)
    assert callbacks == []
    assert LogChainHead.objects.get().checkpointed_at is None


def test_a_failing_destination_does_not_fail_the_request_and_is_logged(
    county, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    settings.HELHET_LOG_CHECKPOINT_DIR = str(not_a_directory)
    with django_capture_on_commit_callbacks(execute=True):
        rows = append(county, 5)
    assert AccessLogEntry.objects.filter(pk=rows[-1].pk).exists()
    assert f"checkpoint of row {rows[-1].pk} was not written" in caplog.text


@pytest.fixture
def chain(county):
    """Ten rows, and a checkpoint of the head at the tenth."""
    rows = append(county, 10)
    call_command("checkpoint_log")
    return rows


def cut_tail(chain, keep):
    """Delete the rows after KEEP and rewind the head to the last row left, as an intruder
    without the key can."""
    AccessLogEntry.objects.filter(pk__gt=chain[keep - 1].pk).delete()
    LogChainHead.objects.filter(pk=1).update(
        last_entry_id=chain[keep - 1].pk, last_hash=chain[keep - 1].hash, entries=keep
    )


def verify_log(capsys, *args):
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_log", *args)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out + out.err


def test_verify_log_names_the_checkpoint_it_checked(chain, capsys):
    code, text = verify_log(capsys)
    assert code == 0
    assert f"Access log intact: 10 rows; it holds row {chain[-1].pk} as the checkpoint" in text


def test_a_cut_tail_with_the_head_rewound_is_found_by_the_checkpoint(chain, capsys):
    cut_tail(chain, keep=7)
    assert log.verify() is None  # the chain and its head agree: only the checkpoint knows
    code, text = verify_log(capsys)
    assert code == 1
    assert f"end of log: rows after {chain[6].pk} were deleted: the checkpoint of " in text
    assert f"names row {chain[-1].pk}" in text


def test_a_log_rewritten_with_the_key_is_found_by_the_checkpoint(chain, capsys):
    """Whoever has the key can reseal every row after one they edit; the checkpoint still
    names the old seal of the last row."""
    previous_hash = chain[3].hash
    for entry in chain[4:]:
        entry.what = "nothing to see" if entry is chain[4] else entry.what
        entry.previous_hash, entry.hash = previous_hash, log.seal(entry, previous_hash)
        entry.save()
        previous_hash = entry.hash
    LogChainHead.objects.filter(pk=1).update(last_hash=previous_hash)
    assert log.verify() is None
    code, text = verify_log(capsys)
    assert code == 1
    assert f"row {chain[-1].pk}: its seal is not the one the checkpoint of" in text


def test_an_edited_checkpoint_is_reported(chain, capsys):
    path = checkpoints.checkpoint_file()
    path.write_text(path.read_text().replace('"entries":10', '"entries":11'))
    code, text = verify_log(capsys)
    assert code == 1
    assert "checkpoint line 1 of" in text
    assert "does not match its seal" in text


def test_a_checkpoint_made_with_another_key_is_reported(chain, settings, capsys):
    key, settings.HELHET_LOG_CHAIN_KEY = settings.HELHET_LOG_CHAIN_KEY, "another key"
    call_command("checkpoint_log")
    settings.HELHET_LOG_CHAIN_KEY = key
    code, text = verify_log(capsys)
    assert (code, "checkpoint line 1 of" in text) == (1, False)
    assert "checkpoint line 2 of" in text


def test_a_restored_backup_verifies_against_the_checkpoints_up_to_its_time(county, capsys):
    """A backup taken between two checkpoints lacks the rows the second names: verify-log
    says so, and with --until the backup's time it checks against the first."""
    rows = append(county, 10)
    noon = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)
    for entry, at in ((rows[4], noon), (rows[9], noon + datetime.timedelta(hours=2))):
        line = Checkpoint(entry.pk, entry.hash, 5, at).line()
        checkpoints._write_file(line)
    cut_tail(rows, keep=7)  # the backup was taken at 13:00, with seven rows
    code, text = verify_log(capsys)
    assert code == 1
    assert "verify it with --until <the backup's time>" in text
    code, text = verify_log(capsys, "--until", "2026-12-01T13:00+00:00")
    assert code == 0
    assert f"it holds row {rows[4].pk} as the checkpoint of 2026-12-01 12:00:00 UTC" in text


def test_verify_log_without_checkpoints_says_so(county, capsys):
    append(county, 3)
    code, text = verify_log(capsys)
    assert code == 0
    assert "No checkpoint to check the log's end against" in text


def test_checkpoint_log_without_a_destination_is_an_error(county, settings):
    settings.HELHET_LOG_CHECKPOINT_DIR = ""
    with pytest.raises(Exception, match="No checkpoint destination"):
        call_command("checkpoint_log")


def test_a_checkpoint_goes_to_syslog(county, settings):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(10)
    settings.HELHET_LOG_CHECKPOINT_SYSLOG = f"127.0.0.1:{receiver.getsockname()[1]}"
    rows = append(county, 3)
    with receiver:
        call_command("checkpoint_log")
        message = receiver.recv(65536).decode()
    line = message.split("helhet-log-checkpoint ", 1)[1].rstrip("\x00")
    checkpoint = Checkpoint.from_line(line)
    assert (checkpoint.entry_id, checkpoint.hash) == (rows[-1].pk, rows[-1].hash)


class Collector(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []
    status = 204

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def collector(settings):
    Collector.received, Collector.status = [], 204
    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.HELHET_LOG_CHECKPOINT_URL = f"http://127.0.0.1:{server.server_port}/checkpoints"
    yield Collector
    server.shutdown()
    server.server_close()


def test_a_checkpoint_is_posted_to_the_http_endpoint(county, collector):
    rows = append(county, 2)
    call_command("checkpoint_log")
    [body] = collector.received
    assert Checkpoint.from_line(body.decode()).entry_id == rows[-1].pk
    assert len(written()) == 1  # and to the file


def test_an_endpoint_that_refuses_fails_the_command_not_the_file(county, collector, caplog):
    collector.status = 500
    append(county, 2)
    with pytest.raises(SystemExit) as exit_:
        call_command("checkpoint_log")
    assert exit_.value.code == 1
    assert "was not written to http://127.0.0.1" in caplog.text
    assert len(written()) == 1
