"""The user-influence routines of the agreement beside the survey results: user council
meetings (groups, never names) and the users' proposals with the unit's answers. Read by
whoever may follow the unit up; recorded and answered by the unit's managers and coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helhet.core.forms import run_action, set_queryset
from helhet.core.submissions import once

from . import access, actions
from .forms import MeetingForm, ProposalAnswerForm, ProposalForm
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


@login_required
@require_http_methods(["GET", "POST"])
@once
def meeting_new(request, unit_id: int):
    found = access.council_unit_or_404(request.user, unit_id)
    form = MeetingForm(request.POST or None)
    saved = _("The meeting is recorded.")
    return _record(request, found, form, actions.meeting_record, saved, units=[found])


@login_required
@require_http_methods(["GET", "POST"])
@once
def proposal_new(request, unit_id: int):
    found = access.council_unit_or_404(request.user, unit_id)
    form = ProposalForm(request.POST or None)
    set_queryset(form.fields["meeting"], meetings_of(found), label=lambda m: str(m.held_on))
    saved = _("The proposal is recorded.")
    return _record(request, found, form, actions.proposal_record, saved, unit=found)


def _record(request, at, form, action, saved: str, **kwargs):
    """Run ACTION from the posted FORM and go back to the council page of unit AT saying SAVED;
    else the form again, with its messages."""
    if request.method == "POST" and form.is_valid():
        if run_action(form, action, user=request.user, **kwargs):
            messages.success(request, saved)
            return redirect("surveys:council", unit_id=at.pk)
    return render(request, "surveys/council_form.html", {"unit": at, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def proposal_answer(request, proposal_id: int):
    proposal = Proposal.objects.select_related("unit").filter(pk=proposal_id).first()
    if proposal is None or not access.may_edit_council(request.user, proposal.unit):
        raise Http404
    initial = {"decision": proposal.decision, "answer": proposal.answer}
    form = ProposalAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.proposal_answer, proposal=proposal):
            messages.success(request, _("The answer is recorded."))
            return redirect("surveys:council", unit_id=proposal.unit_id)
    context = {"unit": proposal.unit, "form": form, "proposal": proposal}
    return render(request, "surveys/council_form.html", context)
