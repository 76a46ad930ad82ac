"""The steering group's work: its meetings (agenda, attendees, minutes, decisions, and the
follow-up of the period it looks at), printable minutes and their PDF, and the steps of its
year's cycle. Who may is asked of `steering` (members and the units' managers and
coordinators; "not found" otherwise); the writes are `steering_actions`. No person is shown."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.core import pdf
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page

from . import access, steering
from . import steering_actions as actions
from .forms import YearForm
from .steering_forms import (
    CycleStepForm,
    DecisionForm,
    MeetingForm,
    decision_initial,
    meeting_initial,
    step_initial,
)


def _save(request, form, action, build, **kwargs):
    """Run ACTION from the bound FORM: what it saved, or None and the form to render again
    (a stale edit: BUILD's form with the user's values and the message)."""
    saved = []
    try:
        if form.is_valid():
            run_action(
                form, lambda **data: saved.append(action(**data)), user=request.user, **kwargs
            )
    except StaleEdit as stale:
        return None, stale_page(build, request.POST, stale)
    return (saved[0] if saved else None), form


@login_required
@require_http_methods(["GET", "POST"])
@once
def meeting_new(request, group_id: int):
    group = access.steering_group_or_404(request.user, group_id)
    members = steering.members(group)
    form = MeetingForm(request.POST or None, members=members, initial={"version": 0})
    if request.method == "POST":
        saved, form = _save(request, form, actions.meeting_save, None, group_id=group.pk)
        if saved is not None:
            messages.success(request, _("The meeting is recorded."))
            return redirect("governance:meeting", meeting_id=saved.pk)
    return render(request, "governance/meeting_form.html", {"group": group, "form": form})


@login_required
@require_GET
def meeting(request, meeting_id: int):
    found = steering.meeting_or_404(request.user, meeting_id)
    group, today = found.group, timezone.localdate()
    context = _minutes_context(found) | {
        "followup": steering.followup(found, today, request.user),
        "open_items": steering.open_items(group, request.user),
        "figures": steering.deviation_figures(group, today),
        "form": DecisionForm(members=steering.members(group), initial={"version": 0}),
    }
    return render(request, "governance/meeting.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    found = steering.meeting_or_404(request.user, meeting_id)
    build = partial(MeetingForm, members=steering.members(found.group))
    form = build(request.POST or None, initial=meeting_initial(found))
    if request.method == "POST":
        ids = {"group_id": found.group_id, "meeting_id": found.pk}
        saved, form = _save(request, form, actions.meeting_save, build, **ids)
        if saved is not None:
            messages.success(request, _("The meeting is saved."))
            return redirect("governance:meeting", meeting_id=found.pk)
    context = {"group": found.group, "meeting": found, "form": form}
    return render(request, "governance/meeting_form.html", context)


def _minutes_context(meeting) -> dict:
    return {
        "group": meeting.group,
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "attendees": meeting.attendees.select_related("organisation").order_by("last_name"),
        "decisions": meeting.decisions.select_related("owner", "done_by"),
        "carried": steering.open_decisions(meeting.group, before=meeting),
    }


@login_required
@require_GET
def minutes(request, meeting_id: int):
    found = steering.meeting_or_404(request.user, meeting_id)
    return render(request, "governance/minutes.html", _minutes_context(found))


@login_required
@require_GET
def minutes_pdf(request, meeting_id: int):
    found = steering.meeting_or_404(request.user, meeting_id)
    if not pdf.available():
        return pdf.unavailable(request, fallback_url=reverse("governance:minutes", args=[found.pk]))
    filename = f"minutes-{found.group_id}-{found.held_on.isoformat()}.pdf"
    context = _minutes_context(found)
    return pdf.render_pdf(request, "governance/minutes_pdf.html", context, filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
@once
def decision_new(request, meeting_id: int):
    found = steering.meeting_or_404(request.user, meeting_id)
    members = steering.members(found.group)
    form = DecisionForm(request.POST or None, members=members, initial={"version": 0})
    if request.method == "POST":
        saved, form = _save(request, form, actions.decision_save, None, meeting_id=found.pk)
        if saved is not None:
            messages.success(request, _("The decision is recorded."))
            return redirect(reverse("governance:meeting", args=[found.pk]) + "#decisions")
    context = {"group": found.group, "meeting": found, "form": form}
    return render(request, "governance/decision_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decision(request, decision_id: int):
    found = steering.decision_or_404(request.user, decision_id)
    meeting = found.meeting
    build = partial(DecisionForm, members=steering.members(meeting.group))
    form = build(request.POST or None, initial=decision_initial(found))
    if request.method == "POST":
        ids = {"meeting_id": meeting.pk, "decision_id": found.pk}
        saved, form = _save(request, form, actions.decision_save, build, **ids)
        if saved is not None:
            messages.success(request, _("The decision is saved."))
            return redirect(reverse("governance:meeting", args=[meeting.pk]) + "#decisions")
    context = {"group": meeting.group, "meeting": meeting, "decision": found, "form": form}
    return render(request, "governance/decision_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def cycle_step_new(request, group_id: int):
    group = access.steering_group_or_404(request.user, group_id)
    form = CycleStepForm(request.POST or None, initial={"version": 0, "remind_days": 14})
    if request.method == "POST":
        saved, form = _save(request, form, actions.cycle_step_save, None, group_id=group.pk)
        if saved is not None:
            messages.success(request, _("The step is added to the year's cycle."))
            return redirect(reverse("governance:steering_group", args=[group.pk]) + "#cycle")
    return render(request, "governance/cycle_step.html", {"group": group, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_step(request, step_id: int):
    found = steering.step_or_404(request.user, step_id)
    group = found.group
    back = reverse("governance:steering_group", args=[group.pk]) + "#cycle"
    form = CycleStepForm(request.POST or None, initial=step_initial(found))
    if request.method == "POST":
        ids = {"group_id": group.pk, "step_id": found.pk}
        saved, form = _save(request, form, actions.cycle_step_save, CycleStepForm, **ids)
        if saved is not None:
            messages.success(request, _("The step is saved."))
            return redirect(back)
    done = found.done.select_related("done_by").order_by("-year")
    years = {d.year for d in done}
    due = steering.due_year(found, years, timezone.localdate())
    context = {
        "group": group,
        "step": found,
        "form": form,
        "done": done,
        "due_year": None if due in years else due,  # None: nothing to mark done
    }
    return render(request, "governance/cycle_step.html", context)


@login_required
@require_POST
def cycle_step_done(request, step_id: int):
    found = steering.step_or_404(request.user, step_id)
    year = YearForm(request.POST)
    if not year.is_valid():
        messages.error(request, _("Choose a year between 2000 and 2100."))
    else:
        try:
            actions.cycle_step_done(
                user=request.user,
                step_id=found.pk,
                year=year.cleaned_data["year"],
                undo="undo" in request.POST,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The year's cycle is updated."))
    if "from_step" in request.POST:  # the step's own page, where a reminder leads
        return redirect("governance:cycle_step", step_id=found.pk)
    return redirect(reverse("governance:steering_group", args=[found.group_id]) + "#cycle")
