"""The plan pages: the SIP (versions, a new version, meetings, the printout and its PDF) and
the treatment plans.

Views are short: access through helhet.access.policy, reads through selectors, writes through
actions; each request about one person logs one row. Without the person's coordination consent
at the unit, the SIP pages say so and offer the consent form instead of a SIP.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.core import pdf
from helhet.core.converters import parse_id
from helhet.core.forms import run_action
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import PlanPage, SipMeetingForm, SipPage


def _version_param(request) -> int | None:
    return parse_id(request.GET.get("version"))


@login_required
@require_http_methods(["GET"])
def sip(request, person_id: int):
    access = policy.person_access(request, person_id)
    views = selectors.sip_views(access, unit=request.unit, version_id=_version_param(request))
    record_access(Actor.from_request(request), access, action="read", what="sip")
    return render(
        request, "plans/sip.html", {"person": access.person, "access": access, "views": views}
    )


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def sip_print(request, person_id: int):
    access = policy.person_access(request, person_id)
    view = selectors.sip_to_print(access, unit=request.unit, version_id=_version_param(request))
    record_access(Actor.from_request(request), access, action="read", what="sip printout")
    return render(
        request, "plans/sip_print.html", {"person": access.person, "access": access, "v": view}
    )


@login_required
@require_http_methods(["GET"])
@policy.without_page_reads
def sip_pdf(request, person_id: int):
    """The printout as a PDF download. With nothing to print (no consent, no SIP) the print
    page says why; without WeasyPrint on the server, a 503 page links to the print page."""
    access = policy.person_access(request, person_id)
    version_id = _version_param(request)
    if not pdf.available():
        query = f"?version={version_id}" if version_id is not None else ""
        print_url = reverse("plans:sip_print", args=[person_id]) + query
        return pdf.unavailable(request, fallback_url=print_url)
    view = selectors.sip_to_print(access, unit=request.unit, version_id=version_id)
    record_access(Actor.from_request(request), access, action="read", what="sip pdf")
    context = {"person": access.person, "access": access, "v": view}
    if not (view.allowed and view.shown):
        return render(request, "plans/sip_print.html", context)
    # The file name carries no name or identity number: downloads lie around on disks.
    filename = f"sip-{person_id}-version-{view.shown.number}.pdf"
    return pdf.render_pdf(request, "plans/sip_pdf.html", context, filename=filename)


def _sip_choices(access, unit):
    organisations = unit.organisations.order_by("name")
    return organisations, unit_staff(unit.pk), selectors.sip_relatives(access)


@login_required
@require_http_methods(["GET", "POST"])
@once
def sip_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor, unit = Actor.from_request(request), request.unit
    view = selectors.sip_for_writing(access, unit)
    page = saved = None
    if view.may_write:
        organisations, staff, relatives = _sip_choices(access, unit)

        def build(data, latest):
            return SipPage(
                data, organisations=organisations, staff=staff, relatives=relatives, latest=latest
            )

        page = build(request.POST or None, view.shown)
        if request.method == "POST" and page.is_valid():
            try:
                actions.sip_version_create(actor=actor, access=access, **page.kwargs())
            except ValidationError as error:
                page.form.add_error(None, error)
            except StaleEdit as stale:
                # Another save came in: show it beside the user's own values, based on it now.
                view = selectors.sip_for_writing(access, unit)
                saved = view.shown
                page = stale_page(lambda data: build(data, saved), request.POST, stale)
            else:
                messages.success(request, _("The new version of the SIP is saved."))
                return redirect("plans:sip", person_id=person_id)
    record_access(actor, access, action="read", what="sip form")
    return render(
        request,
        "plans/sip_form.html",
        {
            "person": access.person,
            "access": access,
            "view": view,
            "page": page,
            "form": page and page.form,
            "saved": saved,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def sip_meeting_new(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor, unit = Actor.from_request(request), request.unit
    view = selectors.sip_for_writing(access, unit)
    form = None
    if view.may_write and view.latest is not None:
        form = SipMeetingForm(request.POST or None, staff=unit_staff(unit.pk))
        if (
            request.method == "POST"
            and form.is_valid()
            and run_action(form, actions.sip_meeting_record, actor=actor, access=access)
        ):
            messages.success(request, _("The SIP meeting is recorded."))
            return redirect("plans:sip", person_id=person_id)
    record_access(actor, access, action="read", what="sip meeting form")
    return render(
        request,
        "plans/sip_meeting_form.html",
        {"person": access.person, "access": access, "view": view, "form": form},
    )


# --- Treatment plans ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def plans(request, person_id: int):
    access = policy.person_access(request, person_id)
    views = selectors.plan_views(access, version_id=_version_param(request))
    record_access(Actor.from_request(request), access, action="read", what="treatment plans")
    unit = request.unit
    return render(
        request,
        "plans/plans.html",
        {
            "person": access.person,
            "access": access,
            "views": views,
            "may_write": unit is not None and access.may_act_at(unit.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def plan_edit(request, person_id: int):
    access = access_for_writing(request, person_id)
    actor, unit = Actor.from_request(request), request.unit
    latest = selectors.own_plan_latest(access, unit, request.user.organisation_id)
    staff, saved = unit_staff(unit.pk), None
    page = PlanPage(request.POST or None, staff=staff, latest=latest)
    if request.method == "POST" and page.is_valid():
        try:
            actions.plan_save(actor=actor, access=access, **page.kwargs())
        except ValidationError as error:
            page.form.add_error(None, error)
        except StaleEdit as stale:
            # Another save came in: show it beside the user's own values, based on it now.
            latest = saved = selectors.own_plan_latest(access, unit, request.user.organisation_id)
            page = stale_page(
                lambda data: PlanPage(data, staff=staff, latest=latest), request.POST, stale
            )
        else:
            messages.success(request, _("The treatment plan is saved."))
            return redirect("plans:plans", person_id=person_id)
    record_access(actor, access, action="read", what="treatment plan form")
    return render(
        request,
        "plans/plan_form.html",
        {
            "person": access.person,
            "access": access,
            "page": page,
            "form": page.form,
            "latest": latest,
            "saved": saved,
        },
    )
