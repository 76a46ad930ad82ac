"""Dispute pages: the disputes a user may see, raising one (about no one person, or from a
person's page), and a dispute's page with its ladder and the decision at the current step.
Who may is asked of `disputes` (deny by default: "not found"). Only a dispute's own page and
the form about a person show one, through the access layer (`disputes.identity`,
`people.selectors.access_for_writing`), each logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.access.log import Actor
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import dispute_actions, disputes
from .about_person import person_context, submit
from .deviations import addressable
from .dispute_forms import DecisionForm, DisputeForm, SettlementAnswerForm, outcomes

_PROPOSED = gettext_lazy(
    "The settlement is proposed. It takes effect when the other party confirms it."
)


@login_required
@require_GET
def dispute_list(request):
    """The disputes the user may see (`disputes.visible`): no person named."""
    unit = getattr(request, "unit", None)
    shown = disputes.visible(request.user).order_by("-raised_at", "-pk")
    context = {
        "disputes": shown[:200],
        "may_raise": disputes.may_raise(request.user, unit),
        "today": timezone.localdate(),
    }
    return render(request, "governance/disputes.html", context)


def _raise(request, access=None):
    unit = getattr(request, "unit", None)
    if not disputes.may_raise(request.user, unit):
        raise Http404
    version = disputes.version_in_force(unit)
    form = DisputeForm(
        request.POST or None,
        parties=version.parties.order_by("name") if version else None,
        opponents=addressable(request.user, version),
        about_person=access is not None,
    )
    done = submit(request, form, dispute_actions.dispute_raise, access=access, what="dispute form")
    if done is not None:
        messages.success(request, _("The dispute is raised."))
        return redirect("governance:dispute", dispute_id=done.pk)
    context = {"form": form, "version": version, "unit": unit} | person_context(access)
    return render(request, "governance/dispute_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def dispute_new(request):
    return _raise(request)


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_dispute_new(request, person_id: int):
    return _raise(request, access_for_writing(request, person_id))


@login_required
@require_http_methods(["GET", "POST"])
def dispute(request, dispute_id: int):
    """The dispute, its ladder, a settlement waiting for the other party, and the decision at
    the current step for whom `disputes.say` names."""
    found = disputes.dispute_or_404(request.user, dispute_id)
    rungs = disputes.ladder(found)
    say, form = disputes.say(request.user, found), None
    if say is not None:
        form = DecisionForm(request.POST or None, dispute=found, outcomes=outcomes(say, found))
        if request.method == "POST" and form.is_valid():
            done = run_action(
                form, dispute_actions.dispute_decide, user=request.user, dispute_id=found.pk
            )
            if done:
                proposed = form.cleaned_data["settled"] and not say.settles
                messages.success(request, _PROPOSED if proposed else _("The decision is recorded."))
                return redirect("governance:dispute", dispute_id=found.pk)
    elif request.method == "POST":
        # a page of an earlier step (a decider's then) says so; anyone else is refused
        moved_on = found.status != disputes.Status.RUNNING or request.POST.get("step") != str(
            found.step
        )
        if not moved_on:
            raise Http404
        messages.error(request, dispute_actions.MOVED_ON)
    context = {
        "d": found,
        "rungs": rungs,
        "form": form,
        "may_answer": disputes.may_answer_settlement(request.user, found),
        "person": disputes.identity(Actor.from_request(request), found),
    }
    return render(request, "governance/dispute.html", context)


@login_required
@require_POST
def dispute_settlement(request, dispute_id: int):
    """The other party confirms or rejects a proposed settlement."""
    found = disputes.dispute_or_404(request.user, dispute_id)
    if not disputes.may_answer_settlement(request.user, found):
        raise Http404
    form = SettlementAnswerForm(request.POST)
    if form.is_valid() and run_action(
        form, dispute_actions.dispute_settlement_answer, user=request.user, dispute_id=found.pk
    ):
        confirmed = form.cleaned_data["answer"] == "confirm"
        messages.success(
            request,
            _("The settlement is confirmed: the dispute is settled.")
            if confirmed
            else _("The settlement is rejected: the dispute stays at this step."),
        )
    else:
        messages.error(request, " ".join(_error_texts(form)))
    return redirect("governance:dispute", dispute_id=found.pk)


def _error_texts(form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]
