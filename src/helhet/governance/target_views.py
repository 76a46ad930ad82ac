"""The agreement's targets: the list (with each target's status for its latest full period) and
the form to add one, and a target's page to change or remove it. Read by whoever reads the
agreement (`access.agreement_or_404`); edited by a party's manager or coordinator
(`access.acting_party`), "not found" for everyone else. No person is shown."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from helhet.core.forms import run_action
from helhet.core.submissions import once

from . import access, target_actions, targets
from .models import Target
from .target_forms import TargetForm, target_initial
from .views import row_edit

NOT_IN_PROPOSAL = gettext_lazy(
    "The proposed version waiting for approval does not have this target: it ends when the "
    "proposal comes into force, unless it is added to the proposal too."
)


def _form(agreement, data=None, initial=None) -> TargetForm:
    return TargetForm(
        data,
        initial=initial,
        versions=target_actions.editable_versions(agreement),
        units=agreement.units.order_by("name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def target_list(request, agreement_id: int):
    found = access.agreement_or_404(request.user, agreement_id)
    party = access.acting_party(request.user, found)
    if party is None and request.method == "POST":
        raise Http404
    form = None
    if party is not None:
        latest = target_actions.editable_versions(found).first()
        form = _form(found, request.POST or None, {"agreement_version": latest, "version": 0})
        if request.method == "POST" and form.is_valid():
            if run_action(
                form, target_actions.target_save, user=request.user, agreement_id=found.pk
            ):
                messages.success(request, _("The target is added."))
                chosen = form.cleaned_data["agreement_version"]
                if chosen != latest:  # the version in force, beside a proposal waiting
                    messages.warning(request, NOT_IN_PROPOSAL)
                return redirect("governance:targets", agreement_id=found.pk)
    proposed = target_actions.editable_versions(found).filter(state="proposed").first()
    context = {
        "agreement": found,
        "party": party,
        "form": form,
        "standing": targets.standing(found, timezone.localdate()),
        "proposal": proposed,
        "proposed_targets": [
            targets.Standing(t, None, []) for t in proposed.targets.select_related("goal")
        ]
        if proposed
        else [],
    }
    return render(request, "governance/targets.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target(request, target_id: int):
    found = (
        Target.objects.filter(
            pk=target_id,
            agreement_version__agreement__in=access.readable_agreements(request.user).values("pk"),
            agreement_version__state__in=target_actions.EDITABLE,
        )
        .select_related("agreement_version__agreement")
        .first()
    )
    if (
        found is None
        or access.acting_party(request.user, found.agreement_version.agreement) is None
    ):
        raise Http404
    agreement = found.agreement_version.agreement
    back = reverse("governance:targets", args=[agreement.pk])
    done = row_edit(
        request,
        build=lambda data, initial=None: _form(agreement, data, initial),
        initial=target_initial(found),
        agreement_id=agreement.pk,
        save=target_actions.target_save,
        delete=target_actions.target_delete,
        row={"target_id": found.pk},
        back=back,
        saved=_("The target is saved."),
        removed=_("The target is removed."),
    )
    if isinstance(done, HttpResponse):
        return done
    context = {"agreement": agreement, "target": found, "form": done, "back_url": back}
    return render(request, "governance/target.html", context)
