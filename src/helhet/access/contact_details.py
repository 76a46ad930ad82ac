"""Protected identity (skyddade personuppgifter): who sees the details that locate a person.

The one rule, asked by every page, document and export that could show an address, a postal
code, a city, a telephone number or an e-mail address of a person:

- a person (or a referral) without protected identity: everyone who may read it sees them;
- with protected identity: only the roles of `HELHET_PROTECTED_IDENTITY_ROLES` (default the
  coordinator), at a unit where the viewer has a care relationship with the person. A referral
  not yet linked to a person is judged at the referral's unit; once linked, the person's rule
  holds (their protected identity, or the referral's own mark).
- Relatives of a protected person: their telephone and e-mail are hidden by the same rule, since
  they often live with the person or know where the person lives. Their names stay visible.
- Emergency access gives no relationship, so it never shows a protected person's details.

`contact_details(subject, viewer)` builds what a page shows; the template tag
`{% contact_details subject viewer %}` (templatetags/contact_details.py) renders it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Membership

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from helhet.intake.models import Referral
    from helhet.people.models import Person

    from .policy import PersonAccess


def allowed_roles() -> list[str]:
    """The membership roles that see protected contact details (read at each call)."""
    return list(getattr(settings, "HELHET_PROTECTED_IDENTITY_ROLES", [Membership.Role.COORDINATOR]))


def may_see_contact_details(
    *, protected: bool, roles: Mapping[int, str], units: Iterable[int]
) -> bool:
    """THE rule: details of a PROTECTED subject only to an allowed role (ROLES: the viewer's
    role per unit) at one of UNITS (where the viewer has a relationship with the person, or
    the unlinked referral's unit)."""
    if not protected:
        return True
    allowed = allowed_roles()
    return any(roles.get(unit_id) in allowed for unit_id in units)


def person_details_shown(access: PersonAccess) -> bool:
    """May the viewer of ACCESS see the person's (and their relatives') contact details?"""
    return may_see_contact_details(
        protected=access.person.protected_identity,
        roles=access.member_roles,
        units=access.relationship_units,
    )


def may_see_protected_details(access: PersonAccess) -> bool:
    """May the viewer of ACCESS see the details of a protected person (whether or not the
    person is protected now)? Who sets or lifts the protection, and who sees what was recorded
    while it was in force."""
    return may_see_contact_details(
        protected=True, roles=access.member_roles, units=access.relationship_units
    )


def referral_is_protected(referral: Referral, access: PersonAccess | None) -> bool:
    person = access.person if access is not None else None
    return referral.protected_identity or bool(person and person.protected_identity)


def referral_details_shown(
    referral: Referral, *, roles: Mapping[int, str], access: PersonAccess | None
) -> bool:
    """May the viewer see the contact details typed into REFERRAL (the person's, and the
    referrer's, which may be a relative's)? ROLES: the viewer's role per unit; ACCESS: the
    person access when the referral is linked to a person (then the person's rule holds)."""
    protected = referral_is_protected(referral, access)
    if access is not None:  # a referral marked protected stays so, whatever the person's mark
        return may_see_contact_details(
            protected=protected, roles=access.member_roles, units=access.relationship_units
        )
    return may_see_contact_details(protected=protected, roles=roles, units=[referral.unit_id])


def roles_of(request) -> dict[int, str]:
    """The request user's role at each of their units (the memberships the middleware loaded)."""
    return {m.unit_id: m.role for m in getattr(request, "memberships", None) or []}


@dataclass(frozen=True)
class ContactDetails:
    """What a page shows of a subject's contact details: ROWS of (label, value), or nothing
    and HIDDEN when the subject is protected and the viewer not allowed."""

    protected: bool
    hidden: bool
    rows: list[tuple[StrOrPromise, str]] = field(default_factory=list)


def _person_rows(person: Person) -> list[tuple[StrOrPromise, str]]:
    place = " ".join(p for p in (person.postal_code, person.city) if p)
    address = ", ".join(p for p in (person.address, place) if p)
    return [
        (_("Address"), address or "–"),
        (_("Phone"), person.phone or "–"),
        (_("Email"), person.email or "–"),
    ]


def _referral_rows(referral: Referral) -> list[tuple[StrOrPromise, str]]:
    rows: list[tuple[StrOrPromise, str]] = []
    if referral.contact:
        rows.append((_("How to reach the person"), referral.contact))
    if referral.referrer_contact:
        rows.append((_("Referrer's contact details"), referral.referrer_contact))
    return rows


def for_person(access: PersonAccess) -> ContactDetails:
    protected = access.person.protected_identity
    if not person_details_shown(access):
        return ContactDetails(protected=protected, hidden=True)
    return ContactDetails(protected=protected, hidden=False, rows=_person_rows(access.person))


def for_referral(
    referral: Referral, *, roles: Mapping[int, str], access: PersonAccess | None
) -> ContactDetails:
    protected = referral_is_protected(referral, access)
    if not referral_details_shown(referral, roles=roles, access=access):
        has_any = bool(referral.contact or referral.referrer_contact)
        return ContactDetails(protected=protected, hidden=has_any)
    return ContactDetails(protected=protected, hidden=False, rows=_referral_rows(referral))


def contact_details(subject, *, roles: Mapping[int, str], access: PersonAccess | None = None):
    """What to show of SUBJECT's contact details: a `PersonAccess` (the person, for its user)
    or a `Referral` (ROLES: the viewer's role per unit; ACCESS when it is linked)."""
    from helhet.intake.models import Referral

    from .policy import PersonAccess

    if isinstance(subject, PersonAccess):
        return for_person(subject)
    if isinstance(subject, Referral):
        return for_referral(subject, roles=roles, access=access)
    raise TypeError(f"no contact details for {type(subject).__name__}")
