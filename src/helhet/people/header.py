"""The person header: who the page is about, shown at the top of every person page.

Built from the `PersonAccess` the page already has (`policy.person_access`): name, number,
age, protected identity (marked; the details stay behind `contact_details`), each open episode
at the user's units with its case managers and the coordination consent there, and the
warnings in force the user may read. Two queries whatever the history: the warnings, and the
case managers of the episodes shown (none without one).
"""

import datetime
from dataclasses import dataclass

from helhet.access.policy import PersonAccess, consent_is_active
from helhet.alerts.models import Alert
from helhet.alerts.selectors import active_alerts
from helhet.care.models import CaseTeamMember, Episode
from helhet.reminders.due import CONSENT_EXPIRY_AHEAD

from .identity import age_on
from .selectors import with_team_rows


@dataclass(frozen=True)
class CoordinationConsent:
    """The coordination consent at one unit, as the header names it."""

    state: str  # "in_force", "expiring" (ends within CONSENT_EXPIRY_AHEAD) or "none"
    valid_until: datetime.date | None = None


@dataclass(frozen=True)
class HeaderEpisode:
    unit: str
    opened_on: datetime.date
    case_managers: list[str]
    consent: CoordinationConsent


@dataclass(frozen=True)
class PersonHeader:
    access: PersonAccess
    age: int
    episodes: list[HeaderEpisode]
    alerts: list[Alert]
    may_add_alert: bool

    @property
    def person(self):
        return self.access.person


def person_header(access: PersonAccess) -> PersonHeader:
    """The header of ACCESS.person for ACCESS.user (read through ACCESS: `readable`)."""
    episodes = [
        e for e in access.visible_episodes() if e.is_open and e.unit_id in access.member_roles
    ]
    managers = _case_managers(episodes)
    unit_id = access.unit_id
    return PersonHeader(
        access=access,
        age=age_on(access.person.birth_date, access.today),
        episodes=[
            HeaderEpisode(
                unit=e.unit.name,
                opened_on=e.opened_on,
                case_managers=managers.get(e.pk, []),
                consent=coordination_consent(access, e.unit_id),
            )
            for e in episodes
        ],
        alerts=active_alerts(access),
        may_add_alert=unit_id is not None and access.may_act_at(unit_id),
    )


def read_header(access: PersonAccess) -> None:
    """Read the header before the page's log row (`policy.PAGE_READS`), once per request."""
    if "header" not in access.page:
        access.page["header"] = person_header(access)


def coordination_consent(access: PersonAccess, unit_id: int) -> CoordinationConsent:
    """The state of the person's coordination consent at UNIT_ID, of those USER may see."""
    for consent in access.visible_consents():
        if (
            consent.unit_id == unit_id
            and consent.coordination
            and consent_is_active(consent, access.today)
        ):
            ends = consent.valid_until
            expiring = ends is not None and ends - access.today <= CONSENT_EXPIRY_AHEAD
            return CoordinationConsent("expiring" if expiring else "in_force", ends)
    return CoordinationConsent("none")


def _case_managers(episodes: list[Episode]) -> dict[int, list[str]]:
    """The case managers of EPISODES by episode id, "name (organisation)", from their case
    teams: loaded already by the overview (`with_team_rows`), else in one query (none when
    there are no episodes)."""
    with_team_rows([e for e in episodes if getattr(e, "team", None) is None])
    return {
        e.pk: [
            _named(m.name, m.organisation)
            for m in e.team
            if m.role == CaseTeamMember.Role.CASE_MANAGER
        ]
        for e in episodes
    }


def _named(name: str, organisation: str) -> str:
    return f"{name} ({organisation})" if organisation else name
