from typing import NamedTuple

from .middleware import active_membership
from .models import REVIEWER_ROLES


def active_unit(request):
    """The active unit and the user's units, for the unit switcher in the page header, and
    which links of the main menu the user has (`menu_kind`, also the menu's cache key)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    membership = active_membership(request)
    menu_kind = MenuKind(
        clinical=bool(request.user.organisation_id and request.memberships),
        reviews_log=bool(membership and membership.role in REVIEWER_ROLES),
    )
    return {
        "memberships": request.memberships,
        "active_membership": membership,
        "menu_kind": menu_kind,
    }


class MenuKind(NamedTuple):
    clinical: bool  # staff of a unit (a steering-group member or an administrator has none)
    reviews_log: bool  # the active unit's manager or coordinator

    def __str__(self) -> str:  # the menu's fragment is cached under this
        return f"clinical={self.clinical},reviews_log={self.reviews_log}"
