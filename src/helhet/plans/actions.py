"""Writes on treatment plans and the SIP: each save is a new, immutable version.

Every action is atomic and writes its access-log row in the same transaction; bad input raises
ValidationError and leaves nothing saved. The SIP is made at the actor's unit and only while the
person's active consent there covers coordination (SoL 2 kap. 7 §: "om den enskilde samtycker").
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.core.models import Membership, Organisation, Unit
from helhet.core.versions import check_based_on

from .models import (
    PlanItem,
    PlanVersion,
    Sip,
    SipIntervention,
    SipMeasure,
    SipMeeting,
    SipVersion,
    TreatmentPlan,
)

PLANS = RecordCategory.PLANS


# --- Shared checks ------------------------------------------------------------------------


def acting_unit(actor: Actor, access: PersonAccess) -> Unit:
    """The actor's unit, where they have a relationship with the person; else refuse."""
    unit = actor.unit
    if unit is None or not access.may_act_at(unit.pk):
        raise ValidationError(_("You may not write for this person at your active unit."))
    return unit


def require_sip_consent(access: PersonAccess, unit: Unit):
    """The active coordination consent at UNIT, which a SIP needs; else refuse."""
    consent = access.coordination_consent(unit.pk)
    if consent is None:
        raise ValidationError(
            _(
                "A SIP needs the person's consent to coordination at %(unit)s. "
                "Record the consent first."
            )
            % {"unit": unit}
        )
    return consent


def _member_ids(unit: Unit, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.filter(unit=unit, user_id__in=set(user_ids)).values_list(
            "user_id", flat=True
        )
    )


def _check_not_future(day: datetime.date | None, field: str, message: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: message})


# --- SIP ----------------------------------------------------------------------------------


@transaction.atomic
def sip_version_create(
    *,
    actor: Actor,
    access: PersonAccess,
    overall_responsible: Organisation | None,
    interventions: list[dict],
    measures: Iterable[dict] = (),
    goal: str = "",
    person_took_part: bool = True,
    relatives=(),
    other_participants: str = "",
    agreed_on: datetime.date | None = None,
    agreed_how: str = "",
    version: int | None = None,
) -> SipVersion:
    """Save a new version of the person's SIP at the actor's unit (made on the first save).

    VERSION: the number of the latest version the form showed (0: none); another one saved
    since is a `StaleEdit` (`core.versions`), and nothing is saved.

    INTERVENTIONS are dicts of intervention, description, responsible_organisation and
    responsible_staff; MEASURES dicts of agency, agency_name and measure.
    """
    unit = acting_unit(actor, access)
    require_sip_consent(access, unit)
    organisations = {o.pk: o for o in unit.organisations.all()}
    if overall_responsible is None:
        raise ValidationError(
            {
                "overall_responsible": _(
                    "Choose the authority with overall responsibility for the SIP: "
                    "the law requires one."
                )
            }
        )
    if overall_responsible.pk not in organisations:
        raise ValidationError(
            {
                "overall_responsible": _("Choose one of the organisations that run %(unit)s.")
                % {"unit": unit}
            }
        )
    interventions = [row for row in interventions if row]
    _check_sip_interventions(unit, organisations, interventions)
    measures = [row for row in measures if row]
    for number, row in enumerate(measures, start=1):
        if not (row.get("measure") or "").strip():
            raise ValidationError(
                _("Measure %(number)s: say what the agency will do.") % {"number": number}
            )
    relatives = _check_relatives(access, relatives)
    if bool(agreed_on) != bool(agreed_how):
        raise ValidationError(_("Record both the date and the way the person agreed, or neither."))
    _check_not_future(agreed_on, "agreed_on", _("The date of agreement lies in the future."))

    sip, _created = Sip.objects.get_or_create(person=access.person, unit=unit)
    sip = Sip.objects.select_for_update().get(pk=sip.pk)
    latest = sip.versions.order_by("-number").first()
    # The SIP is one joint plan: under the coordination consent the actor reads (and so
    # revises) every version, whoever saved it; reading the latest is a disclosure when the
    # other organisation saved it. The policy would refuse only a version the actor may not
    # read, which a relationship at the unit under the consent rules out.
    if latest is not None and not policy.readable_sip(access, [latest], unit=lambda v: unit.pk):
        raise ValidationError(_("You may not write for this person at your active unit."))
    check_based_on(version, latest.number if latest else 0)
    saved = SipVersion.objects.create(
        sip=sip,
        number=(latest.number + 1) if latest else 1,
        organisation_id=actor.organisation_id,
        goal=goal,
        overall_responsible=overall_responsible,
        person_took_part=person_took_part,
        other_participants=other_participants,
        agreed_on=agreed_on,
        agreed_how=agreed_how if agreed_on else "",
        created_by=actor.user,
    )
    saved.relatives.set(relatives)
    SipIntervention.objects.bulk_create(
        SipIntervention(
            version=saved,
            intervention=row.get("intervention"),
            description=(row.get("description") or "").strip(),
            responsible_organisation=row["responsible_organisation"],
            responsible_staff=row.get("responsible_staff"),
            position=position,
        )
        for position, row in enumerate(interventions)
    )
    SipMeasure.objects.bulk_create(
        SipMeasure(
            version=saved,
            agency=row["agency"],
            agency_name=(row.get("agency_name") or "").strip(),
            measure=row["measure"].strip(),
            position=position,
        )
        for position, row in enumerate(measures)
    )
    record_access(
        actor,
        access,
        action="create" if saved.number == 1 else "update",
        what=what("sip version saved", f"{unit}, version {saved.number}"),
    )
    return saved


