"""The staff's survey pages at a unit: start a kiosk, hand out a one-time code (the printable
slip), enter answers from paper, review the comments, and read the results. Who may is asked of
`access`; the writes are `actions`."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.followup import access as followup_access
from helhet.followup.forms import period_defaults
from helhet.followup.periods import PeriodForm

from . import access, actions, questionnaires, results
from .forms import CommentReviewForm, PaperForm, QuestionnaireForm
from .models import Channel, CommentState, Kiosk, Response

KIOSK_KEY = "helhet_kiosk"  # the kiosk's token, in the device's session
SLIP_KEY = "helhet_survey_slip"  # the code just handed out, for its slip


@login_required
@require_GET
def index(request):
    if request.unit is None:
        raise Http404
    return redirect("surveys:unit", unit_id=request.unit.pk)


@login_required
@require_GET
def unit(request, unit_id: int):
    found = access.staff_unit_or_404(request.user, unit_id)
    context = {
        "unit": found,
        "form": QuestionnaireForm(initial={"questionnaire": "persons"}),
        "kiosks": Kiosk.objects.filter(
            unit=found, stopped_at=None, ends_at__gt=timezone.now()
        ).order_by("started_at"),
        "waiting": Response.objects.filter(unit=found, comment_state=CommentState.WAITING).count(),
        "questionnaires": questionnaires.bundled().values(),
        "may_read": followup_access.followup_units(request.user).filter(pk=found.pk).exists(),
    }
    return render(request, "surveys/unit.html", context)


def _chosen(request) -> str | None:
    """The questionnaire chosen for a kiosk or a code; None, with the message, when none is."""
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["questionnaire"]
    messages.error(request, _("Choose the questionnaire."))
    return None


@login_required
@require_POST
def kiosk_start(request, unit_id: int):
    """Start a kiosk on this device: the staff member is logged out, the device answers only
    the kiosk's questionnaire from now on."""
    found = access.staff_unit_or_404(request.user, unit_id)
    chosen = _chosen(request)
    if chosen is None:
        return redirect("surveys:unit", unit_id=found.pk)
    token = actions.kiosk_start(user=request.user, unit=found, questionnaire=chosen)
    logout(request)
    request.session[KIOSK_KEY] = token
    # The device's session lasts as long as the kiosk, not the staff's idle limit: the start
    # screen may wait for hours without a request.
    request.session.set_expiry(datetime.timedelta(hours=actions.KIOSK_HOURS))
    return redirect("surveys:kiosk")


@login_required
@require_POST
def kiosk_stop(request, unit_id: int):
    found = access.staff_unit_or_404(request.user, unit_id)
    actions.kiosk_stop(unit=found, kiosk_id=parse_id(request.POST.get("kiosk")))
    messages.success(request, _("The kiosk is stopped."))
    return redirect("surveys:unit", unit_id=found.pk)


@login_required
@require_POST
@once
def code_new(request, unit_id: int):
    found = access.staff_unit_or_404(request.user, unit_id)
    chosen = _chosen(request)
    if chosen is None:
        return redirect("surveys:unit", unit_id=found.pk)
    issued = actions.code_issue(unit=found, questionnaire=chosen, today=timezone.localdate())
    request.session[SLIP_KEY] = {
        "unit": found.pk,
        "code": issued.code,
        "questionnaire": issued.questionnaire,
        "expires_on": issued.expires_on.isoformat(),
    }
    return redirect("surveys:code_slip", unit_id=found.pk)


@login_required
@require_GET
def code_slip(request, unit_id: int):
    """The printable slip of the code just handed out (kept in the staff member's session)."""
    found = access.staff_unit_or_404(request.user, unit_id)
    slip = request.session.get(SLIP_KEY)
    if not slip or slip["unit"] != found.pk:
        return redirect("surveys:unit", unit_id=found.pk)
    url = request.build_absolute_uri(reverse("surveys:code_answer", args=[slip["code"]]))
    context = {
        "unit": found,
        "code": actions.show_code(slip["code"]),
        "url": url,
        "enter_url": request.build_absolute_uri(reverse("surveys:code_enter")),
        "questionnaire": questionnaires.get(slip["questionnaire"]),
        "expires_on": slip["expires_on"],
        "qr": mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2)),  # noqa: S308
    }
    return render(request, "surveys/slip.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def paper(request, unit_id: int, questionnaire: str):
    found = access.staff_unit_or_404(request.user, unit_id)
    try:
        chosen = questionnaires.get(questionnaire)
    except KeyError:
        raise Http404 from None
    form = PaperForm(request.POST or None, questionnaire=chosen)
    if request.method == "POST" and form.is_valid():
        if run_action(
            form,
            actions.response_submit,
            unit=found,
            questionnaire=chosen,
            channel=Channel.PAPER,
        ):
            messages.success(request, _("The answer is saved. Enter the next one."))
            return redirect("surveys:paper", unit_id=found.pk, questionnaire=chosen.code)
    context = {"unit": found, "questionnaire": chosen, "form": form}
    return render(request, "surveys/paper.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def comments(request, unit_id: int):
    """The unit's comments waiting for review: cleared (edited) or rejected by its staff."""
    found = access.staff_unit_or_404(request.user, unit_id)
    response_id = parse_id(request.POST.get("response"))
    posted = CommentReviewForm(request.POST or None, auto_id=f"comment-{response_id}-%s")
    if request.method == "POST" and posted.is_valid():
        if run_action(posted, actions.comment_review, unit=found, response_id=response_id):
            messages.success(request, _("The comment is reviewed."))
            return redirect("surveys:comments", unit_id=found.pk)
    waiting = list(
        Response.objects.filter(unit=found, comment_state=CommentState.WAITING).order_by(
            "month", "pk"
        )[:50]
    )
    if posted.errors and response_id not in {response.pk for response in waiting}:
        messages.error(request, " ".join(map(str, posted.non_field_errors())))  # meanwhile
    # one form per comment, each with its own ids (the posted one with its messages)
    rows = [
        (
            response,
            posted
            if response.pk == response_id
            else CommentReviewForm(
                initial={"text": response.comment}, auto_id=f"comment-{response.pk}-%s"
            ),
        )
        for response in waiting
    ]
    return render(request, "surveys/comments.html", {"unit": found, "rows": rows})


@login_required
@require_GET
def results_page(request, unit_id: int):
    found = access.readable_unit_or_404(request.user, unit_id)
    form = PeriodForm(request.GET or period_defaults())
    context: dict = {"unit": found, "form": form}
    if form.is_valid():
        period = form.cleaned_data["period"]
        same_type = list(followup_access.county_units(found.unit_type))
        context |= {
            "period": period,
            "results": results.unit_results(found, period),
            "trend": results.trend(found, period),
            "comparison": results.comparison(same_type, period),
            "may_edit": access.may_edit_council(request.user, found),
        }
    return render(request, "surveys/results.html", context)
