"""The public ways in: the kiosk on a tablet at the unit, and the page of a one-time code.
Both are open without login (`@login_not_required`) and show nothing but the questionnaire.

- The kiosk: a device whose session holds a running kiosk's token (started by the unit's staff,
  `views.kiosk_start`, which logged them out). Each sitting starts on the start screen and ends
  with one answer; the answer page without a sitting sends back to the start.
- A code: `/s/<code>/` (the slip's QR code) or typed at `/s/`. Each look-up of a code is counted
  against the sender and the unit, as on the self-referral page (`intake.flood`), so codes
  cannot be guessed by trying.
"""

from __future__ import annotations

import secrets
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from helhet.core.forms import run_action
from helhet.intake import flood

from . import actions, questionnaires
from .forms import AnswerForm, CodeForm
from .models import Channel, Kiosk
from .views import KIOSK_KEY

SITTING_KEY = "helhet_kiosk_sitting"
CODE_LIMITS = flood.Limits("survey-code", per_address=30, per_unit=500, window_seconds=3600)
# Codes refused (unknown, used, expired) count against their sender only: a counter shared by
# every sender would let a few addresses guessing shut out every code holder of the county.
REFUSED_LIMITS = flood.Limits(
    "survey-code-refused", per_address=30, per_unit=2**31, window_seconds=3600
)
NO_UNIT = 0  # the unit counter of the refused codes, never reached


def kiosk_page(view):
    """A kiosk's page: open without login, and only on a device whose session holds a running
    kiosk (passed to VIEW); "not open on this device" (404) otherwise."""

    @login_not_required
    @csrf_protect
    @wraps(view)
    def page(request):
        running = actions.running_kiosk(request.session.get(KIOSK_KEY))
        # Never inside a staff member's session: a person at the tablet would reach their pages.
        if running is None or request.user.is_authenticated:
            return render(request, "surveys/kiosk_closed.html", status=404)
        return view(request, running)

    return page


@kiosk_page
@require_http_methods(["GET", "POST"])
def kiosk(request, running: Kiosk):
    """The start screen: "Start" begins a sitting."""
    if request.method == "POST":
        request.session[SITTING_KEY] = secrets.token_urlsafe(16)
        return redirect("surveys:kiosk_answer")
    questionnaire = questionnaires.get(running.questionnaire)
    context = {"kiosk": running, "questionnaire": questionnaire}
    return render(request, "surveys/kiosk_start.html", context)


@kiosk_page
@require_http_methods(["GET", "POST"])
def kiosk_answer(request, running: Kiosk):
    """One answer per sitting: saving it ends the sitting."""
    if not request.session.get(SITTING_KEY):
        return redirect("surveys:kiosk")
    questionnaire = questionnaires.get(running.questionnaire)
    form = AnswerForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        sitting = request.session.pop(SITTING_KEY, None)
        # The sitting is claimed once, across requests (two sent at once: one answer).
        claim = f"helhet-kiosk-sitting:{sitting}"
        claimed = bool(sitting) and cache.add(claim, 1, timeout=actions.KIOSK_HOURS * 3600)
        if claimed and run_action(
            form,
            actions.response_submit,
            unit=running.unit,
            questionnaire=questionnaire,
            channel=Channel.KIOSK,
            day=timezone.localdate(),
        ):
            return redirect("surveys:kiosk_thanks")
        if not claimed:
            return redirect("surveys:kiosk")
        cache.delete(claim)
        request.session[SITTING_KEY] = sitting
    context = {"questionnaire": questionnaire, "form": form, "kiosk": running}
    return render(request, "surveys/kiosk_answer.html", context)


@kiosk_page
@require_GET
def kiosk_thanks(request, running: Kiosk):
    return render(request, "surveys/kiosk_thanks.html")


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def code_enter(request):
    """Type the code from the slip."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = actions.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("surveys:code_answer", code=code)
        form.add_error("code", _("Type the code as it stands on the slip."))
    return render(request, "surveys/code_enter.html", {"form": form})


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def code_answer(request, code: str):
    """The questionnaire of a valid code; a used, expired or unknown code is refused, saying
    why. Every look-up counts against the flood limit."""
    today = timezone.localdate()
    if flood.is_flooded(request, NO_UNIT, REFUSED_LIMITS):
        return render(request, "surveys/code_busy.html", status=429)
    try:
        found = actions.code_check(code, today=today)
    except ValidationError as error:
        flood.count_message(request, NO_UNIT, REFUSED_LIMITS)
        refusal = {"error": error.messages[0]}
        return render(request, "surveys/code_refused.html", refusal, status=404)
    if flood.is_flooded(request, found.unit_id, CODE_LIMITS):
        return render(request, "surveys/code_busy.html", status=429)
    flood.count_message(request, found.unit_id, CODE_LIMITS)
    questionnaire = questionnaires.get(found.questionnaire)
    form = AnswerForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        if run_action(form, actions.code_answer, text=code, today=today):
            return redirect("surveys:code_thanks")
    context = {"questionnaire": questionnaire, "form": form, "unit": found.unit}
    return render(request, "surveys/code_answer.html", context)


@login_not_required
@require_GET
def code_thanks(request):
    return render(request, "surveys/code_thanks.html")
