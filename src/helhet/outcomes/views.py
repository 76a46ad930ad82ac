"""The outcome pages: a person's outcomes over time, recording one, correcting one. Access
through the policy, reads through selectors, writes through actions; one log row a request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import CorrectionForm, OutcomeForm, correction_initial


@login_required
@require_http_methods(["GET"])
def outcomes(request, person_id: int):
    access = policy.person_access(request, person_id)
    unit_id = request.unit.pk if request.unit else None
    history = selectors.outcome_history(access, unit_id=unit_id)
    record_access(Actor.from_request(request), access, action="read", what="outcomes")
    context = {
        "person": access.person,
        "access": access,
        "history": history,
        "may_record": unit_id is not None and access.may_act_at(unit_id),
    }
    return render(request, "outcomes/list.html", context)


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def latest(request, person_id: int):
    """The newest outcome in force: the line the overview's outcome block asks for."""
    access = policy.person_access(request, person_id)
    outcome = selectors.latest_outcome(access)
    record_access(Actor.from_request(request), access, action="read", what="latest outcome")
    return render(request, "outcomes/latest.html", {"o": outcome, "person": access.person})


@login_required
@require_http_methods(["GET", "POST"])
@once
def outcome_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor = Actor.from_request(request)
    unit_id = request.unit.pk if request.unit else None
    initial = {"occasion": selectors.default_occasion(access, unit_id)}
    form = OutcomeForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.outcome_record, actor=actor, access=access)
    ):
        messages.success(request, _("The outcome is recorded."))
        return redirect("outcomes:list", person_id=person_id)
    record_access(actor, access, action="read", what="outcome form")
    context = {"form": form, "person": access.person, "access": access}
    return render(request, "outcomes/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def outcome_correct(request, person_id: int, outcome_id: int):
    access = access_for_writing(request, person_id)
    earlier = selectors.outcome_for_correcting(access, outcome_id)
    actor = Actor.from_request(request)
    form = CorrectionForm(request.POST or None, initial=correction_initial(earlier))
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, actions.outcome_correct, actor=actor, access=access, outcome_id=earlier.pk
        )
    ):
        messages.success(request, _("The correction is recorded."))
        return redirect("outcomes:list", person_id=person_id)
    record_access(actor, access, action="read", what="outcome correction form")
    context = {"form": form, "person": access.person, "access": access, "earlier": earlier}
    return render(request, "outcomes/form.html", context)
