"""The contact pages: a person's contacts, registering one, drug tests and medication
dispensing, the overview's contact block, and the drop-in day.

Views are short: access through helhet.access.policy, reads through selectors, writes through
actions; each request about one person logs one row (the drop-in day: one per person written).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.access.what import what
from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .dropin import DropInPage
from .forms import (
    ContactCorrectionForm,
    ContactForm,
    DispensingCorrectionForm,
    DispensingForm,
    DrugTestCorrectionForm,
    DrugTestForm,
)
from .models import Contact, DrugTest, MedicationDispensing


@login_required
@require_http_methods(["GET"])
def contact_list(request, person_id: int):
    access = policy.person_access(request, person_id)
    holding = parse_id(request.GET.get("contact"))
    page = selectors.contacts_page(access, request.GET.get("page"), holding=holding)
    record_access(Actor.from_request(request), access, action="read", what="contacts")
    return render(
        request,
        "contacts/list.html",
        {
            "person": access.person,
            "access": access,
            "page": page,
            "may_record": _may_record(request, access),
        },
    )


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def latest(request, person_id: int):
    """The overview's contact block (fetched by the overview page, its own log row)."""
    access = policy.person_access(request, person_id)
    unit = request.unit
    summary = selectors.contact_summary(access, unit_id=unit.pk if unit else None)
    record_access(Actor.from_request(request), access, action="read", what="latest contacts")
    return render(
        request,
        "contacts/overview_block.html",
        {"person": access.person, "access": access, "summary": summary},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def contact_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor = Actor.from_request(request)
    form = ContactForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        writer=request.user,
        relatives=selectors.readable_relatives(access),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.contact_record, actor=actor, access=access)
    ):
        messages.success(request, _("The contact is recorded."))
        return redirect("contacts:list", person_id=person_id)
    record_access(actor, access, action="read", what="contact form")
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "person": access.person, "access": access},
    )


