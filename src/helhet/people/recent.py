"""Recently opened: the persons whose overview the user opened lately, newest first.

The ids are kept in the session (up to RECENT_MAX); the list shows only those the user may
still see (`policy.visible_persons`: a membership removed, or a closed episode once its
reading window has passed, takes a person off it at once) and is logged as the search is,
one row naming each person shown.
"""

from django.utils import timezone

from helhet.access import listing, policy
from helhet.core.selectors import overview_url_maker

from .models import LISTED_FIELDS, Person

SESSION_KEY = "helhet_recently_opened"
RECENT_MAX = 8


def note_opened(request, person_id: int) -> None:
    """Put PERSON_ID first in the request's recently opened (the user may see the person)."""
    earlier = [i for i in request.session.get(SESSION_KEY, []) if i != person_id]
    request.session[SESSION_KEY] = [person_id, *earlier][:RECENT_MAX]


def recently_opened(request) -> list[Person]:
    """The persons of the session's list the user may still see, newest first, each with the
    `list_basis` the log records and its `overview_url`. One query."""
    ids = [i for i in request.session.get(SESSION_KEY, []) if isinstance(i, int)]
    user = request.user
    if not ids or not policy.is_clinical(user):
        return []
    today, units = timezone.localdate(), policy.member_units(request.memberships)
    unit = getattr(request, "unit", None)
    visible = policy.visible_persons(user, on=today, units=units).filter(pk__in=ids)
    persons = listing.with_list_basis(
        visible, user, unit_id=unit.pk if unit else None, on=today, units=units
    ).only(*LISTED_FIELDS)
    found = {p.pk: p for p in persons}
    overview_url = overview_url_maker()
    shown = [found[i] for i in ids if i in found]
    for person in shown:
        person.overview_url = overview_url(person.pk)
    return shown
