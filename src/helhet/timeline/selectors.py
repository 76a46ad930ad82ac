"""The person's timeline: contacts, assessments, plan changes, referrals, consents, episodes,
drug tests and medication, newest first, each with the basis on which the user reads it.

A page costs one query per source (`sources.py`) plus one for the owners' names, however long
the history is: each source returns at most LIMIT + 1 rows older than the cursor, and once
LIMIT + 1 items are in hand only those newer than the oldest of them; the streams are merged in
Python and cut at LIMIT. Only the items shown pass through the policy's
`readable`, so the request's access-log row names the consent of what was disclosed.
Items the user may not read are never fetched: nothing on the page tells they exist.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from itertools import islice

from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helhet.access import policy
from helhet.access.models import Basis
from helhet.access.policy import EMERGENCY, Grant, PersonAccess
from helhet.contacts.selectors import decorate
from helhet.core.corrections import mark_reasons
from helhet.core.raw import ORGANISATIONS

from . import sources
from .cursor import Cursor
from .sources import Item

# The kinds a reader filters by, and the sources of each.
GROUPS = {
    "contacts": (_("Contacts"), (sources.contacts,)),
    "assessments": (_("Assessments"), (sources.assessments,)),
    "outcomes": (_("Outcomes"), (sources.outcomes,)),
    "plans": (
        _("Treatment plans and SIP"),
        (sources.plan_versions, sources.sip_versions, sources.sip_meetings),
    ),
    "referrals": (_("Referrals"), (sources.referrals,)),
    "consents": (_("Consents"), (sources.consents,)),
    "episodes": (_("Episodes"), (sources.episodes,)),
    "medication": (_("Drug tests and medication"), (sources.drug_tests, sources.dispensings)),
    "conference": (_("Team conference"), (sources.conference_decisions,)),
}
KINDS = (
    "contact",
    "assessment",
    "outcome",
    "plan_version",
    "sip_version",
    "sip_meeting",
    "referral",
    "consent_recorded",
    "consent_withdrawn",
    "episode_opened",
    "episode_reactivated",
    "episode_closed",
    "drug_test",
    "dispensing",
    "conference_decision",
)


@dataclass
class TimelinePage:
    items: list[Item]
    next_cursor: Cursor | None  # the "older items" link; None on the last page
    links: dict[str, str] = field(default_factory=dict)  # the person's pages the items link to
    words: dict[str, str] = field(default_factory=dict)  # the item templates' words (WORDS)


# The fixed words of the item templates (`{{ words.<name> }}`), translated once per page: a
# `{% translate %}` in each of 25 items costs about 9 µs a word, 0.7 ms a page.
WORDS = {
    "consent_recorded": _("Consent recorded"),
    "consent_withdrawn": _("Consent withdrawn"),
    "conference_decision": _("Decision at the team conference"),
    "coordination_within_the_unit": _("Coordination within the unit"),
    "corrected": _("Corrected"),
    "correction": _("Correction"),
    "earlier_versions": _("Earlier versions"),
    "episode_closed": _("Episode closed"),
    "episode_opened": _("Episode opened"),
    "episode_reactivated": _("Episode reactivated"),
    "incomplete": _("Incomplete"),
    "medication_handed_out": _("Medication handed out"),
    "next_follow_up": _("Next follow-up"),
    "no_coordination": _("No coordination"),
    "no_show": _("No-show"),
    "not_yet_agreed_by_the_person": _("Not yet agreed by the person."),
    "reason": _("Reason"),
    "reason_for_the_correction": _("Reason for the correction"),
    "reason_withheld": _("The reason is not shared with your organisation."),
    "referral_received": _("Referral received"),
    "review_date": _("Review date"),
    "sip_meeting": _("SIP meeting"),
    "the_consent": _("The consent in the person's history"),
    "the_contact_in_the_list": _("The contact in the list of contacts"),
    "the_dispensing_in_the_list": _("The dispensing in the list"),
    "the_drug_test_in_the_list": _("The drug test in the list"),
    "the_episode": _("The episode"),
    "the_meeting_in_the_sip": _("The meeting in the SIP"),
    "the_referral": _("The referral among the person's referrals"),
    "the_result_in_the_history": _("The result in the history of assessments"),
    "the_outcome_in_the_history": _("The outcome among the person's outcomes"),
    "the_person_agreed_on": _("The person agreed on"),
    "until_withdrawn": _("until withdrawn"),
    "valid": _("Valid"),
}


# The pages an item links to, by the name the item templates use: reversed once per page (a
# `{% url %}` in each of 50 items cost more than the rest of the item).
LINKS = {
    "contacts": "contacts:list",
    "assessments": "assessments:history",
    "outcomes": "outcomes:list",
    "history": "people:history",
    "medication": "contacts:medication",
    "plans": "plans:plans",
    "referrals": "intake:person_referrals",
    "sip": "plans:sip",
}


def timeline_page(
    access: PersonAccess,
    *,
    before: Cursor | None = None,
    kinds: list[str] | None = None,
    limit: int = 50,
) -> TimelinePage:
    """The LIMIT newest items older than BEFORE, of the KINDS (groups; all when empty), that
    the user may read, with the basis of each. A fixed number of queries."""
    merged: list[Item] = []
    for source in (source for group in (kinds or GROUPS) for source in GROUPS[group][1]):
        # Once LIMIT + 1 items are in hand, an item older than the oldest of them cannot be on
        # the page (nor tell that a next page exists): the sources asked later read only the
        # rows newer than it, not LIMIT + 1 rows each.
        floor = merged[limit].key if len(merged) > limit else None
        found = source(access, before, limit, floor)
        merged = list(islice(heapq.merge(merged, found, key=_key, reverse=True), limit + 1))
    shown = merged[:limit]
    next_cursor = shown[-1].key if len(merged) > limit else None
    person_id = access.person.pk
    return TimelinePage(
        items=_with_basis(access, shown),
        next_cursor=next_cursor,
        links={name: reverse(url, args=[person_id]) for name, url in LINKS.items()},
        words={name: str(word) for name, word in WORDS.items()},
    )


def _key(item: Item) -> Cursor:
    return item.key


def _with_basis(access: PersonAccess, items: list[Item]) -> list[Item]:
    """ITEMS through the policy (disclosures remembered for the log row), each with its grant
    and owner; contacts marked with the note and interventions the user may read."""
    shown = []
    for item in items:
        item.grant = (
            consent_grant(access, item)
            if item.category is None
            else _grant(access, item, item.category)
        )
        if item.grant is not None:
            shown.append(item)
    contacts = [i.record for i in shown if i.kind == "contact"]
    decorate(access, contacts, sources.interventions_of(contacts))
    corrected = ("drug_test", "dispensing", "assessment")
    mark_reasons(access, [i.record for i in shown if i.kind in corrected])
    sources.with_results([i.record for i in shown if i.kind == "drug_test"])
    owners = ORGANISATIONS.in_bulk(i.owner_id for i in shown)
    meta = _Meta()
    for item in shown:
        item.owner = owners.get(item.owner_id)
        item.when = _when(item)
        item.meta = meta(item)
    return shown


class _Meta:
    """Each item's line of where, whose and on what basis, its words translated once per page
    (in the template, 25 items' branches and translations cost about 2 ms)."""

    def __init__(self):
        self.emergency = format_html(
            '<span class="flag warn">{}</span>', gettext("Emergency access")
        )
        self.own = gettext("Own organisation")
        self.closed = gettext("Closed episode")
        # The message the template had, so that its translation stays.
        self.disclosed = gettext(
            'Disclosed under consent recorded <time datetime="%(date)s" class="nowrap">'
            "%(date)s</time>"
        )

    def __call__(self, item: Item) -> str:
        grant = item.grant
        assert grant is not None  # (set on every item shown)
        basis: str
        if grant.basis == Basis.EMERGENCY:
            basis = self.emergency
        elif grant.basis == Basis.CLOSED_EPISODE:
            basis = self.closed
        elif grant.basis == Basis.CONSENT and grant.consent:
            day = timezone.localtime(grant.consent.recorded_at).strftime("%Y-%m-%d")
            basis = mark_safe(self.disclosed % {"date": conditional_escape(day)})
        else:
            basis = self.own
        unit = item.unit.name if item.unit else ""
        owner = item.owner.name if item.owner else ""
        return format_html("{} · {} · {}", unit, owner, basis)


def _when(item: Item) -> str:
    """The item's time as the page shows it (local time): the date alone for a dated item."""
    local = timezone.localtime(item.at)
    if item.dated:
        day = local.strftime("%Y-%m-%d")
        return format_html('<time datetime="{}" class="nowrap">{}</time>', day, day)
    return format_html(
        '<time datetime="{}" class="nowrap">{}</time>',
        local.isoformat(),
        local.strftime("%Y-%m-%d %H:%M"),
    )


# The SIP's records are read by the policy's SIP rule (one joint plan), not as plan records.
SIP_KINDS = frozenset({"sip_version", "sip_meeting"})


def _grant(access: PersonAccess, item: Item, category: str) -> Grant | None:
    """The policy's grant for ITEM, remembered by `readable` when it is a disclosure."""
    if item.kind in SIP_KINDS:
        if not policy.readable_sip(access, [item.record], unit=lambda r: item.unit.pk):
            return None
        return policy.sip_grant(access, owner_id=item.owner_id, unit_id=item.unit.pk)
    if not access.readable(
        [item.record],
        category=category,
        owner=lambda r: item.owner_id,
        unit=lambda r: item.policy_unit_id,
    ):
        return None
    return access.grant_for(owner_id=item.owner_id, category=category, unit_id=item.policy_unit_id)


def consent_grant(access: PersonAccess, item: Item) -> Grant | None:
    """Why a consent shows (the rule of `visible_consents`): emergency access, recorded by the
    user's organisation, or the user's relationship at its unit."""
    if access.is_emergency:
        return EMERGENCY
    if item.owner_id == access.user.organisation_id:
        return access.own_grant
    return access.relationship_units.get(item.unit.pk)