@login_required
@require_http_methods(["GET"])
def medication(request, person_id: int):
    access = policy.person_access(request, person_id)
    found = selectors.medication(access)
    record_access(Actor.from_request(request), access, action="read", what="medication")
    return render(
        request,
        "contacts/medication.html",
        {
            "person": access.person,
            "access": access,
            "m": found,
            "may_record": _may_record(request, access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def drug_test_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    form, actor = DrugTestForm(request.POST or None), Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            actions.drug_test_record(actor=actor, access=access, **form.action_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The drug test is recorded."))
            return redirect("contacts:medication", person_id=person_id)
    record_access(actor, access, action="read", what="drug test form")
    return render(
        request,
        "contacts/drug_test_form.html",
        {"form": form, "person": access.person, "access": access},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def dispensing_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor = Actor.from_request(request)
    form = DispensingForm(
        request.POST or None, staff=unit_staff(request.unit.pk), writer=request.user
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.dispensing_record, actor=actor, access=access)
    ):
        messages.success(request, _("The dispensing is recorded."))
        return redirect("contacts:medication", person_id=person_id)
    record_access(actor, access, action="read", what="dispensing form")
    return render(
        request,
        "contacts/dispensing_form.html",
        {"form": form, "person": access.person, "access": access},
    )


# --- Corrections and earlier versions -----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@once
def contact_correct(request, person_id: int, contact_id: int):
    access = access_for_writing(request, person_id)
    earlier = selectors.for_correcting(access, Contact, contact_id)
    staff, interventions = selectors.correction_choices(request.unit.pk, earlier)
    form = ContactCorrectionForm(
        request.POST or None,
        staff=staff,
        interventions=interventions,
        writer=request.user,
        relatives=selectors.readable_relatives(access),
        initial=ContactCorrectionForm.initial_from(earlier),
    )
    return _correction_page(
        request, access, form, earlier, action=actions.contact_correct, kind=CONTACT
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def drug_test_correct(request, person_id: int, drug_test_id: int):
    access = access_for_writing(request, person_id)
    earlier = selectors.for_correcting(access, DrugTest, drug_test_id)
    form = DrugTestCorrectionForm(
        request.POST or None, initial=DrugTestCorrectionForm.initial_from(earlier)
    )
    return _correction_page(
        request, access, form, earlier, action=actions.drug_test_correct, kind=DRUG_TEST
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def dispensing_correct(request, person_id: int, dispensing_id: int):
    access = access_for_writing(request, person_id)
    earlier = selectors.for_correcting(access, MedicationDispensing, dispensing_id)
    form = DispensingCorrectionForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        writer=request.user,
        initial=DispensingCorrectionForm.initial_from(earlier),
    )
    return _correction_page(
        request, access, form, earlier, action=actions.dispensing_correct, kind=DISPENSING
    )


@dataclass(frozen=True)
class Kind:
    """A kind of record that is corrected: its list, and its pages' access-log phrases."""

    model: type
    name: str  # its templates' and its id's prefix
    back_to: str
    form_read: str
    versions_read: str


CONTACT = Kind(Contact, "contact", "contacts:list", "contact correction form", "contact versions")
DRUG_TEST = Kind(
    DrugTest, "drug_test", "contacts:medication", "drug test correction form", "drug test versions"
)
DISPENSING = Kind(
    MedicationDispensing,
    "dispensing",
    "contacts:medication",
    "dispensing correction form",
    "dispensing versions",
)


def _correction_page(request, access, form, earlier, *, action, kind: Kind):
    """The correction form of EARLIER, saved through ACTION on a valid POST."""
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, action, actor=actor, access=access, **{f"{kind.name}_id": earlier.pk})
    ):
        messages.success(
            request, _("The correction is saved. The earlier version stays in the history.")
        )
        return redirect(kind.back_to, person_id=access.person.pk)
    record_access(actor, access, action="read", what=what(kind.form_read))
    context = {"form": form, "person": access.person, "access": access, "earlier": earlier}
    return render(request, f"contacts/{kind.name}_correct.html", context)


@login_required
@require_http_methods(["GET"])
def contact_versions(request, person_id: int, contact_id: int):
    return _versions_page(request, person_id, contact_id, CONTACT)


@login_required
@require_http_methods(["GET"])
def drug_test_versions(request, person_id: int, drug_test_id: int):
    return _versions_page(request, person_id, drug_test_id, DRUG_TEST)


@login_required
@require_http_methods(["GET"])
def dispensing_versions(request, person_id: int, dispensing_id: int):
    return _versions_page(request, person_id, dispensing_id, DISPENSING)


def _versions_page(request, person_id: int, record_id: int, kind: Kind):
    """A record and its earlier versions, newest first, with who corrected each and why."""
    access = policy.person_access(request, person_id)
    found = selectors.versions(access, kind.model, record_id)
    record_access(Actor.from_request(request), access, action="read", what=what(kind.versions_read))
    context = {
        "person": access.person,
        "access": access,
        "versions": found,
        "name": kind.name,
        "back": kind.back_to,
    }
    return render(request, "contacts/versions.html", context)


def _may_record(request, access) -> bool:
    unit = request.unit
    return unit is not None and access.may_act_at(unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
@once
def drop_in(request):
    """Register many persons' drop-in visits at the active unit from one page, in one go."""
    if request.unit is None or not policy.is_clinical(request.user):
        return render(request, "people/no_unit.html", status=403)
    page = DropInPage(request)
    if request.method == "POST" and "more" not in request.POST and page.save():
        messages.success(
            request,
            ngettext(
                "%(count)s drop-in visit is registered.",
                "%(count)s drop-in visits are registered.",
                len(page.contacts),
            )
            % {"count": len(page.contacts)},
        )
        return redirect("contacts:drop_in")
    return render(request, "contacts/drop_in.html", {"page": page})
