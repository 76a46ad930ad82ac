"""Writes of consultation across the boundary: a party's contact persons at a unit (kept by its
managers and coordinators there), and a consultation asked by a member of staff, answered by
the addressed party, closed by the asker, or, unanswered past its deadline, reported as a
deviation in one click (`consultations.py` has who may). Keyword-only and atomic, else
ValidationError, and nothing is saved. Only a consultation about a person names one: asking
it is logged (`record_access`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.core.models import User

from . import actions, consultations, deviations
from .models import Consultation, ContactPerson, Deviation


@transaction.atomic
def contact_add(*, actor: Actor, user, function: str) -> ContactPerson:
    """USER, staff of ACTOR's party at ACTOR's unit, named its contact person for FUNCTION."""
    keeper, unit = actor.user, actor.unit
    if unit is None or not consultations.may_keep_contacts(keeper, unit):
        raise ValidationError(
            _("Only a manager or coordinator of a party at the unit keeps its contact persons.")
        )
    pk = user if isinstance(user, int) else user.pk
    person = consultations.party_staff(keeper, unit).filter(pk=pk).first()
    if person is None:
        raise ValidationError({"user": _("Choose a member of your organisation's staff here.")})
    function = function.strip()
    if not function:
        raise ValidationError({"function": _("Name the function, e.g. contact for psychiatry.")})
    contact, _created = ContactPerson.objects.update_or_create(
        unit=unit,
        party_id=keeper.organisation_id,
        user=person,
        defaults={"function": function, "recorded_by": keeper, "recorded_at": timezone.now()},
    )
    return contact


@transaction.atomic
def contact_remove(*, user: User, contact_id: int) -> None:
    """A contact person removed by a keeper of the party's contact persons at the unit."""
    found = ContactPerson.objects.select_for_update().filter(pk=contact_id).first()
    if found is None or found.party_id != user.organisation_id:
        raise ValidationError(_("There is no such contact person."))
    if not consultations.may_keep_contacts(user, found.unit):
        raise ValidationError(
            _("Only a manager or coordinator of a party at the unit keeps its contact persons.")
        )
    found.delete()


@transaction.atomic
def consultation_ask(
    *,
    actor: Actor,
    access: PersonAccess | None = None,
    addressed_to,
    contact=None,
    question: str,
) -> Consultation:
    """A consultation asked by ACTOR's user at ACTOR's unit of another party of the unit's
    agreement in force (ADDRESSED_TO: its CONTACT person, or with none its function), to be
    answered within the agreement's days. About ACCESS's person when given: the asker must act
    for them at the unit; asking is logged."""
    user, unit = actor.user, actor.unit
    if unit is None or user.organisation_id is None or not deviations.may_report(user, unit):
        raise ValidationError(_("Only staff at a unit may ask for a consultation."))
    version = deviations.version_in_force(unit)
    if version is None:
        raise ValidationError(_("The unit has no agreement in force to consult under."))
    if access is not None and not access.may_act_at(unit.pk):
        raise ValidationError(_("You may ask about a person only if you work with them here."))
    party_id = addressed_to if isinstance(addressed_to, int) else addressed_to.pk
    party = deviations.addressable(user, version).filter(pk=party_id).first()
    if party is None:
        raise ValidationError({"addressed_to": _("Choose another party to the agreement.")})
    found = None
    if contact is not None:
        contact_id = contact if isinstance(contact, int) else contact.pk
        found = consultations.addressable_contacts(user, unit).filter(pk=contact_id).first()
        if found is None or found.party_id != party.pk:
            raise ValidationError(
                {"contact": _("Choose a contact person of the party addressed, or none.")}
            )
    question = question.strip()
    if not question:
        raise ValidationError({"question": _("Write the question.")})
    consultation = Consultation.objects.create(
        agreement=version.agreement,
        unit=unit,
        asked_by=user,
        asking_party_id=user.organisation_id,
        addressed_to=party,
        contact=found.user if found else None,
        function=found.function if found else _("The party's managers and coordinators"),
        question=question,
        person=access.person if access is not None else None,
        answer_by=consultations.answer_by(version, timezone.localdate()),
    )
    if access is not None:
        record_access(actor, access, action="write", what="consultation asked")
    return consultation


def _consultation(user: User, consultation_id: int) -> Consultation:
    visible = consultations.visible(user)
    return actions.locked(visible, consultation_id, _("There is no such consultation."))


@transaction.atomic
def consultation_answer(*, user: User, consultation_id: int, answer: str) -> Consultation:
    """The addressed contact person's (or party's) answer."""
    consultation = _consultation(user, consultation_id)
    if not consultations.may_answer(user, consultation):
        raise ValidationError(
            _("Only the contact person or a manager or coordinator of the party may answer.")
        )
    if consultation.status != Consultation.Status.ASKED:
        raise ValidationError(_("The consultation is not waiting for an answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    consultation.answer, consultation.answered_by = answer.strip(), user
    consultation.answered_at, consultation.status = timezone.now(), Consultation.Status.ANSWERED
    consultation.save()
    return consultation


@transaction.atomic
def consultation_close(*, user: User, consultation_id: int) -> Consultation:
    """The asker closes the consultation: answered, or no longer needed."""
    consultation = _consultation(user, consultation_id)
    if not consultations.may_close(user, consultation):
        raise ValidationError(_("Only the asker may close the consultation."))
    if consultation.status == Consultation.Status.CLOSED:
        raise ValidationError(_("The consultation is already closed."))
    consultation.status, consultation.closed_on = Consultation.Status.CLOSED, timezone.localdate()
    consultation.save()
    return consultation


@transaction.atomic
def consultation_report_unanswered(*, actor: Actor, consultation_id: int) -> Deviation:
    """The asker reports an overdue consultation as a deviation ("unanswered referral or
    consultation") to the addressed party's function, in one step; the consultation keeps
    waiting for its answer. The deviation names no person: the consultation does."""
    consultation = _consultation(actor.user, consultation_id)
    if not consultations.may_close(actor.user, consultation):
        raise ValidationError(_("Only the asker may report the consultation as a deviation."))
    if not consultation.overdue:
        raise ValidationError(_("Only an unanswered consultation past its deadline."))
    if consultation.deviation_id is not None:
        raise ValidationError(_("The consultation is already reported as a deviation."))
    if actor.unit is None or actor.unit.pk != consultation.unit_id:
        raise ValidationError(_("Report it at the unit where it was asked."))
    deviation = actions.deviation_report(
        actor=actor,
        addressed_to=consultation.addressed_to_id,
        function=consultation.function,
        category=Deviation.Category.UNANSWERED,
        happened_on=consultation.answer_by,
        description=_(
            "A consultation asked on %(asked)s was not answered by %(by)s (consultation %(id)s)."
        )
        % {
            "asked": timezone.localdate(consultation.asked_at).isoformat(),
            "by": consultation.answer_by.isoformat(),
            "id": consultation.pk,
        },
    )
    consultation.deviation = deviation
    consultation.save(update_fields=["deviation"])
    return deviation
