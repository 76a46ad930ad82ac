"""The person's bookings and what is done with one booking (change, cancel, move, attended,
no-show): each of the form pages is `_booking_form_page`.

Views are short: access through helhet.access.policy, reads through selectors, writes through
actions; each request about one person logs one row. The calendars are in `calendar_views`.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.contact_details import person_details_shown
from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.contacts.selectors import readable_relatives
from helhet.core.forms import run_action
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once
from helhet.core.versions import StaleEdit, stale_page
from helhet.people.selectors import access_for_writing

from . import actions, selectors
from .forms import (
    AttendedForm,
    BookingEditForm,
    BookingForm,
    CancelForm,
    GroupSessionChoiceForm,
    RebookForm,
)
from .models import Booking


def _may_book(request, access) -> bool:
    unit = request.unit
    return unit is not None and access.may_act_at(unit.pk)


@login_required
@require_http_methods(["GET"])
def person_bookings(request, person_id: int):
    """The person's bookings: those to come, a page of the earlier ones and, where the user
    may book them, the links to book (`booking_new`) and to act on each booking."""
    access = policy.person_access(request, person_id)
    bookings = selectors.person_bookings(access, now=timezone.now(), number=request.GET.get("page"))
    record_access(Actor.from_request(request), access, action="read", what="bookings")
    context = _context(access) | {"bookings": bookings, "may_book": _may_book(request, access)}
    return render(request, "bookings/person.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_new(request, person_id: int):
    """Book the person at the active unit: a time of their own, or into a group session (the
    POST's `form` says which of the two forms was sent)."""
    access = access_for_writing(request, person_id)
    actor, which = Actor.from_request(request), request.POST.get("form")
    data = request.POST if request.method == "POST" else None
    form = BookingForm(
        data if which != "group" else None, staff=unit_staff(request.unit.pk), writer=request.user
    )
    group = GroupSessionChoiceForm(
        data if which == "group" else None,
        sessions=selectors.upcoming_sessions(request.unit),
        prefix="group",
    )
    if request.method == "POST" and _book(actor, access, form, group, which):
        messages.success(request, _("The booking is made."))
        return redirect("bookings:person", person_id=person_id)
    record_access(actor, access, action="read", what="booking form")
    context = _context(access) | {"form": form, "group": group}
    return render(request, "bookings/new.html", context)


def _context(access) -> dict:
    """What every page of one person's bookings shows; a booking's place only where the
    person's contact details are shown (it may be their address)."""
    return {"access": access, "person": access.person, "show_place": person_details_shown(access)}


def _book(actor, access, form, group, which) -> bool:
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


def _booking_form_page(
    request,
    person_id: int,
    booking_id: int,
    *,
    form: Callable[[QueryDict | None, PersonAccess, Booking], forms.Form],
    action: Callable[..., Booking],
    template: str,
    done: str,
    read: str,
):
    """One booking's form page, the shape every change of a booking has: the person for
    writing, their open booking at the active unit (else 404), FORM(data, access, booking);
    a valid post runs ACTION on the booking (its ValidationError back on the form; a stale
    edit shows the booking saved now beside the user's values) and says DONE; else the page
    (TEMPLATE) is shown and logged as READ."""
    access = access_for_writing(request, person_id)
    booking, actor = _booking(request, access, booking_id), Actor.from_request(request)
    bound = form(request.POST or None, access, booking)
    if request.method == "POST" and bound.is_valid():
        try:
            if run_action(bound, action, actor=actor, access=access, booking=booking.pk):
                messages.success(request, done)
                return redirect("bookings:person", person_id=person_id)
        except StaleEdit as stale:
            booking = _booking(request, access, booking_id)
            bound = stale_page(lambda data: form(data, access, booking), request.POST, stale)
    record_access(actor, access, action="read", what=read)
    context = _context(access) | {"booking": booking, "form": bound}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_edit(request, person_id: int, booking_id: int):
    """Change a booking still to come: kind, time, length, staff, place, reminder."""
    return _booking_form_page(
        request,
        person_id,
        booking_id,
        form=lambda data, access, booking: BookingEditForm(
            data,
            staff=unit_staff(request.unit.pk),
            booking=booking,
            show_place=person_details_shown(access),
        ),
        action=actions.booking_edit,
        template="bookings/edit.html",
        done=_("The booking is changed."),
        read="booking form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, person_id: int, booking_id: int):
    return _booking_form_page(
        request,
        person_id,
        booking_id,
        form=lambda data, access, booking: CancelForm(data),
        action=actions.booking_cancel,
        template="bookings/cancel.html",
        done=_("The booking is cancelled."),
        read="booking cancel form",
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_rebook(request, person_id: int, booking_id: int):
    """Move a booking: cancelled, and booked anew at another time."""
    return _booking_form_page(
        request,
        person_id,
        booking_id,
        form=lambda data, access, booking: RebookForm(
            data,
            staff=unit_staff(request.unit.pk),
            booking=booking,
            show_place=person_details_shown(access),
        ),
        action=actions.booking_rebook,
        template="bookings/rebook.html",
        done=_("The booking is moved."),
        read="booking form",
    )


@login_required
@require_http_methods(["GET", "POST"])
@once
def booking_attended(request, person_id: int, booking_id: int):
    """The person came: the contact form, filled in from the booking."""
    return _booking_form_page(
        request,
        person_id,
        booking_id,
        form=lambda data, access, booking: AttendedForm(
            data,
            staff=unit_staff(request.unit.pk),
            writer=request.user,
            relatives=readable_relatives(access),
            booking=booking,
        ),
        action=actions.booking_attended,
        template="bookings/attended.html",
        done=_("The contact is recorded."),
        read="contact form",
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
