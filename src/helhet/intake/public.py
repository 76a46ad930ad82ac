"""The public self-referral page ("en väg in"): no login, one form per unit.

It shows nothing back: whatever is sent (a real message, a robot's), the answer is the same
thank-you page, which repeats none of it. Nothing is matched against persons, so the page
cannot reveal whether anyone is known. A flood is refused with a plain message (429) before
anything is read or stored; see flood.py.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from helhet.core.models import Unit
from helhet.core.submissions import once

from . import actions, flood
from .forms import SelfReferralForm


def _unit(slug: str) -> Unit:
    return get_object_or_404(Unit, slug=slug)


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
@once
def self_referral(request, slug: str):
    unit = _unit(slug)
    if request.method == "POST" and flood.is_flooded(request, unit.pk):
        return render(request, "intake/public_busy.html", {"unit": unit}, status=429)
    form = SelfReferralForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        flood.count_message(request, unit.pk)
        if form.is_from_a_robot or _stored(form, unit):
            return redirect("intake:self_referral_thanks", slug=unit.slug)
    return render(request, "intake/public_form.html", {"form": form, "unit": unit})


def _stored(form: SelfReferralForm, unit: Unit) -> bool:
    data = form.cleaned_data
    try:
        actions.self_referral_submit(
            unit=unit,
            about_self=data["about"] == SelfReferralForm.SELF,
            for_relative=data["about"] == SelfReferralForm.OWN_SUPPORT,
            name=data["name"],
            contact=data["contact"],
            message=data["message"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@login_not_required
@require_http_methods(["GET"])
def self_referral_thanks(request, slug: str):
    return render(request, "intake/public_thanks.html", {"unit": _unit(slug)})
