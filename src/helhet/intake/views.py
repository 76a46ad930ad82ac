"""The referral pages for the unit's staff: inbox, registration, triage, the referral meeting.

Views are short: the referral through a selector (Http404 when it is not at the active unit or
not the user's to read), writes through actions; each request logs one row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from helhet.access import contact_details, policy
from helhet.access.log import Actor, record_access
from helhet.access.what import what
from helhet.core.forms import run_action
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once

from . import actions, selectors
from .forms import CommissionForm, DeclineForm, ReferralForm, accept_form

ACCEPTED_MESSAGES = {
    "new": gettext_lazy("The referral is accepted and the episode is opened. Next: the consent."),
    "reactivation": gettext_lazy(
        "The referral is accepted. The person has been enrolled here before: the new episode "
        "is a reactivation. Next: the consent."
    ),
    "return": gettext_lazy(
        "The referral is accepted. The person has been enrolled here before, longer ago than "
        "the reactivation period: the new episode is linked to the earlier one. Next: the consent."
    ),
    "linked": gettext_lazy(
        "The person is already enrolled here: the referral is linked to the open episode."
    ),
}


def _no_unit(request):
    return render(request, "people/no_unit.html", status=403)


def _has_unit(request) -> bool:
    return request.unit is not None and policy.is_clinical(request.user)


@login_required
@require_http_methods(["GET"])
def inbox(request):
    if not _has_unit(request):
        return _no_unit(request)
    referrals = selectors.with_days_waiting(selectors.open_referrals(request.unit))
    decided = selectors.recently_decided(request.unit)
    actions.referral_viewed(actor=Actor.from_request(request), what="referral inbox")
    public_url = request.build_absolute_uri(
        reverse("intake:self_referral", args=[request.unit.slug])
    )
    return render(
        request,
        "intake/inbox.html",
        {"referrals": referrals, "decided": decided, "public_url": public_url},
    )


@login_required
@require_http_methods(["GET"])
def meeting(request):
    if not _has_unit(request):
        return _no_unit(request)
    referrals = selectors.with_days_waiting(selectors.open_referrals(request.unit))
    actions.referral_viewed(actor=Actor.from_request(request), what="referral meeting")
    return render(request, "intake/meeting.html", {"referrals": referrals})


@login_required
@require_http_methods(["GET", "POST"])
@once
def register(request):
    if not _has_unit(request):
        return _no_unit(request)
    form = ReferralForm(request.POST or None, unit=request.unit)
    actor = Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.referral_register, actor=actor):
            messages.success(request, _("The referral is registered."))
            return redirect("intake:inbox")
    return render(request, "intake/register.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def person_referrals(request, person_id: int):
    access = policy.person_access(request, person_id)
    referrals = selectors.person_referrals(access)
    record_access(Actor.from_request(request), access, action="read", what="referrals")
    return render(
        request,
        "intake/person_referrals.html",
        {"person": access.person, "access": access, "referrals": referrals},
    )


@login_required
@require_http_methods(["GET"])
def detail(request, referral_id: int):
    found = selectors.referral_for_reading(request, referral_id)
    actor = Actor.from_request(request)
    if found.access is not None:
        record_access(actor, found.access, action="read", what=what("referral", referral_id))
    else:
        actions.referral_viewed(actor=actor, what=what("referral", referral_id))
    return render(request, "intake/detail.html", {"r": found.referral, "access": found.access})


@login_required
@require_http_methods(["POST"])
def wait(request, referral_id: int):
    referral = selectors.referral_for_triage(request, referral_id)
    try:
        actions.referral_wait(actor=Actor.from_request(request), referral_id=referral.pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The referral is on the waiting list."))
    return redirect("intake:detail", referral_id=referral.pk)


@login_required
@require_http_methods(["GET", "POST"])
@once
def decline(request, referral_id: int):
    referral = selectors.referral_for_triage(request, referral_id)
    form = DeclineForm(request.POST or None, unit=request.unit)
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.referral_decline, actor=actor, referral_id=referral.pk)
    ):
        messages.success(request, _("The referral is declined."))
        return redirect("intake:inbox")
    actions.referral_viewed(actor=actor, what=what("referral decline form", referral.pk))
    return render(request, "intake/decline.html", {"form": form, "r": referral})


@login_required
@require_http_methods(["GET", "POST"])
@once
def accept(request, referral_id: int):
    referral = selectors.referral_for_triage(request, referral_id)
    roles, staff = contact_details.roles_of(request), unit_staff(request.unit.pk)
    form = accept_form(request.POST or None, referral, roles=roles, staff=staff)
    actor = Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = actions.referral_accept(
                actor=actor, referral_id=referral.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ACCEPTED_MESSAGES[accepted.outcome])
            # Next step of the intake: the consent (DOMAIN.md, the journey, step 3).
            after = "people:overview" if accepted.outcome == "linked" else "access:consent_new"
            return redirect(after, person_id=accepted.person_id)
    actions.referral_viewed(actor=actor, what=what("referral accept form", referral.pk))
    return render(request, "intake/accept.html", {"form": form, "r": referral})


@login_required
@require_http_methods(["GET", "POST"])
@once
def commission(request, referral_id: int):
    """The commission of a referral from social services, added by staff who may act on it."""
    found = selectors.referral_for_commission(request, referral_id)
    form = CommissionForm(request.POST or None)
    actor = Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        done = run_action(
            form,
            actions.commission_add,
            actor=actor,
            referral=found.referral,
            access=found.access,
        )
        if done:
            messages.success(request, _("The commission is saved with the referral."))
            return redirect("intake:detail", referral_id=found.referral.pk)
    if found.access is not None:
        record_access(actor, found.access, action="read", what=what("commission form", referral_id))
    else:
        actions.referral_viewed(actor=actor, what=what("commission form", referral_id))
    return render(request, "intake/commission.html", {"form": form, "r": found.referral})
