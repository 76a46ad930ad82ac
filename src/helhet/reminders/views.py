"""The task list ("my tasks"): what is due for the persons the user may see at the unit.

The reminders are computed in the background (`tasks.refresh_reminders`); opening a stale list
queues a refresh. The persons shown are logged (one row naming each), the waiting referrals with one
unit-level row, as the inbox is.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_listing
from helhet.access.models import Basis
from helhet.care import selectors as care
from helhet.intake.actions import referral_viewed

from . import refresh, selectors


@login_required
@require_http_methods(["GET"])
def mine(request):
    if request.unit is None or not policy.is_clinical(request.user):
        return render(request, "reminders/mine.html", {"tasks": None})
    whole_unit = request.GET.get("scope") == "unit"
    refresh.request_refresh(request.unit)
    tasks = selectors.task_list(request.user, unit=request.unit, whole_unit=whole_unit)
    _log_listing(request, tasks, whole_unit=whole_unit)
    context = {
        "tasks": tasks,
        "whole_unit": whole_unit,
        "refreshed_at": refresh.refreshed_at(request.unit),
    }
    return render(request, "reminders/mine.html", context)


def _log_listing(request, tasks: selectors.TaskList, *, whole_unit: bool) -> None:
    """One row naming every person shown: with the consent a plan reminder of theirs is
    disclosed by, else on the basis the caseload finds (own organisation, or a coordination
    consent)."""
    actor, persons = Actor.from_request(request), tasks.persons
    disclosed = [p for p in persons if getattr(p, "disclosed_by", None)]
    listed = care.caseload(request.user, unit=request.unit, whole_unit=whole_unit).filter(
        pk__in=[p.pk for p in persons if p not in disclosed]
    )
    for person in disclosed:
        person.list_basis, person.list_consent_id = Basis.CONSENT, person.disclosed_by
    record_listing(actor, [*listed, *disclosed], action="read", what="tasks")
    if tasks.referrals and tasks.referrals.reminders:
        referral_viewed(actor=actor, what="waiting referrals")
