"""The calendars: a day or a week of one staff member (default: me) or of a unit, and the
group sessions (new, participants, move, cancel).

Each page lists persons: only those the viewer may see at the unit are named, the rest show
as "Booked"; the page logs one listing row naming them (`record_listing`).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helhet.access import policy
from helhet.access.contact_details import roles_of
from helhet.access.log import Actor, record_listing
from helhet.access.what import what
from helhet.core.forms import run_action
from helhet.core.models import Unit
from helhet.core.selectors import unit_staff
from helhet.core.submissions import once

from . import actions, feeds, selectors
from .forms import CalendarForm, GroupSessionForm, SessionCancelForm, SessionMoveForm
from .models import GroupSession


def _member_unit(request, unit_id: int | None) -> Unit:
    """UNIT_ID if the clinical user is a member there (the active unit when None); else 404."""
    if not policy.is_clinical(request.user):
        raise Http404
    if unit_id is None:
        if request.unit is None:
            raise Http404
        return request.unit
    for membership in request.memberships:
        if membership.unit_id == unit_id:
            return membership.unit
    raise Http404


def _calendar(request, unit: Unit, *, per_staff: bool):
    form = CalendarForm(request.GET or None, staff=unit_staff(unit.pk))
    chosen = form.cleaned_data if form.is_valid() else {}
    week = chosen.get("view") == "week"
    day = chosen.get("day") or timezone.localdate()
    staff = (chosen.get("staff") or request.user) if per_staff else None
    if not form.errors:  # the form shows what the page shows
        shown = {"view": "week" if week else "day", "day": day, "staff": staff}
        form = CalendarForm(initial=shown, staff=unit_staff(unit.pk))
    first, last = selectors.period(day, week=week)
    bookings = selectors.calendar_bookings(unit=unit, first=first, last=last, staff=staff)
    sessions = selectors.calendar_sessions(unit=unit, first=first, last=last, staff=staff)
    rows = selectors.entries(request.user, bookings, unit=unit, roles=roles_of(request))
    record_listing(  # read at the calendar's unit, whichever unit is active
        Actor(request.user, unit, request.request_id),
        selectors.listed(rows),
        action="read",
        what=what("calendar", unit),
    )
    step = datetime.timedelta(days=7 if week else 1)
    return render(
        request,
        "bookings/calendar.html",
        {
            "form": form,
            "unit": unit,
            "staff": staff,
            "week": week,
            "first": first,
            "last": last,
            "days": selectors.by_day(rows, first, last, sessions),
            "previous": first - step,
            "next": first + step,
            "view": "week" if week else "day",
        },
    )


@login_required
@require_http_methods(["GET"])
def my_calendar(request):
    """A staff member's day or week at the active unit (default: the user's own)."""
    return _calendar(request, _member_unit(request, None), per_staff=True)


@login_required
@require_http_methods(["GET"])
def unit_calendar(request, unit_id: int):
    """Everyone's bookings at one of the user's units, by day or week."""
    return _calendar(request, _member_unit(request, unit_id), per_staff=False)


@login_required
@require_http_methods(["GET", "POST"])
@once
def session_new(request):
    unit = _member_unit(request, None)
    form = GroupSessionForm(request.POST or None, staff=unit_staff(unit.pk), writer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            planned = actions.group_session_create(
                actor=Actor.from_request(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group session is planned."))
            return redirect("bookings:session", session_id=planned.pk)
    return render(request, "bookings/session_form.html", {"form": form, "unit": unit})


@login_required
@require_http_methods(["GET"])
def session(request, session_id: int):
    """A group session at one of the user's units and its participants."""
    found = _session(request, session_id)
    rows = selectors.participants(request.user, found, roles=roles_of(request))
    record_listing(
        Actor(request.user, found.unit, request.request_id),
        selectors.listed(rows),
        action="read",
        what=what("group session participants", found.unit),
    )
    context = {
        "session": found,
        "rows": rows,
        "may_cancel": _may_change(request, found),
        "may_move": _may_move(request, found),
    }
    return render(request, "bookings/session.html", context)


def _session(request, session_id: int) -> GroupSession:
    found = selectors.member_session(request, session_id)
    if found is None:
        raise Http404
    return found


def _may_change(request, session: GroupSession) -> bool:
    """Sessions are changed at their own unit, when active, before they end."""
    unit = request.unit
    return (
        unit is not None
        and unit.pk == session.unit_id
        and not session.is_cancelled
        and session.ends_at > timezone.now()
    )


def _may_move(request, session: GroupSession) -> bool:
    """A session is moved, as it is changed, and before it begins."""
    return _may_change(request, session) and session.starts_at > timezone.now()


@login_required
@require_http_methods(["GET", "POST"])
def session_move(request, session_id: int):
    """Move a group session (start, length, place) and its participants' bookings with it."""
    found = _session(request, session_id)
    if not _may_move(request, found):
        raise Http404
    form = SessionMoveForm(request.POST or None, session=found)
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.group_session_move, actor=actor, session=found.pk)
    ):
        messages.success(request, _("The group session is moved."))
        return redirect("bookings:session", session_id=found.pk)
    return render(request, "bookings/session_move.html", {"session": found, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, session_id: int):
    """Cancel a group session (by the unit, with a reason) and its participants' bookings."""
    found = _session(request, session_id)
    if not _may_change(request, found):
        raise Http404
    form = SessionCancelForm(request.POST or None)
    actor = Actor.from_request(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_action(form, actions.group_session_cancel, actor=actor, session=found.pk)
    ):
        messages.success(request, _("The group session is cancelled."))
        return redirect("bookings:session", session_id=found.pk)
    return render(request, "bookings/session_cancel.html", {"session": found, "form": form})


# --- The calendar feed --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def feed_page(request):
    """My calendar feed: make a new private address (shown once) or revoke the one in use."""
    if not policy.is_clinical(request.user):
        raise Http404
    token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            feeds.feed_revoke(user=request.user)
            messages.success(
                request, _("The calendar feed is revoked: its address no longer works.")
            )
            return redirect("bookings:feed_page")
        token = feeds.feed_create(user=request.user)
    url = request.build_absolute_uri(reverse("bookings:feed", args=[token])) if token else None
    return render(
        request,
        "bookings/feed_page.html",
        {"feed": feeds.active_feed(request.user), "url": url},
    )


@login_not_required
@require_http_methods(["GET"])
def feed(request, token: str):
    """The iCalendar feed behind a private address; unknown or revoked: not found."""
    user = feeds.feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(feeds.calendar_text(user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
