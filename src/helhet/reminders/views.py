"""The task list ("my tasks"): what is due for the persons the user may see at the unit.

The reminders are computed in the background (`tasks.refresh_reminders`); opening a stale list
queues a refresh. The persons shown are logged (one row naming each), the waiting referrals with one
unit-level row, as the inbox is.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from helhet.access import policy

from . import listing, refresh, selectors


@login_required
@require_http_methods(["GET"])
def mine(request):
    if request.unit is None or not policy.is_clinical(request.user):
        return render(request, "reminders/mine.html", {"tasks": None})
    whole_unit = request.GET.get("scope") == "unit"
    refresh.request_refresh(request.unit)
    tasks = selectors.task_list(request.user, unit=request.unit, whole_unit=whole_unit)
    listing.record_task_listing(request, tasks.persons, whole_unit=whole_unit)
    listing.record_waiting_referrals(request, tasks)
    context = {
        "tasks": tasks,
        "whole_unit": whole_unit,
        "refreshed_at": refresh.refreshed_at(request.unit),
    }
    return render(request, "reminders/mine.html", context)
