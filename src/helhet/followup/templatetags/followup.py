"""The menu's question: may the signed-in user follow up any unit (see `followup.access`)."""

import time

from django import template

from helhet.followup import access

register = template.Library()

STAFF_IN_STEERING_GROUP = "helhet_staff_in_steering_group"  # [answer, asked at (epoch s)]
RECHECK_SECONDS = 600  # a seat given or taken away shows in the menu within this time


@register.simple_tag(takes_context=True)
def may_follow_up(context) -> bool:
    """From the memberships the page has loaded already: a manager or coordinator may (no
    query). Whether other staff sit in a steering group is asked when they log in and at most
    every RECHECK_SECONDS after, and kept in the session (`steering_seat`; the menu link only:
    every follow-up page asks `access` again). A user without any membership (a
    steering-group member, an administrator) costs a query per page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    memberships = getattr(request, "memberships", None)
    if not memberships:
        return access.may_follow_up(request.user)
    if any(m.role in access.FOLLOW_UP_ROLES for m in memberships):
        return True
    return steering_seat(request, request.user)


def steering_seat(request, user, *, now: float | None = None) -> bool:
    """Whether USER sits in a steering group: the session's answer while it is fresh, else
    asked again and kept."""
    now = time.time() if now is None else now
    kept = request.session.get(STAFF_IN_STEERING_GROUP)
    if isinstance(kept, list) and len(kept) == 2 and 0 <= now - kept[1] < RECHECK_SECONDS:
        return bool(kept[0])
    answer = access.followup_units(user).exists()
    request.session[STAFF_IN_STEERING_GROUP] = [answer, now]
    return answer


def remember_steering_seat(sender, request, user, **kwargs) -> None:
    """At login (`user_logged_in`): whether the user sits in a steering group, for the menu."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(STAFF_IN_STEERING_GROUP, None)
        steering_seat(request, user)
