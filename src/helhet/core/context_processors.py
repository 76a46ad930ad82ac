from .middleware import active_membership


def active_unit(request):
    """The active unit and the user's units, for the unit switcher in the page header."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"memberships": request.memberships, "active_membership": active_membership(request)}
