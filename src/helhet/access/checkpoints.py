"""Checkpoints of the access log's chain head, written outside the database.

A checkpoint names the newest row (its id and seal) and the number of rows at a moment, and is
sealed with the log key. `log.append` writes one after the commit that adds the
`HELHET_LOG_CHECKPOINT_ROWS`-th row since the last, or the first row after
`HELHET_LOG_CHECKPOINT_MINUTES`; `helhet checkpoint-log` writes one at once (cron, or the task
worker). Each goes to every destination configured: an append-only JSON-lines file in its own
directory (`HELHET_LOG_CHECKPOINT_DIR`), syslog (`HELHET_LOG_CHECKPOINT_SYSLOG`) and an HTTP
endpoint (`HELHET_LOG_CHECKPOINT_URL`, a POST of the JSON line). `helhet verify-log` reads the
file and checks the database against the newest checkpoint in it: whoever cuts the log's tail
and rewinds the head row cannot take back what was written here.

A destination that fails is logged (logger `helhet.access.checkpoints`, level ERROR) and does
not fail the request whose row was due a checkpoint; the next one is written as usual.
"""

from __future__ import annotations

import datetime
import hmac
import logging
import logging.handlers
import os
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

FILE_NAME = "checkpoints.jsonl"


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at WRITTEN: the newest row ENTRY_ID, its seal HASH, ENTRIES rows."""

    entry_id: int
    hash: str
    entries: int
    written: datetime.datetime

    def fields(self) -> dict:
        return {
            "entry_id": self.entry_id,
            "hash": self.hash,
            "entries": self.entries,
            "written": self.written.astimezone(datetime.UTC).isoformat(),
        }

    def seal(self) -> str:
        """The HMAC of the checkpoint's fields with the log key."""
        from .log import log_key

        payload = orjson.dumps(["checkpoint", self.fields()])
        return hmac.digest(log_key(), payload, "sha256").hex()

    def line(self) -> str:
        """The checkpoint as one line of JSON, its seal included."""
        return orjson.dumps({**self.fields(), "seal": self.seal()}).decode()

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """The checkpoint LINE holds; ValueError when it is not one or its seal is wrong."""
        try:
            data = orjson.loads(line)
            checkpoint = cls(
                entry_id=int(data["entry_id"]),
                hash=str(data["hash"]),
                entries=int(data["entries"]),
                written=datetime.datetime.fromisoformat(data["written"]),
            )
            seal = str(data["seal"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as e:
            raise ValueError("it is not a checkpoint") from e
        if not hmac.compare_digest(seal, checkpoint.seal()):
            raise ValueError("it does not match its seal: it was edited or made without the key")
        return checkpoint

    def written_label(self) -> str:
        return self.written.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def due(entries_before: int, entries: int, last_written, now: datetime.datetime) -> bool:
    """Whether the head at ENTRIES rows (ENTRIES_BEFORE before this append) is due a
    checkpoint, the last one having been due at LAST_WRITTEN (None: never)."""
    if not destinations():
        return False
    rows = settings.HELHET_LOG_CHECKPOINT_ROWS
    if rows > 0 and entries_before // rows != entries // rows:
        return True
    minutes = settings.HELHET_LOG_CHECKPOINT_MINUTES
    return minutes > 0 and (
        last_written is None or now - last_written >= datetime.timedelta(minutes=minutes)
    )


def write(entry_id: int, hash: str, entries: int) -> list[str]:
    """Seal a checkpoint of the head at ENTRY_ID now and write it to every destination; the
    names of the destinations that failed (each logged as an error)."""
    checkpoint = Checkpoint(entry_id, hash, entries, timezone.now())
    line, failed = checkpoint.line(), []
    for name, destination in destinations().items():
        try:
            destination(line)
        except Exception:  # any failure of a destination: logged, never the user's request
            logger.exception(
                "The access-log checkpoint of row %s was not written to %s", entry_id, name
            )
            failed.append(name)
    return failed


def destinations() -> dict[str, Callable[[str], None]]:
    """The destinations configured, by name."""
    found: dict[str, Callable[[str], None]] = {}
    if settings.HELHET_LOG_CHECKPOINT_DIR:
        found[str(checkpoint_file())] = _write_file
    if settings.HELHET_LOG_CHECKPOINT_SYSLOG:
        found[f"syslog {settings.HELHET_LOG_CHECKPOINT_SYSLOG}"] = _write_syslog
    if settings.HELHET_LOG_CHECKPOINT_URL:
        found[settings.HELHET_LOG_CHECKPOINT_URL] = _write_http
    return found


def checkpoint_file() -> Path:
    return Path(settings.HELHET_LOG_CHECKPOINT_DIR) / FILE_NAME


def _write_file(line: str) -> None:
    """Append LINE to the checkpoint file (O_APPEND: never over what is there), on disk
    before returning."""
    path = checkpoint_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{line}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_syslog(line: str) -> None:
    """Send LINE to syslog: an address `host:port` (UDP) or a socket's path (`/dev/log`)."""
    setting: str = settings.HELHET_LOG_CHECKPOINT_SYSLOG
    address: str | tuple[str, int] = setting
    if ":" in setting and not setting.startswith("/"):
        host, port = setting.rsplit(":", 1)
        address = (host, int(port))
    handler = logging.handlers.SysLogHandler(address=address)
    try:
        record = logging.LogRecord(
            "helhet.log_checkpoint", logging.INFO, __file__, 0, "helhet-log-checkpoint %s",
            (line,), None,
        )  # fmt: skip
        handler.emit(record)
    finally:
        handler.close()


def _write_http(line: str) -> None:
    """POST LINE (JSON) to the endpoint; any answer but 2xx is a failure."""
    request = urllib.request.Request(
        settings.HELHET_LOG_CHECKPOINT_URL,
        data=line.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (configured URL)
        answer.read()


def read(path: Path | None = None, *, until: datetime.datetime | None = None):
    """The checkpoints in PATH (default: the checkpoint file) written up to UNTIL, and the
    lines that are not sound checkpoints, as (line number, reason)."""
    path = path or checkpoint_file()
    found: list[Checkpoint] = []
    bad: list[tuple[int, str]] = []
    if not path.exists():
        return found, bad
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                checkpoint = Checkpoint.from_line(line)
            except ValueError as e:
                bad.append((number, str(e)))
                continue
            if until is None or checkpoint.written <= until:
                found.append(checkpoint)
    return found, bad
