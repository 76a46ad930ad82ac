"""The read replica (core/replica.py): the follow-up's figures and exports read from it; who may
follow up, person pages, the access log, sessions and every write use the primary.

In the suite the replica is a second connection to the test database (a test mirror), turned on
by `HELHET_READ_REPLICA`; `.ci/replica` runs these tests against a real PostgreSQL streaming
replica (DATABASE_REPLICA_URL), where `caught_up` waits for it to replay the test's writes and
the last test pauses its replay. A mirror sees only committed rows: the tests are transactional.
"""

import datetime
import logging
import time

import pytest
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.alerts.models import Alert
from helhet.core import replica as replica_module
from helhet.core.models import Membership, Unit
from helhet.core.replica import from_replica, reading_from_replica
from helhet.followup import tasks
from helhet.followup.models import ExportJob, SteeringGroup
from helhet.governance import steering
from helhet.governance.models import Meeting
from tests import factories as f

from ..people.utils import log_in
from .test_pages import figures

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "replica"]
    ),
]

YEAR_2025 = {"kind": "year", "year": "2025"}


@pytest.fixture
def routed(settings):
    """The follow-up reads from the replica (as when DATABASE_REPLICA_URL is set)."""
    settings.HELHET_READ_REPLICA = "replica"


@pytest.fixture(autouse=True)
def replica_up():
    """No test inherits a replica another test found unreachable."""
    replica_module._down_until.clear()
    yield
    replica_module._down_until.clear()


@pytest.fixture
def followed(county):
    """The clinic's manager follows it up; 3 persons enrolled there on 1 March 2025 (the
    patient's episode opened in 2026), committed and replayed on the replica."""
    c = county
    for _ in range(3):
        enrol(c)
    c.group = SteeringGroup.objects.create(name="Styrgrupp Replika")
    c.group.units.add(c.clinic)
    c.group.members.add(c.coordinator)
    caught_up()
    return c


def enrol(county):
    person = f.PersonFactory(registered_by=county.nurse)
    f.EpisodeFactory(
        person=person,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=datetime.date(2025, 3, 1),
    )


def caught_up(timeout: float = 30) -> None:
    """Wait until the replica has replayed all the primary has written (at once for a mirror,
    which is the primary itself)."""
    primary, replica = connections["default"], connections["replica"]
    if primary.vendor != "postgresql":
        return
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        [written] = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        try:
            with replica.cursor() as cursor:
                cursor.execute(
                    "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= %s::pg_lsn",
                    [written],
                )
                [done] = cursor.fetchone()
        except OperationalError:  # the test database itself is not yet replayed
            replica.close()
            done = False
        if done:
            return
        assert time.monotonic() < deadline, f"the replica did not replay up to {written}"
        time.sleep(0.05)


def real_replica() -> bool:
    """Whether the replica is a server of its own (.ci/replica), which must then be in
    recovery; else it is the mirror, a second connection to the test database."""
    primary, replica = (connections[alias].settings_dict for alias in ("default", "replica"))
    if (replica["HOST"], replica["PORT"]) == (primary["HOST"], primary["PORT"]):
        return False
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0], "the replica's server is not in recovery"
    return True


def tables(queries) -> str:
    return " ".join(query["sql"] for query in queries)


def unit_page(client, county):
    return client.get(reverse("followup:unit", args=[county.clinic.pk]), YEAR_2025)


# --- The follow-up reads from the replica ---------------------------------------------------


def test_the_unit_page_reads_its_figures_from_the_replica_and_who_may_from_the_primary(
    client, followed, routed
):
    client.force_login(followed.manager)
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = unit_page(client, followed)
    assert response.status_code == 200
    assert figures(response, "Persons enrolled")[0] == "3"
    assert '"care_episode"' in tables(on_replica) and '"care_episode"' not in tables(on_primary)
    # who may follow up the unit, the session and the user: the primary alone
    assert '"core_membership"' in tables(on_primary)
    for table in ('"core_membership"', '"django_session"', '"core_user"'):
        assert table not in tables(on_replica)


def test_without_a_replica_the_unit_page_reads_the_primary_alone(client, followed, settings):
    settings.HELHET_READ_REPLICA = ""
    client.force_login(followed.manager)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = unit_page(client, followed)
    assert figures(response, "Persons enrolled")[0] == "3"
    assert len(on_replica) == 0


def test_the_trend_and_county_pages_read_their_figures_from_the_replica(client, followed, routed):
    client.force_login(followed.manager)
    pages = [
        reverse("followup:trend", args=[followed.clinic.pk]),
        reverse("followup:county") + f"?unit_type={Unit.Type.SOCIAL_MEDICINE}",
    ]
    for url in pages:
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get(url, YEAR_2025)
        assert response.status_code == 200
        assert '"care_episode"' in tables(on_replica), url


def test_an_export_reads_its_figures_from_the_replica_and_writes_the_primary(followed, routed):
    job = ExportJob.objects.create(
        owner=followed.manager,
        format="csv",
        params={"scope": "unit", "unit_id": followed.clinic.pk, **YEAR_2025, "language": "en"},
    )
    caught_up()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert tasks.run_export.call(job_id=job.pk) == "done"
    assert '"care_episode"' in tables(on_replica)
    assert '"followup_exportjob"' not in tables(on_replica)  # its progress and file: primary
    job.refresh_from_db()
    assert b"Persons enrolled" in bytes(job.content)


def test_the_steering_meeting_reads_its_figures_from_the_replica(followed, routed):
    meeting = Meeting(
        group=followed.group,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
    )
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        shown = steering.followup(meeting, datetime.date(2026, 2, 1), followed.coordinator)
    assert shown.tables and '"care_episode"' in tables(on_replica)


