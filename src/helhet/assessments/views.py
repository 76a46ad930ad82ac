"""The assessment pages: a person's results over time, and entering one instrument.

Views are short: access through helhet.access.policy, reads through selectors, the write
through the action; each request logs one access-log row.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.access.what import what
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import actions, catalogue, selectors
from .forms import AssessmentForm, CorrectionForm, correction_initial


@login_required
@require_http_methods(["GET"])
def history(request, person_id: int):
    access = policy.person_access(request, person_id)
    histories = selectors.assessment_history(access)
    record_access(Actor.from_request(request), access, action="read", what="assessments")
    unit = request.unit
    context = {
        "person": access.person,
        "access": access,
        "histories": histories,
        "may_record": bool(unit) and access.may_act_at(unit.pk),
    }
    return render(request, "assessments/history.html", context)


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def latest(request, person_id: int):
    """The latest result per instrument: a table the overview's assessment block asks for."""
    access = policy.person_access(request, person_id)
    latest = selectors.latest_assessments(access)
    record_access(Actor.from_request(request), access, action="read", what="latest assessments")
    context = {"latest": latest, "person": access.person, "access": access}
    return render(request, "assessments/latest.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def assessment_new(request, person_id: int, instrument: str):
    access = access_for_writing(request, person_id)
    try:
        form_of = catalogue.instrument(instrument)
    except LookupError:
        raise Http404 from None
    actor = Actor.from_request(request)
    if request.method == "POST":
        form = AssessmentForm(request.POST, instrument=form_of)
    else:
        occasion = selectors.default_occasion(access, form_of.code)
        form = AssessmentForm(instrument=form_of, initial={"occasion": occasion})
    if request.method == "POST" and form.is_valid():
        assessment = _record(
            form, actor=actor, access=access, incomplete="incomplete" in request.POST
        )
        if assessment is not None:
            messages.success(request, _saved_message(form_of.name, assessment))
            return redirect("assessments:history", person_id=person_id)
    record_access(actor, access, action="read", what=what("assessment form", form_of.name))
    context = {"form": form, "person": access.person, "access": access, "instrument": form_of}
    return render(request, "assessments/new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def assessment_correct(request, person_id: int, assessment_id: int):
    access = access_for_writing(request, person_id)
    earlier = selectors.assessment_for_correcting(access, assessment_id)
    try:
        form_of = catalogue.instrument(earlier.instrument)
    except LookupError:  # an instrument no longer offered is not entered again
        raise Http404 from None
    actor = Actor.from_request(request)
    form = CorrectionForm(
        request.POST or None, instrument=form_of, initial=correction_initial(earlier)
    )
    if request.method == "POST" and form.is_valid():
        assessment = _correct(
            form, earlier, actor=actor, access=access, incomplete="incomplete" in request.POST
        )
        if assessment is not None:
            messages.success(request, _saved_message(form_of.name, assessment))
            return redirect("assessments:history", person_id=person_id)
    record_access(
        actor, access, action="read", what=what("assessment correction form", form_of.name)
    )
    context = {
        "form": form,
        "person": access.person,
        "access": access,
        "instrument": form_of,
        "earlier": earlier,
    }
    return render(request, "assessments/correct.html", context)


def _correct(form: CorrectionForm, earlier, *, incomplete: bool, **kwargs):
    """The correcting assessment, or None with the action's refusal put on the form."""
    try:
        return actions.assessment_correct(
            assessment_id=earlier.pk,
            reason=form.cleaned_data["reason"],
            assessed_on=form.cleaned_data["assessed_on"],
            occasion=form.cleaned_data["occasion"],
            answers=form.answers(),
            allow_incomplete=incomplete,
            **kwargs,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _record(form: AssessmentForm, *, incomplete: bool, **kwargs):
    """The saved assessment, or None with the action's refusal put on the form."""
    try:
        return actions.assessment_record(
            instrument=form.instrument.code,
            assessed_on=form.cleaned_data["assessed_on"],
            occasion=form.cleaned_data["occasion"],
            answers=form.answers(),
            allow_incomplete=incomplete,
            **kwargs,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _saved_message(name: str, assessment) -> str:
    if not assessment.complete:
        return _(
            "%(instrument)s is saved as incomplete (items %(items)s unanswered): no total."
        ) % {"instrument": name, "items": ", ".join(map(str, assessment.unanswered))}
    position = _("at or above") if assessment.at_or_above else _("below")
    return _(
        "%(instrument)s is saved: total %(total)s, %(zone)s; %(position)s the cut-off %(cutoff)s."
    ) % {
        "instrument": name,
        "total": assessment.total,
        "zone": assessment.zone_text,
        "position": position,
        "cutoff": assessment.cutoff_text,
    }
