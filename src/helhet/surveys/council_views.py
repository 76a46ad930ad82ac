"""The user-influence routines of the agreement beside the survey results: user council
meetings (groups, never names) and the users' proposals with the unit's answers. Read by
whoever may follow the unit up; recorded, corrected and answered by the unit's managers and
coordinators. A correction is based on the version the form showed (`core/versions.py`)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helhet.core.forms import run_action, set_queryset
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, saved_values, stale_page

from . import access, actions
from .forms import (
    MeetingEditForm,
    MeetingForm,
    ProposalAnswerForm,
    ProposalEditForm,
    ProposalForm,
    meeting_initial,
    proposal_initial,
)
from .models import CouncilMeeting, ParticipantGroup, Proposal


def meetings_of(unit):
    return CouncilMeeting.objects.filter(units=unit).prefetch_related("units")


@login_required
@require_GET
def council(request, unit_id: int):
    found = access.readable_unit_or_404(request.user, unit_id)
    context = {
        "unit": found,
        "meetings": meetings_of(found),
        "proposals": Proposal.objects.filter(unit=found).select_related("meeting"),
        "group_names": dict(ParticipantGroup.choices),
        "may_edit": access.may_edit_council(request.user, found),
    }
    return render(request, "surveys/council.html", context)


def proposal_form(form_class, unit, data=None, **kwargs):
    """FORM_CLASS offering the meetings of UNIT to raise the proposal at."""
    form = form_class(data, **kwargs)
    set_queryset(form.fields["meeting"], meetings_of(unit), label=lambda m: str(m.held_on))
    return form


@login_required
@require_http_methods(["GET", "POST"])
@once
def meeting_new(request, unit_id: int):
    found = access.council_unit_or_404(request.user, unit_id)
    form = MeetingForm(request.POST or None)
    texts = {"saved": _("The meeting is recorded."), "title": _("Record a meeting")}
    return _save(
        request, found, form, actions.meeting_record, **texts, user=request.user, units=[found]
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id: int):
    found, unit = access.council_meeting_or_404(request.user, meeting_id)
    form = MeetingEditForm(request.POST or None, initial=meeting_initial(found))
    texts = {"saved": _("The meeting is saved."), "title": _("Edit the meeting")}
    return _save(
        request,
        unit,
        form,
        actions.meeting_edit,
        **texts,
        build=MeetingEditForm,
        current=lambda: CouncilMeeting.objects.get(pk=found.pk),
        meeting_id=found.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def proposal_new(request, unit_id: int):
    found = access.council_unit_or_404(request.user, unit_id)
    form = proposal_form(ProposalForm, found, request.POST or None)
    texts = {"saved": _("The proposal is recorded."), "title": _("Record a proposal")}
    return _save(
        request, found, form, actions.proposal_record, **texts, user=request.user, unit=found
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, proposal_id: int):
    found = access.council_proposal_or_404(request.user, proposal_id)
    build = partial(proposal_form, ProposalEditForm, found.unit)
    form = build(request.POST or None, initial=proposal_initial(found))
    texts = {"saved": _("The proposal is saved."), "title": _("Edit the proposal")}
    return _save(
        request,
        found.unit,
        form,
        actions.proposal_edit,
        **texts,
        build=build,
        current=lambda: Proposal.objects.select_related("meeting").get(pk=found.pk),
        proposal_id=found.pk,
    )


def _save(
    request, at, form, action, *, saved, title, build=None, current=None, extra=None, **kwargs
):
    """Run ACTION with KWARGS and the posted FORM's data and go back to the council page of
    unit AT saying SAVED; else the form again (TITLE) with its messages. An edit names the
    form's BUILD and how to read the record's CURRENT state: a stale save re-renders the form
    with the user's values and the message, beside the values saved meanwhile."""
    meanwhile = None
    if request.method == "POST" and form.is_valid():
        try:
            if run_action(form, action, **kwargs):
                messages.success(request, saved)
                return redirect("surveys:council", unit_id=at.pk)
        except StaleEdit as stale:
            form = stale_page(build, request.POST, stale)
            record = current()
            meanwhile = {"number": record.version, "values": saved_values(record, form)}
    context = {
        "unit": at,
        "form": form,
        "title": title,
        "new": build is None,
        "meanwhile": meanwhile,
        **(extra or {}),
    }
    return render(request, "surveys/council_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_answer(request, proposal_id: int):
    proposal = access.council_proposal_or_404(request.user, proposal_id)
    initial = {
        "decision": proposal.decision,
        "answer": proposal.answer,
        "version": proposal.version,
    }
    form = ProposalAnswerForm(request.POST or None, initial=initial)
    texts = {"saved": _("The answer is recorded."), "title": _("Answer the proposal")}
    return _save(
        request,
        proposal.unit,
        form,
        actions.proposal_answer,
        **texts,
        build=ProposalAnswerForm,
        current=lambda: Proposal.objects.get(pk=proposal.pk),
        proposal_id=proposal.pk,
        extra={"proposal": proposal},
    )