# --- ... and nothing else does ---------------------------------------------------------------


def test_a_person_page_its_access_log_rows_and_a_write_never_use_the_replica(
    client, county, routed
):
    log_in(client, county.nurse, county.clinic)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = client.get(reverse("people:overview", args=[county.patient.pk]))
        added = client.post(
            reverse("alerts:new", args=[county.patient.pk]),
            {"kind": Alert.Kind.INTERPRETER, "text": "Tolk: arabiska"},
        )
    assert (page.status_code, added.status_code) == (200, 302)
    assert Alert.objects.filter(person=county.patient).exists()
    assert AccessLogEntry.objects.filter(person_id=county.patient.pk).count() >= 2
    assert len(on_replica) == 0


def test_inside_the_block_a_read_goes_to_the_replica_unless_a_transaction_is_open(county, routed):
    with reading_from_replica(), CaptureQueriesContext(connections["replica"]) as on_replica:
        assert Unit.objects.filter(pk=county.clinic.pk).exists()
    assert len(on_replica) == 1
    with reading_from_replica(), CaptureQueriesContext(connections["replica"]) as on_replica:
        with transaction.atomic():
            unit = f.UnitFactory(name="Ny enhet")
            assert Unit.objects.filter(pk=unit.pk).exists()  # its own write, not yet replayed
    assert len(on_replica) == 0


def test_an_unreachable_replica_leaves_the_page_to_the_primary_with_a_warning(
    client, followed, routed, monkeypatch, caplog
):
    replica = connections["replica"]

    def refused(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica, "is_usable", lambda: False)
    monkeypatch.setattr(replica, "ensure_connection", refused)
    client.force_login(followed.manager)
    with (
        caplog.at_level(logging.WARNING, logger="helhet.core.replica"),
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = unit_page(client, followed)
    assert response.status_code == 200
    assert figures(response, "Persons enrolled")[0] == "3"
    assert '"care_episode"' in tables(on_primary)
    assert "cannot be reached" in caplog.text


def lost_after(statements: int, monkeypatch):
    """The replica's connection breaks at its STATEMENTS+1-th statement, and is unusable from
    then on (a server gone away mid-report)."""
    replica = connections["replica"]
    ran = []
    broken = []

    def wrapper(execute, sql, params, many, context):
        if len(ran) >= statements:
            broken.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        ran.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(replica, "is_usable", lambda: not broken)
    return replica.execute_wrapper(wrapper)


def test_a_replica_lost_during_the_report_leaves_the_page_to_the_primary_for_a_while(
    client, followed, routed, monkeypatch, caplog
):
    client.force_login(followed.manager)
    with (
        caplog.at_level(logging.WARNING, logger="helhet.core.replica"),
        lost_after(3, monkeypatch),
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = unit_page(client, followed)
        assert response.status_code == 200
        assert figures(response, "Persons enrolled")[0] == "3"
        assert '"care_episode"' in tables(on_primary)
        assert "was lost during a read" in caplog.text
        # the next page does not try the replica again (no connection timeout to wait for)
        with CaptureQueriesContext(connections["replica"]) as on_replica:
            assert figures(unit_page(client, followed), "Persons enrolled")[0] == "3"
        assert len(on_replica) == 0


def test_after_the_retry_time_the_replica_is_read_again(client, followed, routed, settings):
    settings.HELHET_REPLICA_RETRY_SECONDS = 0
    replica_module._mark_down("replica", "was lost during a read")
    client.force_login(followed.manager)
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert figures(unit_page(client, followed), "Persons enrolled")[0] == "3"
    assert '"care_episode"' in tables(on_replica)


class RecoveryConflict(Exception):
    sqlstate = "40001"  # as psycopg's SerializationFailure


def test_a_read_cancelled_by_the_replicas_replay_is_read_again_on_the_primary(routed, caplog):
    calls = []

    def read():
        calls.append(_reading_alias())
        if len(calls) == 1:
            raise OperationalError("canceling statement due to conflict with recovery") from (
                RecoveryConflict()
            )
        return "figures"

    with caplog.at_level(logging.WARNING, logger="helhet.core.replica"):
        assert from_replica(read) == "figures"
    assert calls == ["replica", None]  # once on the replica, then on the primary
    assert "cancelled by its replay" in caplog.text
    assert replica_module.reachable("replica")  # not marked down: the replica is up


def _reading_alias():
    return replica_module._reading.get()


def test_an_error_that_is_not_the_replicas_is_not_hidden_by_a_second_read(routed):
    calls = []

    def read():
        calls.append(1)
        raise OperationalError("canceling statement due to statement timeout")

    with pytest.raises(OperationalError):
        from_replica(read)  # the replica still answers: the read itself failed
    assert len(calls) == 1
    assert replica_module.reachable("replica")


# --- A real replica: its figures lag, who may does not -------------------------------------


def test_on_a_real_replica_the_figures_lag_but_a_role_taken_away_counts_at_once(
    client, followed, routed
):
    if not real_replica():
        pytest.skip("needs a real streaming replica (.ci/replica)")
    client.force_login(followed.manager)
    replica = connections["replica"]
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        enrol(followed)  # a fourth person, not yet on the replica
        assert figures(unit_page(client, followed), "Persons enrolled")[0] == "3"
        Membership.objects.filter(user=followed.manager).update(role=Membership.Role.STAFF)
        assert unit_page(client, followed).status_code == 404
    finally:
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    Membership.objects.filter(user=followed.manager).update(role=Membership.Role.MANAGER)
    caught_up()
    assert figures(unit_page(client, followed), "Persons enrolled")[0] == "4"
