"""The first persons of the demo county, set up by hand so that every situation the demo shows
exists at any scale, and so that a new user can try the secrecy boundary by name.

The two headline logins are the region nurse Anna (anna.sjukskoterska) and Norrby's social
worker Sara (sara.socionom), both at the social-medicine clinic. The clinic persons below have
fixed names and identity numbers (test numbers: birth numbers 980-999; adults, so their ages fit
the clinic whatever the date); README.md names them. Keys of an entry:

- unit, history ("open", "closed", "reactivated": the return last calendar year), consent
  ("none", "active", "withdrawn", "expired"): as the random persons have them; since: how
  many days ago the open episode opened (else at random), so that its SIP has meetings last
  year at any scale;
- opener: who opened the episode (and is its case manager); team: the ACT team's two case
  managers, the first of whom opened it; members: more case-team members (role member);
- name, born, birth_number: a fixed name and identity number; relatives: how many relatives;
- disclose: the categories the opener's organisation discloses to the other one under the
  consent (else drawn at random, both ways);
- age, given_by, protected, coordination_number: for the minors and special cases;
- residence: the municipality code where the person lives (else Norrby, 9901): two of the ACT
  team's persons live in Västerby and Österby, so the follow-up by municipality shows a team
  serving several municipalities at any scale;
- laro: in the LARO group (daily dispensing); incomplete: the instrument whose latest form was
  saved incomplete. The named persons' journeys (journeys.py) are recorded by their owner
  organisation's staff only, so a consent discloses exactly what the README says.
"""

import datetime
from typing import Any

from helhet.access.models import Consent, RecordCategory
from helhet.people.identity import make_personnummer

ENROLMENT, RELATIVES = RecordCategory.ENROLMENT.value, RecordCategory.RELATIVES.value
ASSESSMENTS, CONTACTS = RecordCategory.ASSESSMENTS.value, RecordCategory.CONTACTS.value
PLANS = RecordCategory.PLANS.value

SHOWCASE: list[dict[str, Any]] = [
    # Region-owned, consent to coordination and to disclose relatives, assessments, contacts
    # and plans but not record notes: Anna sees everything as the owner; Sara (on the case
    # team) sees the person, the relatives, the AUDIT and DUDIT, the contacts and the SIP under
    # the consent, but not the contacts' notes.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "anna.sjukskoterska",
        "members": ("sara.socionom",),
        "consent": "active",
        "disclose": (ENROLMENT, RELATIVES, ASSESSMENTS, CONTACTS, PLANS),
        "name": ("Greta", "Ahlgren"),
        "born": datetime.date(1978, 3, 14),
        "birth_number": 980,
        "relatives": 2,
    },
    # Region-owned without consent: only the region's staff find the person. In the LARO group
    # (daily dispensing, drug tests); his latest DUDIT was saved incomplete.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "anna.sjukskoterska",
        "consent": "none",
        "name": ("Bertil", "Ståhl"),
        "born": datetime.date(1965, 9, 2),
        "birth_number": 981,
        "relatives": 1,
        "laro": True,
        "incomplete": "dudit",
    },
    # Norrby-owned, consent to coordination but to no disclosure of relatives: Anna (on the
    # case team) sees the person and the episode, not the relatives, assessments or contacts
    # Norrby's staff recorded.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "sara.socionom",
        "members": ("anna.sjukskoterska",),
        "consent": "active",
        "disclose": (ENROLMENT,),
        "name": ("Siv", "Rosén"),
        "born": datetime.date(1991, 11, 27),
        "birth_number": 982,
        "relatives": 2,
    },
    # Norrby-owned without consent: only Norrby's staff find the person.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "sara.socionom",
        "consent": "none",
        "name": ("Dennis", "Hellström"),
        "born": datetime.date(1983, 5, 8),
        "birth_number": 983,
        "relatives": 1,
    },
    # A withdrawn consent ends what it gave: Sara no longer finds the person.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "anna.sjukskoterska",
        "consent": "withdrawn",
        "name": ("Inger", "Nordin"),
        "born": datetime.date(1972, 1, 19),
        "birth_number": 984,
    },
    # So does an expired one: Anna no longer finds the person.
    {
        "unit": "clinic",
        "history": "open",
        "opener": "sara.socionom",
        "consent": "expired",
        "name": ("Rune", "Sundqvist"),
        "born": datetime.date(1958, 6, 30),
        "birth_number": 985,
    },
    {
        "unit": "mini_maria",
        "history": "open",
        "age": 15,
        "consent": "active",
        "given_by": Consent.GivenBy.GUARDIAN,
    },
    {
        "unit": "mini_maria",
        "history": "open",
        "age": 14,
        "consent": "active",
        "given_by": Consent.GivenBy.GUARDIANS,
    },
    {
        "unit": "mini_maria",
        "history": "open",
        "age": 16,
        "consent": "active",
        "given_by": Consent.GivenBy.MATURE_MINOR,
        "since": 400,
    },
    # The ACT team: Anna and Sara are the case managers, the team's coordinator Eva a member.
    {
        "unit": "act",
        "history": "open",
        "team": ("anna.sjukskoterska", "sara.socionom"),
        "members": ("eva.samordnare",),
        "consent": "active",
        "since": 500,
    },
    # Linnea is on the case team, but the region opened the episode and there is no consent:
    # being on the team is not enough, Linnea does not find the person.
    {
        "unit": "act",
        "history": "open",
        "team": ("anna.sjukskoterska", "linnea.casemanager"),
        "consent": "none",
        "residence": "9903",
    },
    {"unit": "act", "history": "reactivated", "consent": "active", "residence": "9904"},
    {
        "unit": "clinic",
        "history": "reactivated",
        "opener": "anna.sjukskoterska",
        "consent": "active",
    },
    {"unit": "clinic", "history": "closed", "opener": "sara.socionom", "consent": "expired"},
    {
        "unit": "clinic",
        "history": "open",
        "opener": "anna.sjukskoterska",
        "consent": "active",
        "protected": True,
    },
    {
        "unit": "clinic",
        "history": "open",
        "opener": "sara.socionom",
        "consent": "active",
        "coordination_number": True,
    },
]


def identity_number(show: dict) -> str | None:
    """The fixed identity number of a showcase person, if it has one."""
    if "born" not in show:
        return None
    return make_personnummer(show["born"], show["birth_number"])


def formatted(number: str) -> str:
    return f"{number[:8]}-{number[8:]}"


# What the two headline logins see of the named persons (printed by `helhet demo`).
_SEES = [
    "Anna's: Anna sees all; Sara sees the person, relatives, AUDIT/DUDIT, contacts and the SIP "
    "under the consent, but not the contacts' notes",
    "Anna's, no consent: Sara cannot find the person",
    "Sara's: Sara sees all; Anna sees the person and episode, not the relatives, assessments "
    "or contacts (not disclosed)",
    "Sara's, no consent: Anna cannot find the person",
]


def hints(persons: int) -> str:
    """Who to look up to see the secrecy boundary, for the persons loaded."""
    lines = [
        "Try the secrecy boundary at Socialmedicinska mottagningen Norrby: log in as",
        "anna.sjukskoterska, then as sara.socionom, and search for",
    ]
    for show, sees in zip(SHOWCASE[: min(persons, len(_SEES))], _SEES, strict=False):
        given, family = show["name"]
        lines.append(f"  {given} {family} {formatted(identity_number(show) or '')}: {sees}")
    return "\n".join(lines) if len(lines) > 2 else ""
