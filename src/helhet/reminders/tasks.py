"""The background task (django-tasks): refresh the reminders of one unit, or of all.

Queued by `helhet remind` (from cron), by the task list when it is stale, and run by
`helhet db_worker`.
"""

from django_tasks import task

from helhet.core.models import Unit

from .refresh import refresh_unit


@task()
def refresh_reminders(unit_id: int | None = None) -> dict[str, int]:
    """Refresh the reminders of the unit UNIT_ID (every unit when None)."""
    units = Unit.objects.order_by("pk")
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    total = {"units": 0, "added": 0, "resolved": 0}
    for unit in units:
        counts = refresh_unit(unit)
        total["units"] += 1
        total["added"] += counts["added"]
        total["resolved"] += counts["resolved"]
    return total
