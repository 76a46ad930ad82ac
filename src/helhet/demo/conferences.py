"""The ACT team's conferences in the demo county (the team meets twice a week, seed 001): one
held three days ago with its decisions, and the next two, the first with persons to discuss.
Each item is brought by the person's case manager (the opener of the episode) and owned by
their organisation."""

import datetime

from django.utils import timezone

from helhet.care.models import Episode
from helhet.conference.models import Conference, ConferenceItem

from .county import County

REASONS = (
    "Återfall i alkohol efter flytten, behöver ny plan.",
    "Missade två hembesök: hur når vi honom?",
    "Vill trappa ned sin medicin, läkaren behöver ta ställning.",
    "Hotad av vräkning, kontakt med socialtjänstens boendestöd.",
)
DECISIONS = (
    "Tätare hembesök de kommande två veckorna; SIP-möte bokas.",
    "Case manager kontaktar anhörig med personens samtycke.",
    "Läkaren träffar personen nästa vecka innan beslut.",
    "Ansökan om boendestöd skickas; följs upp på nästa konferens.",
)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def add_conferences(county: County, *, today: datetime.date) -> list[Conference]:
    """Three conferences of the ACT team with items for its first persons with an open episode."""
    unit = county.units["act"]
    episodes = list(
        Episode.objects.filter(unit=unit, closed_on__isnull=True)
        .select_related("opened_by")
        .order_by("person_id")[: len(REASONS)]
    )
    if not episodes:
        return []
    first = episodes[0].opened_by
    days = ((-3, 13), (1, 13), (4, 13))  # Monday and Thursday, roughly
    held, coming, later = (
        Conference.objects.create(
            unit=unit, starts_at=_at(today + datetime.timedelta(days=d), h), created_by=first
        )
        for d, h in days
    )
    items = []
    for position, (episode, reason, decision) in enumerate(
        zip(episodes, REASONS, DECISIONS, strict=False)
    ):
        by = episode.opened_by
        common = {
            "person_id": episode.person_id,
            "unit": unit,
            "organisation_id": by.organisation_id,
            "reason": reason,
            "brought_by": by,
            "created_by": by,
            "position": position,
        }
        items.append(
            ConferenceItem(
                conference=held,
                status=ConferenceItem.Status.DISCUSSED,
                decision=decision,
                decision_organisation_id=by.organisation_id,
                decided_by=by,
                decided_at=held.starts_at + datetime.timedelta(minutes=10 * (position + 1)),
                **common,
            )
        )
        items.append(ConferenceItem(conference=coming, **common))
    ConferenceItem.objects.bulk_create(items)
    return [held, coming, later]
