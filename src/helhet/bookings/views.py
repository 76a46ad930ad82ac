"""The person's bookings and what is done with one booking (cancel, move, attended, no-show).

Views are short: access through helhet.access.policy, reads through selectors, writes through
actions; each request about one person logs one row. The calendars are in `calendar_views`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.contact_details import person_details_shown
from helhet.access.log import Actor, record_access
from helhet.contacts.selectors import readable_relatives
from helhet.core.forms import run_action
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import AttendedForm, BookingForm, CancelForm, GroupSessionChoiceForm, RebookForm
from .models import Booking


def _may_book(request, access) -> bool:
    unit = request.unit
    return unit is not None and access.may_act_at(unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
@once
def person_bookings(request, person_id: int):
    """The person's bookings, the form to book them and to book them into a group session."""
    access = policy.person_access(request, person_id)
    actor, may_book = Actor.from_request(request), _may_book(request, access)
    if request.method == "POST" and not may_book:
        raise Http404
    form = group = None
    if may_book:
        staff = unit_staff(request.unit.pk)
        data = request.POST if request.method == "POST" else None
        which = request.POST.get("form")
        form = BookingForm(data if which != "group" else None, staff=staff, writer=request.user)
        group = GroupSessionChoiceForm(
            data if which == "group" else None,
            sessions=selectors.upcoming_sessions(request.unit),
            prefix="group",
        )
        if request.method == "POST" and _book(request, actor, access, form, group, which):
            messages.success(request, _("The booking is made."))
            return redirect("bookings:person", person_id=person_id)
    bookings = selectors.split_bookings(selectors.person_bookings(access), timezone.now())
    record_access(actor, access, action="read", what="bookings")
    context = _context(access) | {"bookings": bookings, "form": form, "group": group}
    return render(request, "bookings/person.html", context)


def _context(access) -> dict:
    """What every page of one person's bookings shows; a booking's place only where the
    person's contact details are shown (it may be their address)."""
    return {"access": access, "person": access.person, "show_place": person_details_shown(access)}


def _book(request, actor, access, form, group, which) -> bool:
    if which == "group":
        return group.is_valid() and run_action(
            group, actions.participant_add, actor=actor, access=access
        )
    return form.is_valid() and run_action(form, actions.booking_create, actor=actor, access=access)


def _booking(request, access, booking_id: int) -> Booking:
    """The person's open booking at the active unit the user may change; else Http404."""
    try:
        return actions.booking_for_acting(access, booking_id, request.unit, lock=False)
    except ValidationError as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, person_id: int, booking_id: int):
    access = access_for_writing(request, person_id)
    booking, actor = _booking(request, access, booking_id), Actor.from_request(request)
    form = CancelForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.booking_cancel, actor=actor, access=access, booking=booking.pk)
    ):
        messages.success(request, _("The booking is cancelled."))
        return redirect("bookings:person", person_id=person_id)
    record_access(actor, access, action="read", what="booking cancel form")
    return render(
        request,
        "bookings/cancel.html",
        _context(access) | {"booking": booking, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_rebook(request, person_id: int, booking_id: int):
    access = access_for_writing(request, person_id)
    booking, actor = _booking(request, access, booking_id), Actor.from_request(request)
    form = RebookForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        booking=booking,
        show_place=person_details_shown(access),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.booking_rebook, actor=actor, access=access, booking=booking.pk)
    ):
        messages.success(request, _("The booking is moved."))
        return redirect("bookings:person", person_id=person_id)
    record_access(actor, access, action="read", what="booking form")
    return render(
        request,
        "bookings/rebook.html",
        _context(access) | {"booking": booking, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_attended(request, person_id: int, booking_id: int):
    """The person came: the contact form, filled in from the booking."""
    access = access_for_writing(request, person_id)
    booking, actor = _booking(request, access, booking_id), Actor.from_request(request)
    form = AttendedForm(
        request.POST or None,
        staff=unit_staff(request.unit.pk),
        writer=request.user,
        relatives=readable_relatives(access),
        booking=booking,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(
            form, actions.booking_attended, actor=actor, access=access, booking=booking.pk
        )
    ):
        messages.success(request, _("The contact is recorded."))
        return redirect("bookings:person", person_id=person_id)
    record_access(actor, access, action="read", what="contact form")
    return render(
        request,
        "bookings/attended.html",
        _context(access) | {"booking": booking, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_no_show(request, person_id: int, booking_id: int):
    """The person did not come: asked once more, then recorded as a no-show contact."""
    access = access_for_writing(request, person_id)
    booking, actor = _booking(request, access, booking_id), Actor.from_request(request)
    if request.method == "POST":
        try:
            actions.booking_no_show(actor=actor, access=access, booking=booking.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The no-show is recorded."))
        return redirect("bookings:person", person_id=person_id)
    record_access(actor, access, action="read", what="booking form")
    return render(
        request,
        "bookings/no_show.html",
        _context(access) | {"booking": booking},
    )
