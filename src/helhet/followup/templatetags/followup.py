"""The menu's question: may the signed-in user follow up any unit (see `followup.access`)."""

from django import template

from helhet.followup import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_follow_up(context) -> bool:
    """From the memberships the page has loaded already: a manager or coordinator may, other
    staff may not (no query on the clinical pages). Only a user without any membership (a
    steering-group member, an administrator) costs a query. A staff member who also sits in a
    steering group reaches the follow-up from its address, not from the menu."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    memberships = getattr(request, "memberships", None)
    if memberships:
        return any(m.role in access.FOLLOW_UP_ROLES for m in memberships)
    return access.may_follow_up(request.user)
