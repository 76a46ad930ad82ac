"""The refresh runs as a django-tasks task: queued by `helhet remind` (or a stale task list),
run by the backend; in production the database backend and `helhet db_worker`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import TaskResultStatus

from helhet.reminders.models import Reminder, UnitRefresh
from helhet.reminders.tasks import refresh_reminders

from .. import factories as f
from .conftest import days, open_reminders

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker(monkeypatch):
    """`helhet db_worker --batch`, run inside the test's transaction: the worker drops stale
    connections between tasks, which would end the transaction, so that is skipped here."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())


@pytest.mark.django_db
def test_the_task_refreshes_one_unit_through_the_backend(county):
    result = refresh_reminders.enqueue(unit_id=county.clinic.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"units": 1, "added": 1, "resolved": 0}
    assert [r.kind for r in open_reminders()] == [Reminder.Kind.NO_RECENT_CONTACT]
    assert UnitRefresh.objects.get(unit=county.clinic).refreshed_at is not None


@pytest.mark.django_db
def test_the_task_without_a_unit_refreshes_every_unit(county):
    f.ReferralFactory(unit=county.other_unit, registered_by=county.outsider, received_on=days(-30))
    result = refresh_reminders.enqueue()
    assert result.return_value["units"] == 2
    assert {r.unit for r in open_reminders()} == {county.clinic, county.other_unit}


@pytest.mark.django_db
def test_the_database_backend_queues_the_task_and_the_worker_runs_it(county, worker):
    with override_settings(TASKS=DATABASE_TASKS):
        result = refresh_reminders.enqueue(unit_id=county.clinic.pk)
        assert result.status == TaskResultStatus.READY
        assert open_reminders() == []
        worker()
        result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [r.kind for r in open_reminders()] == [Reminder.Kind.NO_RECENT_CONTACT]


@pytest.mark.django_db
def test_helhet_remind_queues_a_refresh_of_every_unit(county, worker):
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("remind", stdout=out)
        queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        refreshes = [t for t in queued if t.task_path.endswith(".refresh_reminders")]
        assert sorted(t.args_kwargs["kwargs"]["unit_id"] for t in refreshes) == sorted(
            [county.clinic.pk, county.other_unit.pk]
        )
        # and the persons' appointment reminders (bookings/reminders.py), once
        assert [t.task_path for t in queued if t not in refreshes] == [
            "helhet.bookings.reminders.send_appointment_reminders"
        ]
        assert open_reminders() == []
        worker()
    assert "Queued a refresh of the reminders of 2 units." in out.getvalue()
    assert len(open_reminders(unit=county.clinic)) == 1


@pytest.mark.django_db
def test_helhet_remind_now_refreshes_without_a_worker(county):
    out = StringIO()
    call_command("remind", "--now", stdout=out)
    assert "Refreshed the reminders of 2 units." in out.getvalue()
    assert len(open_reminders(unit=county.clinic)) == 1
