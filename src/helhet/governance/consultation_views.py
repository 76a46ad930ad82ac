"""Consultation pages: the contact persons of the parties at the user's units (kept by each
party's managers and coordinators), the consultations a user may see, asking one (about a person
from the person's page, or a general question), answering, closing, and reporting an overdue one
as a deviation. Who may is asked of `consultations` (deny by default: "not found"). Only a
consultation's own page and the form about a person show one, through the access layer
(`consultations.identity`, `people.selectors.access_for_writing`), each logged."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhet.access.log import Actor, record_access
from helhet.core.forms import onto_form, run_action
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import consultation_actions as actions
from . import consultations, deviations
from .consultation_forms import ConsultationAnswerForm, ConsultationForm, ContactForm
from .models import Consultation

# --- contact persons -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once
def contact_list(request):
    """The contact persons at the user's units; a keeper adds their party's at the active unit."""
    unit = getattr(request, "unit", None)
    keeps = consultations.may_keep_contacts(request.user, unit)
    form = None
    if keeps and unit is not None:
        staff = consultations.party_staff(request.user, unit)
        form = ContactForm(request.POST or None, staff=staff)
        if request.method == "POST" and form.is_valid():
            if run_action(form, actions.contact_add, actor=Actor.from_request(request)):
                messages.success(request, _("The contact person is saved."))
                return redirect("governance:contacts")
    elif request.method == "POST":
        raise Http404
    context = {
        "contacts": consultations.contacts(consultations.contact_units(request.user)),
        "form": form,
        "unit": unit,
    }
    return render(request, "governance/contacts.html", context)


@login_required
@require_POST
def contact_remove(request, named_contact_id: int):
    found = consultations.contact_or_404(request.user, named_contact_id)
    try:
        actions.contact_remove(user=request.user, contact_id=found.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The contact person is removed."))
    return redirect("governance:contacts")


# --- consultations ---------------------------------------------------------------------------


@login_required
@require_GET
def consultation_list(request):
    """The consultations the user may see (`consultations.visible`): no person named."""
    unit = getattr(request, "unit", None)
    context = {
        "consultations": consultations.visible(request.user).order_by("-asked_at", "-pk")[:200],
        "may_ask": deviations.may_report(request.user, unit)
        and deviations.version_in_force(unit) is not None,
    }
    return render(request, "governance/consultations.html", context)


def _ask(request, access=None):
    unit = getattr(request, "unit", None)
    if not deviations.may_report(request.user, unit):
        raise Http404
    version = deviations.version_in_force(unit)
    form = ConsultationForm(
        request.POST or None,
        parties=deviations.addressable(request.user, version),
        contacts=consultations.addressable_contacts(request.user, unit),
    )
    actor = Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.consultation_ask(actor=actor, access=access, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, onto_form(form, error))
        else:
            messages.success(request, _("The consultation is sent."))
            return redirect("governance:consultation", consultation_id=done.pk)
    context = {"form": form, "version": version, "unit": unit}
    if access is not None:
        record_access(actor, access, action="read", what="consultation form")
        context |= {"person": access.person, "access": access}
    return render(request, "governance/consultation_new.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def consultation_new(request):
    return _ask(request)


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_consultation_new(request, person_id: int):
    return _ask(request, access_for_writing(request, person_id))


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request, consultation_id: int):
    found = consultations.consultation_or_404(request.user, consultation_id)
    form = None
    if consultations.may_answer(request.user, found) and found.status == Consultation.Status.ASKED:
        form = ConsultationAnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = run_action(
                form, actions.consultation_answer, user=request.user, consultation_id=found.pk
            )
            if done:
                messages.success(request, _("The answer is sent."))
                return redirect("governance:consultation", consultation_id=found.pk)
    elif request.method == "POST":
        raise Http404
    context = {
        "c": found,
        "form": form,
        "may_close": consultations.may_close(request.user, found),
        "person": consultations.identity(Actor.from_request(request), found),
        "today": timezone.localdate(),
    }
    return render(request, "governance/consultation.html", context)


@login_required
@require_POST
def consultation_close(request, consultation_id: int):
    found = consultations.consultation_or_404(request.user, consultation_id)
    if not consultations.may_close(request.user, found):
        raise Http404
    try:
        actions.consultation_close(user=request.user, consultation_id=found.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The consultation is closed."))
    return redirect("governance:consultation", consultation_id=found.pk)


@login_required
@require_POST
def consultation_deviation(request, consultation_id: int):
    """The asker reports the overdue consultation as a deviation, in one click."""
    found = consultations.consultation_or_404(request.user, consultation_id)
    if not consultations.may_close(request.user, found):
        raise Http404
    try:
        deviation = actions.consultation_report_unanswered(
            actor=Actor.from_request(request), consultation_id=found.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("governance:consultation", consultation_id=found.pk)
    messages.success(request, _("The unanswered consultation is reported as a deviation."))
    return redirect("governance:deviation", deviation_id=deviation.pk)