def _check_sip_interventions(unit: Unit, organisations: dict, rows: list[dict]) -> None:
    if not rows:
        raise ValidationError(_("Name at least one intervention the person needs."))
    staff_ids = [row["responsible_staff"].pk for row in rows if row.get("responsible_staff")]
    members = _member_ids(unit, staff_ids)
    for number, row in enumerate(rows, start=1):
        if not row.get("intervention") and not (row.get("description") or "").strip():
            raise ValidationError(
                _("Intervention %(number)s: choose one from the catalogue or describe it.")
                % {"number": number}
            )
        responsible = row.get("responsible_organisation")
        if responsible is None or responsible.pk not in organisations:
            raise ValidationError(
                _(
                    "Intervention %(number)s: choose the responsible authority among "
                    "those of %(unit)s."
                )
                % {"number": number, "unit": unit}
            )
        staff = row.get("responsible_staff")
        if staff is not None and (
            staff.pk not in members or staff.organisation_id != responsible.pk
        ):
            raise ValidationError(
                _(
                    "Intervention %(number)s: the named staff member must work at %(unit)s "
                    "for %(organisation)s."
                )
                % {"number": number, "unit": unit, "organisation": responsible}
            )


def _check_relatives(access: PersonAccess, relatives) -> list:
    """Relatives take part only when the person agrees: never one the person keeps secrecy
    towards, and only relatives of this person the actor may read."""
    relatives = list(relatives)
    for relative in relatives:
        if relative.person_id != access.person.pk or not access.readable(
            [relative], category=RecordCategory.RELATIVES
        ):
            raise ValidationError({"relatives": _("Choose among the person's relatives.")})
        if relative.secrecy_requested:
            raise ValidationError(
                {
                    "relatives": _(
                        "The person asks for secrecy towards %(name)s: they cannot take part."
                    )
                    % {"name": relative.name}
                }
            )
    return relatives


@transaction.atomic
def sip_meeting_record(
    *,
    actor: Actor,
    access: PersonAccess,
    caller,
    invitees: str,
    held_on: datetime.date,
    minutes: str,
    next_follow_up_on: datetime.date | None = None,
) -> SipMeeting:
    """Record a SIP meeting held for the person's SIP at the actor's unit."""
    unit = acting_unit(actor, access)
    require_sip_consent(access, unit)
    sip = Sip.objects.filter(person=access.person, unit=unit).first()
    if sip is None or not sip.versions.exists():
        raise ValidationError(_("There is no SIP at %(unit)s yet: make it first.") % {"unit": unit})
    if caller is None or not _member_ids(unit, [caller.pk]):
        raise ValidationError({"caller": _("Choose a member of %(unit)s.") % {"unit": unit}})
    if not (invitees or "").strip():
        raise ValidationError({"invitees": _("Name who was invited.")})
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("Write the minutes of the meeting.")})
    _check_not_future(held_on, "held_on", _("The meeting date lies in the future."))
    if next_follow_up_on is not None and next_follow_up_on <= held_on:
        raise ValidationError(
            {"next_follow_up_on": _("The next follow-up must come after the meeting.")}
        )
    meeting = SipMeeting.objects.create(
        sip=sip,
        organisation_id=actor.organisation_id,
        caller=caller,
        invitees=invitees.strip(),
        held_on=held_on,
        minutes=minutes.strip(),
        next_follow_up_on=next_follow_up_on,
        recorded_by=actor.user,
    )
    record_access(actor, access, action="create", what=what("sip meeting recorded", unit))
    return meeting


# --- Treatment plan -----------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *,
    actor: Actor,
    access: PersonAccess,
    goals: str,
    review_on: datetime.date,
    items: list[dict],
    version: int | None = None,
) -> PlanVersion:
    """Save a new version of the actor's organisation's treatment plan at the actor's unit.

    ITEMS are dicts of intervention, description and responsible (a member of the unit).
    VERSION: the number of the latest version the form showed (0: none); another one saved
    since is a `StaleEdit` (`core.versions`), and nothing is saved.
    """
    unit = acting_unit(actor, access)
    if not (goals or "").strip():
        raise ValidationError({"goals": _("Write the person's goals, in their own words.")})
    if review_on is None or review_on < timezone.localdate():
        raise ValidationError({"review_on": _("The review date must be today or later.")})
    items = [row for row in items if row]
    if not items:
        raise ValidationError(_("Name at least one intervention in the plan."))
    staff_ids = [row["responsible"].pk for row in items if row.get("responsible")]
    members = _member_ids(unit, staff_ids)
    for number, row in enumerate(items, start=1):
        if not row.get("intervention") and not (row.get("description") or "").strip():
            raise ValidationError(
                _("Intervention %(number)s: choose one from the catalogue or describe it.")
                % {"number": number}
            )
        if row.get("responsible") is not None and row["responsible"].pk not in members:
            raise ValidationError(
                _("Intervention %(number)s: choose a member of %(unit)s as responsible.")
                % {"number": number, "unit": unit}
            )
    plan, _created = TreatmentPlan.objects.get_or_create(
        person=access.person, unit=unit, organisation_id=actor.organisation_id
    )
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    latest = plan.versions.order_by("-number").first()
    last = latest.number if latest else 0
    check_based_on(version, last)
    saved = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        organisation_id=actor.organisation_id,
        goals=goals.strip(),
        review_on=review_on,
        created_by=actor.user,
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            version=saved,
            intervention=row.get("intervention"),
            description=(row.get("description") or "").strip(),
            responsible=row.get("responsible"),
            position=position,
        )
        for position, row in enumerate(items)
    )
    record_access(
        actor,
        access,
        action="create" if saved.number == 1 else "update",
        what=what("treatment plan saved", f"{unit}, version {saved.number}"),
    )
    return saved
