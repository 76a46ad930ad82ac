"""The menu's question: may the signed-in user follow up any unit (see `followup.access`)."""

from django import template

from helhet.followup import access

register = template.Library()

STAFF_IN_STEERING_GROUP = "helhet_staff_in_steering_group"


@register.simple_tag(takes_context=True)
def may_follow_up(context) -> bool:
    """From the memberships the page has loaded already: a manager or coordinator may (no
    query). Whether other staff sit in a steering group was asked when they logged in and kept
    in the session (`remember_steering_seat`; the menu link only: every follow-up page asks
    `access` again). A user without any membership (a steering-group member, an
    administrator) costs a query per page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    memberships = getattr(request, "memberships", None)
    if not memberships:
        return access.may_follow_up(request.user)
    if any(m.role in access.FOLLOW_UP_ROLES for m in memberships):
        return True
    return request.session.get(STAFF_IN_STEERING_GROUP, False)


def remember_steering_seat(sender, request, user, **kwargs) -> None:
    """At login (`user_logged_in`): whether the user sits in a steering group, for the menu."""
    if request is not None and hasattr(request, "session"):
        request.session[STAFF_IN_STEERING_GROUP] = access.followup_units(user).exists()
