"""A backup restores: `pg_dump -Fc` of a database with records and a sealed access log,
`pg_restore` into a new database, the same counts there, and `helhet verify-log` passes on it
(checked against the checkpoint written outside the database). PostgreSQL only."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry

from . import factories as f

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is PostgreSQL's"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs postgresql-client"),
]
SRC = Path(__file__).resolve().parent.parent / "src"
MAIN_TABLES = [
    "core.Organisation", "core.Unit", "core.User", "core.Membership", "people.Person",
    "people.Relative", "care.Episode", "access.Consent", "access.AccessLogEntry",
    "access.LogChainHead", "contacts.Contact",
]  # fmt: skip


def libpq_args(name: str) -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"],
            "-d", name]  # fmt: skip


def counts(conn) -> dict[str, int]:
    found = {}
    for label in MAIN_TABLES:
        table = apps.get_model(label)._meta.db_table
        found[label] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return found


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_dump_restores_into_a_new_database_with_the_same_counts_and_an_intact_log(
    county, settings, tmp_path
):
    settings.HELHET_LOG_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    settings.HELHET_LOG_CHECKPOINT_ROWS = 10
    actor = Actor(county.nurse, county.clinic, "request-backup")
    others = f.PersonFactory.create_batch(3, registered_by=county.nurse)
    for person in others:
        f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    for person in [county.patient, *others]:
        log.append(
            log.entry_for(actor, person=person, action="read", what=f"overview {i}")
            for i in range(6)
        )
    assert AccessLogEntry.objects.count() == 24
    dump = tmp_path / "helhet.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), *libpq_args(source)], check=True)
    restored = f"{source}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *libpq_args(restored), str(dump)],
            check=True,
        )
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        with psycopg.connect(f"{url}/{restored}") as copy:
            with connection.cursor() as cursor:
                assert counts(copy) == counts(cursor.connection)
        result = subprocess.run(
            [sys.executable, "-m", "django", "verify_log", "--settings=helhet.settings"],
            env={
                **os.environ,
                "PYTHONPATH": str(SRC),
                "DATABASE_URL": f"{url}/{restored}",
                "HELHET_DEV": "1",
                "HELHET_LOG_CHAIN_KEY": settings.HELHET_LOG_CHAIN_KEY,
                "HELHET_LOG_CHECKPOINT_DIR": settings.HELHET_LOG_CHECKPOINT_DIR,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Access log intact: 24 rows; it holds row" in result.stdout
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
