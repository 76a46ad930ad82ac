"""What a consent at a unit may cover for one person: the directions of disclosure that apply,
the presets of the consent form, and whether guardians take part (a minor).

One place for these rules: the consent form offers what they allow, and
`actions.consent_record` refuses anything else, however it was posted.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Organisation, Unit
from helhet.people.identity import age_on
from helhet.people.models import Person

from .models import RecordCategory
from .policy import PersonAccess

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ADULT_AGE = 18

Disclosure = tuple[int, int, str]  # (from organisation id, to organisation id, category)


def is_minor(person: Person, on: datetime.date) -> bool:
    """Is PERSON under 18 on ON (the consent's first day): then guardians take part."""
    return age_on(person.birth_date, on) < ADULT_AGE


# --- Directions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Direction:
    """One organisation of the unit may disclose records to another."""

    source: Organisation
    target: Organisation

    @property
    def key(self) -> tuple[int, int]:
        return self.source.pk, self.target.pk

    @property
    def field_name(self) -> str:
        """The consent form's field of this direction's categories."""
        return f"disclose_{self.source.pk}_{self.target.pk}"


def consent_directions(access: PersonAccess, unit: Unit) -> list[Direction]:
    """The directions a consent of the person at UNIT may disclose in.

    Between the organisations running UNIT that are involved with the person: every one that
    is not a municipality (the region's health care serves every resident), and of the
    municipalities the person's home municipality, the owner of an episode of the person at
    UNIT that the user may see, and the user's own. Where none of the municipalities is known
    to be involved (no home municipality recorded, and only the region's episodes), each of
    them may be, but no direction goes between two of them.
    """
    organisations = list(unit.organisations.order_by("name", "pk"))
    municipal = [o for o in organisations if o.kind == Organisation.Kind.MUNICIPALITY]
    involved = _involved(access, unit, municipal)
    applying = [o for o in organisations if o not in municipal or o in involved or not involved]

    def applies(source: Organisation, target: Organisation) -> bool:
        between_municipalities = source in municipal and target in municipal
        return source != target and (not between_municipalities or bool(involved))

    return [Direction(a, b) for a in applying for b in applying if applies(a, b)]


def _involved(access: PersonAccess, unit: Unit, municipal: list[Organisation]) -> set:
    """The municipal organisations of UNIT involved with the person (see `consent_directions`)."""
    episodes = {e.organisation_id for e in access.visible_episodes() if e.unit_id == unit.pk}
    home = access.person.municipality_id
    return {
        o
        for o in municipal
        if (home is not None and o.municipality_id == home)
        or o.pk in episodes
        or o.pk == access.user.organisation_id
    }


# --- Presets -----------------------------------------------------------------------------------


class Preset(models.TextChoices):
    """What the person consents to, in one choice; the grid of directions only with CHOOSE."""

    COORDINATION = "coordination", _("Everything needed for coordination")
    COORDINATION_ONLY = "coordination_only", _("Nothing but coordination")
    CHOOSE = "choose", _("Choose myself")


# What the unit's organisations need of each other's records to coordinate the person's care
# and support (DOMAIN.md; seeds 000 and 001: the units ask each person for one consent "so that
# secrecy need not be thought of"): every kind but the record notes, the free text each
# authority writes for its own work, which stays behind its own secrecy unless chosen.
COORDINATION_CATEGORIES: tuple[str, ...] = tuple(
    c for c in RecordCategory.values if c != RecordCategory.NOTES
)


def preset_content(preset: str, directions: list[Direction]) -> tuple[bool, list[Disclosure]]:
    """(coordination, disclosures) of PRESET (not CHOOSE) over DIRECTIONS."""
    if preset == Preset.COORDINATION:
        return True, [(*d.key, c) for d in directions for c in COORDINATION_CATEGORIES]
    if preset == Preset.COORDINATION_ONLY:
        return True, []
    raise ValueError(f"no preset content for {preset!r}")


# What each kind of record means, in the words of the consent form the person signs.
PLAIN_CATEGORIES: dict[str, "StrOrPromise"] = {
    RecordCategory.ENROLMENT: _("that I am enrolled at the unit, and who works with me"),
    RecordCategory.RELATIVES: _("who my relatives are, and how they take part"),
    RecordCategory.CONTACTS: _("my visits and contacts, and the help I get"),
    RecordCategory.ASSESSMENTS: _("my answers and results on the AUDIT and DUDIT forms"),
    RecordCategory.PLANS: _("my treatment plans and my coordinated individual plan (SIP)"),
    RecordCategory.MEDICATION: _("my medicines and my drug test results"),
    RecordCategory.NOTES: _("what the staff write in my records"),
}
