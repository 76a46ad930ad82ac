"""Recently opened: the persons whose overview the user opened lately, newest first.

Kept per user in the database (`RecentlyOpened`: one row per user and person with the time
last opened, written by `actions.note_opened` with one upsert and trimmed to RECENT_MAX rows
when the list is read), so the list outlives the session. It shows
only those the user may still see (`policy.visible_persons`: a membership removed, or a
closed episode once its reading window has passed, takes a person off it at once) and is
logged as the search is, one row naming each person shown.
"""

from django.db.models import F
from django.utils import timezone

from helhet.access import listing, policy
from helhet.core.selectors import overview_url_maker

from .models import LISTED_FIELDS, Person, RecentlyOpened

RECENT_MAX = 8


def recently_opened(request) -> list[Person]:
    """The persons of the user's list they may still see, newest first, each with the
    `list_basis` the log records and its `overview_url`. One query, and one to trim the list."""
    user = request.user
    if not policy.is_clinical(user):
        return []
    trim(user)
    today, units = timezone.localdate(), policy.member_units(request.memberships)
    unit = getattr(request, "unit", None)
    visible = policy.visible_persons(user, on=today, units=units).filter(recently_opened__user=user)
    persons = (
        listing.with_list_basis(
            visible, user, unit_id=unit.pk if unit else None, on=today, units=units
        )
        .only(*LISTED_FIELDS)
        .order_by(F("recently_opened__opened_at").desc(), "-recently_opened__pk")[:RECENT_MAX]
    )
    overview_url = overview_url_maker()
    shown = list(persons)
    for person in shown:
        person.overview_url = overview_url(person.pk)
    return shown


def trim(user) -> None:
    """Keep USER's RECENT_MAX newest rows (one statement): the overview only adds, and only
    the newest are ever shown."""
    mine = RecentlyOpened.objects.filter(user=user)
    newest = mine.order_by("-opened_at", "-pk").values("pk")[:RECENT_MAX]
    mine.exclude(pk__in=newest).delete()
