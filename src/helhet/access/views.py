"""The access pages: consents, emergency access, the log review and the person's log extract.

Views are short: access through helhet.access.policy (via selectors), writes through actions;
each request about one person logs one row.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.core import pdf
from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.submissions import once
from helhet.people.views import overview_or_caseload

from . import actions, policy, review, selectors
from .forms import (
    ConsentForm,
    ConsentWithdrawForm,
    EmergencyForm,
    LogFilterForm,
    LogMarkForm,
    LogSampleForm,
)
from .log import Actor, record_access


def _posted(request):
    """The form data of a POST, even an empty one (so that its errors are shown); else None."""
    return request.POST if request.method == "POST" else None


@login_required
@require_http_methods(["GET", "POST"])
@once
def consent_new(request, person_id: int):
    access = selectors.access_for_acting(request, person_id)
    choices = selectors.consent_choices(access, request.unit)
    form = ConsentForm(
        _posted(request),
        person=access.person,
        directions=choices.directions,
        relatives=choices.relatives,
    )
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.consent_record, actor=actor, access=access, unit=request.unit)
    ):
        messages.success(request, _("The consent is recorded."))
        return redirect("people:overview", person_id=person_id)
    record_access(actor, access, action="read", what="consent form")
    return render(
        request,
        "access/consent_form.html",
        {"form": form, "access": access, "person": access.person, "unit": request.unit},
    )


@login_required
@require_http_methods(["GET"])
def consent_print(request, person_id: int, consent_id: int):
    """The consent form the person signs (samtyckesblankett), for the browser to print."""
    access = policy.person_access(request, person_id)
    printout = selectors.consent_printout(access, consent_id)
    record_access(Actor.from_request(request), access, action="read", what="consent printout")
    context = {"access": access, "person": access.person, "p": printout}
    return render(request, "access/consent_print.html", context)


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def consent_pdf(request, person_id: int, consent_id: int):
    """The consent form as a PDF; without WeasyPrint, a 503 page links to the print page."""
    access = policy.person_access(request, person_id)
    if not pdf.available():
        fallback = reverse("access:consent_print", args=[person_id, consent_id])
        return pdf.unavailable(request, fallback_url=fallback)
    printout = selectors.consent_printout(access, consent_id)
    record_access(Actor.from_request(request), access, action="read", what="consent pdf")
    context = {"access": access, "person": access.person, "p": printout}
    # The file name carries no name or identity number: downloads lie around on disks.
    filename = f"samtycke-{person_id}-{consent_id}.pdf"
    return pdf.render_pdf(request, "access/consent_pdf.html", context, filename=filename)


@login_required
@require_http_methods(["GET", "POST"])
@once
def consent_withdraw(request, person_id: int, consent_id: int):
    access = policy.person_access(request, person_id)
    consent = selectors.consent_for_withdrawal(access, consent_id)
    form, actor = ConsentWithdrawForm(_posted(request)), Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, actions.consent_withdraw, actor=actor, access=access, consent_id=consent.pk
        )
    ):
        messages.success(request, _("The withdrawal of the consent is recorded."))
        return overview_or_caseload(request, person_id)
    record_access(actor, access, action="read", what="consent withdrawal form")
    return render(
        request,
        "access/consent_withdraw.html",
        {"form": form, "access": access, "person": access.person, "consent": consent},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def emergency(request):
    if not policy.is_clinical(request.user) or request.unit is None:
        raise Http404
    initial = {"identity_number": request.GET.get("identity_number", "")[:20]}
    form = EmergencyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if response := _take_emergency_access(request, form):
            return response
    return render(request, "access/emergency.html", {"form": form})


def _take_emergency_access(request, form: EmergencyForm):
    """The redirect to the person's overview, or None with the problem put on the form."""
    actor = Actor.from_request(request)
    if not run_action(form, actions.emergency_access_check):
        return None  # checked first: a bad request must not tell whether the number exists
    person = selectors.person_by_identity_number(form.cleaned_data["identity_number"])
    if person is None:
        actions.emergency_access_no_match(actor=actor)
        form.add_error(
            "identity_number", _("No person with this identity number is registered in Helhet.")
        )
        return None
    if selectors.has_relationship(request.user, person):
        messages.info(
            request,
            _("You have a care relationship with this person: no emergency access is needed."),
        )
        return redirect("people:overview", person_id=person.pk)
    if not run_action(form, actions.emergency_access_take, actor=actor, person=person):
        return None
    messages.warning(request, _("Emergency access is given. It is logged and will be reviewed."))
    return redirect("people:overview", person_id=person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def log_review(request):
    reviewer, actor = review.reviewer(request), Actor.from_request(request)
    filter_form = LogFilterForm(request.GET)
    entries = review.log_entries(reviewer, filter_form.log_filter())
    post = request.POST
    sample_form = LogSampleForm(post if "sample" in post else None, prefix="sample")
    mark_form = LogMarkForm(post if "mark" in post else None, prefix="mark")
    if "emergency" in post:
        _review_emergency(request, actor=actor, unit=reviewer.unit)
        return redirect(request.get_full_path())
    if (
        sample_form.is_bound
        and _mark_reviewed(
            request, sample_form, actions.log_review_sample, actor=actor, entries=entries
        )
    ) or (
        mark_form.is_bound
        and _mark_reviewed(
            request, mark_form, actions.log_review_mark, actor=actor, unit=reviewer.unit
        )
    ):
        return redirect(request.get_full_path())
    page = review.log_page(entries, request.GET.get("page"))
    emergencies = review.pending_emergencies(reviewer)
    persons = {e.person.pk: e.person for e in [*page.object_list, *emergencies] if e.person_id}
    bases = review.named_persons(reviewer, persons)
    names = review.naming(list(persons.values()), bases)
    flags = review.refusal_flags(reviewer)
    actions.log_review_viewed(actor=actor, named=_with_list_basis(persons, bases))
    return render(
        request,
        "access/log_review.html",
        {
            "unit": reviewer.unit,
            "filter_form": filter_form,
            "sample_form": sample_form,
            "mark_form": mark_form,
            "page": page,
            "rows": review.review_rows(
                review.as_reviewed(reviewer, page.object_list), names, flags
            ),
            "refusal_flags": flags,
            "refusals_flag_count": settings.HELHET_REFUSALS_FLAG_COUNT,
            "emergencies": review.pending_rows(emergencies, names, reviewer),
        },
    )


def _with_list_basis(persons: dict, bases: dict[int, str]) -> list:
    """The named persons, each with the `list_basis` `log.record_listing` logs."""
    named = []
    for pk, basis in bases.items():
        person = persons[pk]
        person.list_basis = basis
        named.append(person)
    return named


def _mark_reviewed(request, form, action, **kwargs) -> bool:
    """Run a marking ACTION with FORM's data; tell how many rows were marked."""
    if not form.is_valid():
        return False
    try:
        count = action(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("%(n)s rows are marked as reviewed.") % {"n": count})
    return True


def _review_emergency(request, *, actor, unit) -> None:
    """Mark the emergency access in the POST as reviewed; the outcome is told as a message."""
    emergency_id = parse_id(request.POST["emergency"]) or 0
    try:
        actions.emergency_access_review(actor=actor, unit=unit, emergency_id=emergency_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The emergency access is marked as reviewed."))


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def log_extract(request, person_id: int):
    """The person's log extract (PDL 8 kap. 5 §): which unit and organisation, when, what.

    Staff names are left out on purpose. The law gives the person the right to know which care
    unit and which care provider accessed their records, and when; the extract is handed to the
    person, while staff in addiction and psychiatric care may have good reasons (threats) not to
    be named to them. A request for names is handled separately, with a secrecy assessment, from
    the log review page, which shows the user of every row.

    Only a manager or coordinator of a unit where the person has a care relationship produces
    it, and it lists only the accesses logged at such units plus every emergency access: rows
    of other units would tell the requester where else the person is cared for.
    """
    scope = selectors.log_extract_scope(request, person_id)
    actions.log_extract_produced(actor=Actor.from_request(request), access=scope.access)
    entries = selectors.log_extract_entries(scope)
    return render(
        request,
        "access/log_extract.html",
        {
            "person": scope.access.person,
            "entries": entries,
            "covered_units": scope.units,
            "from_date": scope.from_date,
            "produced_at": timezone.localtime(),
            "units": selectors.accessing_units(entries),
        },
    )
