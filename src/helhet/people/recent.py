"""Recently opened: the persons whose overview the user opened lately, newest first.

Read from the access log, which has a row for every overview the user opened (`what`
"overview"): nothing is written for the list, and it outlives the session. It shows only those
the user may still see (`policy.visible_persons`: a membership removed, or a closed episode
once its reading window has passed, takes a person off it at once) and is logged as the search
is, one row naming each person shown.
"""

from django.db.models.functions import Now
from django.utils import timezone

from helhet.access import listing, policy
from helhet.access.models import AccessLogEntry
from helhet.core import raw
from helhet.core.selectors import overview_url_maker

from .models import LISTED_FIELDS, Person

RECENT_MAX = 8
# The user's latest overview rows read for the list (a person opened again and again counts once).
LOOK_BACK = 100


def recently_opened(request) -> list[Person]:
    """The persons whose overview the user opened last (up to RECENT_MAX) that they may still
    see, newest first, each with the `list_basis` the log records and its `overview_url`. Two
    queries: the user's latest overview rows (by the log's index on user and time), and the
    persons through the access rule."""
    user = request.user
    if not policy.is_clinical(user):
        return []
    opened = (
        AccessLogEntry.objects.filter(user=user, action="read", what="overview")
        .exclude(person=None)
        .order_by("-at", "-pk")
        .values_list("person_id", flat=True)[:LOOK_BACK]
    )
    ids = list(dict.fromkeys(opened))[:RECENT_MAX]
    if not ids:
        return []
    today, units = timezone.localdate(), policy.member_units(request.memberships)
    unit = getattr(request, "unit", None)
    unit_id = unit.pk if unit else None
    # The rule is built and compiled once per user, units, unit and day (`raw.compiled_once`,
    # as the search's), then read through the persons opened.
    rule = raw.compiled_once(
        ("recently opened", *policy.sql_key(user, on=today, units=units), unit_id),
        lambda: listing.with_list_basis(
            policy.visible_persons(user, on=today, units=units, at=Now()),
            user,
            unit_id=unit_id,
            on=today,
            units=units,
        ).only(*LISTED_FIELDS),
    )
    found = {p.pk: p for p in listing.persons_through(rule, ids)}
    overview_url = overview_url_maker()
    shown = [found[i] for i in ids if i in found]
    for person in shown:
        person.overview_url = overview_url(person.pk)
    return shown
