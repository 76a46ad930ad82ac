"""Consultation across the boundary (issue 17, item 6): the parties' contact persons at a unit
and consultation requests between the parties, who may see and act on one, its deadline and
the person's identity through the access layer.

Contact persons: every member of staff of a unit reads them (so they know whom to ask); a
party's managers and coordinators at the unit keep their own party's (`may_keep_contacts`).

Who may see a consultation (deny by default, "not found" otherwise):
- the member of staff who asked it;
- the contact person it is addressed to;
- the addressed party's managers and coordinators at one of the agreement's units (they answer
  for the party's function, and for a contact person who is away).
Not the asking party's other staff: a question about a person is part of the asker's work with
them, and a colleague without a care relationship has no need to read it (inre sekretess, PDL
4 kap.). Not the steering group: an unanswered consultation reaches it as a deviation
(`Deviation.Category.UNANSWERED`, reported in one click by the asker once it is overdue).

The person is named only on the consultation's own page and only to whom
`policy.identity_grant` allows (the asking party; the addressed party under a consent
disclosing the enrolment), each read logged; otherwise "a person (identity held by <asking
party>)", and the question must be answerable without the identity.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from helhet.access import log
from helhet.core.models import Membership, Unit, User
from helhet.followup.access import FOLLOW_UP_ROLES
from helhet.people.models import Person

from . import access, deviations
from .models import AgreementVersion, Consultation, ContactPerson

Status = Consultation.Status


def answer_by(version: AgreementVersion, day: datetime.date) -> datetime.date:
    """The deadline of a consultation asked on DAY under VERSION."""
    return day + datetime.timedelta(days=version.consultation_answer_days)


# --- contact persons -------------------------------------------------------------------------


def contact_units(user: User) -> QuerySet[Unit]:
    """The units whose contact persons USER reads: where USER is a member, and the units of the
    agreements USER reads (a steering-group member's)."""
    if not (user.is_authenticated and user.is_active):
        return Unit.objects.none()
    member = Q(memberships__user=user)
    agreements = Q(agreements__in=access.readable_agreements(user).values("pk"))
    return Unit.objects.filter(Q(agreements__isnull=False) & (member | agreements)).distinct()


def contacts(units) -> QuerySet[ContactPerson]:
    """The contact persons at UNITS, by unit, party and function."""
    return ContactPerson.objects.filter(unit__in=units).select_related("unit", "party", "user")


def may_keep_contacts(user: User, unit: Unit | None) -> bool:
    """A manager or coordinator at UNIT, staff of a party of the unit's agreement in force."""
    version = deviations.version_in_force(unit)
    return (
        unit is not None
        and version is not None
        and user.organisation_id is not None
        and version.parties.filter(pk=user.organisation_id).exists()
        and Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES).exists()
    )


def party_staff(user: User, unit: Unit) -> QuerySet[User]:
    """Who may be named a contact person of USER's party at UNIT: its staff there."""
    if user.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True, organisation_id=user.organisation_id, memberships__unit=unit
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def contact_or_404(user: User, contact_id: int) -> ContactPerson:
    """A contact person USER keeps (own party, at a unit USER manages); else Http404."""
    found = (
        ContactPerson.objects.filter(pk=contact_id, party_id=user.organisation_id)
        .select_related("unit")
        .first()
    )
    if found is None or not may_keep_contacts(user, found.unit):
        raise Http404
    return found


# --- consultations ---------------------------------------------------------------------------


def addressable_contacts(user: User, unit: Unit | None) -> QuerySet[ContactPerson]:
    """The contact persons USER may address at UNIT: the other parties' of its agreement."""
    version = deviations.version_in_force(unit)
    if version is None:
        return ContactPerson.objects.none()
    return contacts([unit]).filter(party__in=deviations.addressable(user, version))


def visible(user: User) -> QuerySet[Consultation]:
    """The consultations USER may see (the module's rule), newest first."""
    if not (user.is_authenticated and user.is_active):
        return Consultation.objects.none()
    addressed = deviations.addressed_to_manager(user)
    ids = Consultation.objects.filter(Q(asked_by=user) | Q(contact=user) | addressed).values("pk")
    return Consultation.objects.filter(pk__in=ids).select_related(
        "unit", "asking_party", "addressed_to", "contact"
    )


def consultation_or_404(user: User, consultation_id: int) -> Consultation:
    found = (
        visible(user)
        .filter(pk=consultation_id)
        .select_related("agreement", "person", "asked_by", "answered_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def may_answer(user: User, consultation: Consultation) -> bool:
    """The contact person asked, or a manager or coordinator of the addressed party at one of
    the agreement's units."""
    if consultation.contact_id is not None and consultation.contact_id == user.pk:
        return True
    return (
        user.organisation_id is not None
        and consultation.addressed_to_id == user.organisation_id
        and access.manages(user, consultation.agreement)
    )


def may_close(user: User, consultation: Consultation) -> bool:
    """The asker closes the consultation (answered, or no longer needed)."""
    return consultation.asked_by_id == user.pk


def identity(actor: log.Actor, consultation: Consultation) -> Person | None:
    """The consultation's person as ACTOR may be told who they are (`deviations.named`): one
    log row on the grant's basis. None: no person, or the asking party holds the identity."""
    return deviations.named(
        actor,
        person=consultation.person,
        owner_id=consultation.asking_party_id,
        unit_id=consultation.unit_id,
        what="consultation",
    )
