"""`helhet protect-log`: on PostgreSQL the application's role cannot UPDATE, DELETE or
TRUNCATE the access log, and still appends to it."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, LogChainHead, LogReview

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles and grants are PostgreSQL's"
)
LOG = AccessLogEntry._meta.db_table


@pytest.fixture
def app_role(db):
    """A throwaway role: made in the test's transaction, gone with its rollback."""
    name = f"helhet_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
    return name


def as_role(role, sql):
    """Run SQL as ROLE in a savepoint; the error it raised, if any."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SET LOCAL ROLE "{role}"')
            cursor.execute(sql)
    except DatabaseError as e:
        return str(e)
    return None


def row(county):
    actor = Actor(county.nurse, county.clinic, "request-protect")
    return log.entry_for(actor, person=county.patient, action="read", what="overview")


@on_postgresql
def test_the_app_role_cannot_update_delete_or_truncate_the_log(county, app_role):
    log.append([row(county)])
    call_command("protect_log", app_role=app_role)
    for sql in (
        f"UPDATE {LOG} SET what = 'nothing to see'",
        f"DELETE FROM {LOG}",
        f"TRUNCATE {LOG}",
        f"ALTER TABLE {LOG} DISABLE TRIGGER ALL",
        f"DROP TABLE {LOG} CASCADE",
    ):
        error = as_role(app_role, sql) or "no error"
        assert "permission denied" in error or "must be owner" in error, sql
    assert AccessLogEntry.objects.get().what == "overview"


@on_postgresql
def test_the_app_role_still_appends_reads_and_moves_the_head(county, app_role):
    log.append([row(county)])
    call_command("protect_log", app_role=app_role)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'SET LOCAL ROLE "{app_role}"')
        [second] = log.append([row(county)])
        assert AccessLogEntry.objects.count() == 2
        assert LogChainHead.objects.get().last_entry_id == second.pk
        assert log.verify() is None
        # A reviewer marks a row reviewed: the review's key to the log row is checked.
        LogReview.objects.create(entry=second, reviewed_by=county.manager)
    # The other tables keep their ordinary rights (the twin of the log's).
    assert as_role(app_role, "UPDATE core_unit SET name = name") is None
    assert as_role(app_role, "DELETE FROM access_logreview") is None


@on_postgresql
def test_without_protect_log_a_role_granted_everything_can_cut_the_log(county, app_role):
    log.append([row(county)])
    with connection.cursor() as cursor:
        cursor.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{app_role}"')
    assert as_role(app_role, f"UPDATE {LOG} SET what = 'nothing to see'") is None


@on_postgresql
def test_a_superuser_or_missing_role_is_refused(db):
    with pytest.raises(CommandError, match="superuser"):
        call_command("protect_log", app_role="postgres")
    with pytest.raises(CommandError, match="no role"):
        call_command("protect_log", app_role="helhet_no_such_role")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the message for other databases")
def test_protect_log_says_it_is_for_postgresql_only(db):
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("protect_log", app_role="helhet")
