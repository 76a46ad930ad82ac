"""Writes on contacts, drug tests and medication dispensing.

Every action is atomic and writes its access-log row(s) in the same transaction; bad input
raises ValidationError (keyed by form field where there is one) and leaves nothing saved. All
records are written at the actor's active unit, where the person must have an open episode that
gives the actor a care relationship, and are owned by the actor's organisation.
"""

import datetime
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Required, TypedDict, Unpack, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access, record_listing
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.bookings.models import Booking
from helhet.care.models import Episode
from helhet.care.selectors import caseload
from helhet.core.corrections import as_correction_of, correction_reason, lock_for_correcting
from helhet.core.models import Unit, User
from helhet.followup import summaries
from helhet.people.models import Person, Relative

from .models import (
    MAX_DURATION_MINUTES,
    Contact,
    ContactIntervention,
    DrugTest,
    DrugTestResult,
    Intervention,
    MedicationDispensing,
)

# --- Shared rules -------------------------------------------------------------------------


def check_not_future(moment: datetime.datetime, *, field: str) -> None:
    """A contact, test or dispensing cannot be recorded for a time that has not come yet."""
    if moment > timezone.now():
        raise ValidationError({field: _("The date and time lie in the future.")})


def check_duration(minutes: int | None) -> None:
    if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _("The duration must be between 1 and %(max)s minutes.")
                % {"max": MAX_DURATION_MINUTES}
            }
        )


def catalogue_interventions(
    interventions: Iterable, *, kept: Iterable[int] = ()
) -> list[Intervention]:
    """The active catalogue interventions named (by object or id), and those of KEPT (ids: a
    corrected contact's own, perhaps retired since); else ValidationError."""
    wanted = {getattr(i, "pk", i) for i in interventions}
    found = list(Intervention.objects.filter(Q(active=True) | Q(pk__in=list(kept)), pk__in=wanted))
    missing = wanted - {i.pk for i in found}
    if missing:
        raise ValidationError(
            {"interventions": _("Choose interventions from the catalogue; some are not in it.")}
        )
    return found


def unit_members(
    unit: Unit, users: Iterable, *, field: str = "staff", kept: Iterable[int] = ()
) -> list[User]:
    """The clinical staff of UNIT named (by object or id), and those of KEPT (ids: a corrected
    contact's own, perhaps gone from the unit since); else ValidationError."""
    wanted = {getattr(u, "pk", u) for u in users}
    found = list(
        User.objects.filter(
            Q(memberships__unit=unit) | Q(pk__in=list(kept)),
            pk__in=wanted,
            organisation__isnull=False,
        ).distinct()
    )
    if len(found) != len(wanted):
        raise ValidationError({field: _("Choose staff of %(unit)s.") % {"unit": unit}})
    return found


def acting_unit(actor: Actor, access: PersonAccess) -> Unit:
    """The actor's active unit, where the actor must have a relationship with the person."""
    unit = actor.unit
    if unit is None or not access.may_act_at(unit.pk):
        raise ValidationError(_("You may not record anything for this person at this unit."))
    return unit


def open_episode(access: PersonAccess, unit: Unit) -> Episode:
    """The person's open episode at UNIT (one at most, by constraint)."""
    for episode in access.episodes:
        if episode.is_open and episode.unit_id == unit.pk:
            return episode
    raise ValidationError(_("The person has no open episode at %(unit)s.") % {"unit": unit})


RELATIVES_SUPPORT = "relatives_support"


def readable_relative(access: PersonAccess, relative) -> Relative | None:
    """One of the person's relatives the actor may read (by object or id), or None for none;
    else ValidationError. A relative of another person is refused alike."""
    if relative in (None, ""):
        return None
    found = Relative.objects.filter(pk=getattr(relative, "pk", relative), person=access.person)
    readable = access.readable(list(found), category=RecordCategory.RELATIVES)
    if not readable:
        raise ValidationError({"relative": _("Choose one of the person's relatives.")})
    return readable[0]


def with_relatives_support(chosen: list[Intervention], relative: Relative | None) -> list:
    """A contact with a relative is relatives' support: the catalogue's intervention is added."""
    if relative is None or any(i.code == RELATIVES_SUPPORT for i in chosen):
        return chosen
    support = Intervention.objects.filter(code=RELATIVES_SUPPORT, active=True).first()
    return chosen + [support] if support else chosen


def check_within_episode(episode: Episode, moment: datetime.datetime, *, field: str) -> None:
    """MOMENT lies within EPISODE: not before it opened, not after it closed."""
    day = timezone.localdate(moment)
    if day < episode.opened_on:
        raise ValidationError(
            {
                field: _("This is before the episode at %(unit)s opened (%(date)s).")
                % {"unit": episode.unit, "date": episode.opened_on}
            }
        )
    if episode.closed_on is not None and day > episode.closed_on:
        raise ValidationError(
            {
                field: _("This is after the episode at %(unit)s closed (%(date)s).")
                % {"unit": episode.unit, "date": episode.closed_on}
            }
        )


def note_first_contact(*, person: Person, unit: Unit, on: datetime.date) -> None:
    """Tell the intake app about a first attended contact (waiting time), when it listens.

    Imported lazily: the intake app may not offer the hook (then nothing happens).
    """
    try:
        module = importlib.import_module("helhet.intake.actions")
    except ModuleNotFoundError as error:
        if error.name != "helhet.intake.actions":
            raise
        return
    hook = getattr(module, "note_first_contact", None)
    if hook is not None:
        hook(person=person, unit=unit, on=on)


def _is_first_attended(contact: Contact) -> bool:
    """The person's first attended contact in the episode (a relative's support is not one)."""
    return (
        contact.attended
        and contact.relative_id is None
        and not Contact.objects.in_force()
        .filter(
            episode_id=contact.episode_id,
            attended=True,
            relative__isnull=True,
            starts_at__lte=contact.starts_at,
        )
        .exclude(pk=contact.pk)
        .exists()
    )


# --- One contact --------------------------------------------------------------------------


class ContactEntry(TypedDict, total=False):
    """What is entered for a contact (`contact_record`, `contact_correct`)."""

    kind: Required[str]
    starts_at: Required[datetime.datetime]
    duration_minutes: int | None
    attended: bool  # default True; False records a no-show
    staff: Iterable  # default: the writer
    interventions: Iterable
    note: str
    relative: Relative | int | None


@transaction.atomic
def contact_record(
    *, actor: Actor, access: PersonAccess, **entered: Unpack[ContactEntry]
) -> Contact:
    """Record one contact with the person at the actor's unit, owned by the actor's
    organisation. Staff default to the writer; a no-show is recorded with attended False.

    A contact with RELATIVE (one of the person's relatives the actor may read) is a relatives'
    support contact: it carries the catalogue's "relatives' support" intervention."""
    unit = acting_unit(actor, access)
    contact = Contact(
        person=access.person,
        unit=unit,
        episode=open_episode(access, unit),
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
    )
    _save_contact(contact, actor=actor, access=access, entered=entered)
    record_access(actor, access, action="create", what=what("contact recorded", unit))
    summaries.refresh([contact.person_id])
    return contact


def _save_contact(
    contact: Contact,
    *,
    actor: Actor,
    access: PersonAccess,
    entered: ContactEntry,
    earlier: Contact | None = None,
) -> None:
    """Check what was ENTERED, then save CONTACT (unsaved; person, unit and episode set) with
    it, its staff and its interventions, and tell intake of a first attended contact.

    A correction of EARLIER keeps EARLIER's own staff and interventions among the choices,
    though they left the unit or the catalogue since."""
    kind, starts_at = entered["kind"], entered["starts_at"]
    duration_minutes = entered.get("duration_minutes")
    if kind not in Contact.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of contact.")})
    check_not_future(starts_at, field="starts_at")
    check_within_episode(contact.episode, starts_at, field="starts_at")
    check_duration(duration_minutes)
    kept_staff, kept_interventions = _own_choices(earlier)
    members = unit_members(
        contact.unit, list(entered.get("staff", ())) or [actor.user], kept=kept_staff
    )
    relative = readable_relative(access, entered.get("relative"))
    chosen = catalogue_interventions(entered.get("interventions", ()), kept=kept_interventions)
    chosen = with_relatives_support(chosen, relative)
    contact.kind, contact.starts_at, contact.duration_minutes = kind, starts_at, duration_minutes
    contact.attended, contact.relative = entered.get("attended", True), relative
    contact.note = entered.get("note", "").strip()
    contact.save()
    contact.staff.set(members)
    contact.interventions.set(chosen, through_defaults=ContactIntervention.copied_from(contact))
    if _is_first_attended(contact):
        note_first_contact(
            person=access.person, unit=contact.unit, on=timezone.localdate(starts_at)
        )


def _own_choices(contact: Contact | None) -> tuple[list[int], list[int]]:
    """CONTACT's staff and interventions (ids); none without a contact."""
    if contact is None:
        return [], []
    return (
        list(contact.staff.values_list("pk", flat=True)),
        list(contact.interventions.values_list("pk", flat=True)),
    )


# --- The drop-in day ------------------------------------------------------------------------


@dataclass
class DropInRow:
    """One person's visit on a drop-in day, as the page hands it over."""

    person_id: int
    starts_at: datetime.datetime
    attended: bool = True
    interventions: Sequence = field(default_factory=list)


class DropInError(ValidationError):
    """Bad rows: ROW_ERRORS maps each bad row's index to its message."""

    def __init__(self, row_errors: dict[int, str]):
        super().__init__(_("Some rows could not be registered; nothing was saved."))
        self.row_errors = row_errors


@transaction.atomic
def drop_in_record(
    *,
    actor: Actor,
    rows: Sequence[DropInRow],
    staff: Iterable = (),
    duration_minutes: int | None = None,
) -> list[Contact]:
    """Register many persons' drop-in visits at the actor's unit in one transaction.

    Every person must be one the actor sees at the unit through an open episode there. A bad
    row fails them all: DropInError names each bad row and nothing is saved. Each person
    written gets one access-log row, on the basis the relationship gives.
    """
    unit = actor.unit
    if unit is None or not rows:
        raise ValidationError(_("Enter at least one person."))
    check_duration(duration_minutes)
    members = unit_members(unit, list(staff) or [actor.user])
    ids = [r.person_id for r in rows]
    persons = {p.pk: p for p in caseload(actor.user, unit=unit, whole_unit=True).filter(pk__in=ids)}
    episodes = {
        e.person_id: e
        for e in Episode.objects.select_related("unit").filter(
            person_id__in=ids, unit=unit, closed_on__isnull=True
        )
    }
    _check_rows(rows, persons, episodes)
    contacts = Contact.objects.bulk_create(
        Contact(
            person=persons[row.person_id],
            unit=unit,
            episode=episodes[row.person_id],
            organisation_id=actor.organisation_id,
            kind=Contact.Kind.DROP_IN,
            starts_at=row.starts_at,
            duration_minutes=duration_minutes,
            attended=row.attended,
            recorded_by=actor.user,
        )
        for row in rows
    )
    _link(contacts, rows, members)
    _note_first_contacts(contacts, unit)
    record_listing(
        actor,
        [persons[r.person_id] for r in rows],
        action="create",
        what=what("contact recorded", unit),
    )
    summaries.refresh(persons)
    return contacts


def _check_rows(rows, persons: dict, episodes: dict) -> None:
    errors: dict[int, str] = {}
    seen: dict[int, int] = {}
    active = set(Intervention.objects.filter(active=True).values_list("pk", flat=True))
    for index, row in enumerate(rows):
        try:
            if row.person_id not in persons or row.person_id not in episodes:
                raise ValidationError(_("This person has no open episode here that you may see."))
            if row.person_id in seen:
                raise ValidationError(
                    _("This person is already on row %(row)s.") % {"row": seen[row.person_id] + 1}
                )
            seen[row.person_id] = index
            check_not_future(row.starts_at, field="starts_at")
            check_within_episode(episodes[row.person_id], row.starts_at, field="starts_at")
            if {getattr(i, "pk", i) for i in row.interventions} - active:
                raise ValidationError(_("Choose interventions from the catalogue."))
        except ValidationError as error:
            errors[index] = error.messages[0]
    if errors:
        raise DropInError(errors)


def _link(contacts: list[Contact], rows, members: list[User]) -> None:
    staff_links = Contact.staff.through
    staff_links.objects.bulk_create(
        staff_links(contact_id=c.pk, user_id=u.pk) for c in contacts for u in members
    )
    ContactIntervention.objects.bulk_create(
        ContactIntervention.of(c, i)
        for c, row in zip(contacts, rows, strict=True)
        for i in row.interventions
    )


def _note_first_contacts(contacts: list[Contact], unit: Unit) -> None:
    """Tell intake about each attended visit that is the first attended one of its episode."""
    new = [c.pk for c in contacts]
    earlier = dict(
        Contact.objects.in_force()
        .filter(episode__in=[c.episode_id for c in contacts], attended=True)
        .exclude(pk__in=new)
        .order_by()
        .values_list("episode")
        .annotate(first=Min("starts_at"))
    )
    for contact in contacts:
        first = earlier.get(contact.episode_id)
        if contact.attended and (first is None or first > contact.starts_at):
            note_first_contact(
                person=contact.person, unit=unit, on=timezone.localdate(contact.starts_at)
            )


# --- Drug tests and medication dispensing -------------------------------------------------


@transaction.atomic
def drug_test_record(
    *,
    actor: Actor,
    access: PersonAccess,
    taken_at: datetime.datetime,
    sample: str,
    results: dict[str, str],
) -> DrugTest:
    """Record a drug test with a result for each substance tested (at least one)."""
    unit = acting_unit(actor, access)
    open_episode(access, unit)
    test = DrugTest(
        person=access.person,
        unit=unit,
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
    )
    _save_drug_test(test, taken_at=taken_at, sample=sample, results=results)
    record_access(actor, access, action="create", what=what("drug test recorded", unit))
    summaries.refresh([test.person_id])
    return test


def _save_drug_test(
    test: DrugTest, *, taken_at: datetime.datetime, sample: str, results: dict[str, str]
) -> None:
    """Check what was entered, then save TEST (unsaved; person and unit set) and its results."""
    if sample not in DrugTest.Sample.values:
        raise ValidationError({"sample": _("Choose the kind of sample.")})
    check_not_future(taken_at, field="taken_at")
    results = {s: r for s, r in results.items() if r}
    if not results:
        raise ValidationError(_("Enter a result for at least one substance."))
    if set(results) - set(DrugTestResult.Substance.values) or set(results.values()) - set(
        DrugTestResult.Result.values
    ):
        raise ValidationError(_("Choose substances and results from the lists."))
    test.taken_at, test.sample = taken_at, sample
    test.save()
    DrugTestResult.objects.bulk_create(
        DrugTestResult(drug_test=test, substance=s, result=r) for s, r in results.items()
    )


def check_dose(dose: Decimal | None, dose_unit: str) -> None:
    """DOSE and DOSE_UNIT as the model's fields allow them: a positive number within bounds,
    a unit from the list (`MedicationDispensing.dose` and `dose_unit`)."""
    errors = {}
    for name, value in (("dose", dose), ("dose_unit", dose_unit)):
        model_field = cast(Field, MedicationDispensing._meta.get_field(name))
        try:
            if value in model_field.empty_values:
                raise ValidationError(model_field.error_messages["blank"], code="blank")
            model_field.clean(value, None)
        except ValidationError as error:
            errors[name] = error.error_list
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dispensing_record(
    *,
    actor: Actor,
    access: PersonAccess,
    medication: str,
    dose: Decimal,
    dose_unit: str,
    handed_out_at: datetime.datetime,
    handed_out_by=None,
) -> MedicationDispensing:
    """Record medication handed out to the person: what, how much, when and by whom."""
    unit = acting_unit(actor, access)
    open_episode(access, unit)
    dispensing = MedicationDispensing(
        person=access.person,
        unit=unit,
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
    )
    _save_dispensing(
        dispensing,
        by=handed_out_by or actor.user,
        medication=medication,
        dose=dose,
        dose_unit=dose_unit,
        handed_out_at=handed_out_at,
    )
    record_access(actor, access, action="create", what=what("dispensing recorded", unit))
    summaries.refresh([dispensing.person_id])
    return dispensing


def _save_dispensing(
    dispensing: MedicationDispensing,
    *,
    by,
    medication: str,
    dose: Decimal,
    dose_unit: str,
    handed_out_at: datetime.datetime,
) -> None:
    """Check what was entered, then save DISPENSING (unsaved; person and unit set) with it."""
    if not medication.strip():
        raise ValidationError(_("Enter the medication and the dose or amount."))
    check_dose(dose, dose_unit)
    check_not_future(handed_out_at, field="handed_out_at")
    [by] = unit_members(dispensing.unit, [by], field="handed_out_by")
    dispensing.medication, dispensing.dose, dispensing.dose_unit = (
        medication.strip(),
        dose,
        dose_unit,
    )
    dispensing.handed_out_at, dispensing.handed_out_by = handed_out_at, by
    dispensing.save()


# --- Corrections --------------------------------------------------------------------------
# A correction is a new row that `corrects` the earlier one (`core.corrections`): by the
# organisation that recorded it, at its unit (where the actor may act), with a reason. The
# earlier row is locked, so that of two corrections at once one is saved and the other told.


def _earlier(model, *, actor: Actor, access: PersonAccess, record_id: int, refused: str):
    """The actor's organisation's record RECORD_ID of the person, locked and in force, at the
    actor's active unit where the actor may act; else ValidationError."""
    unit = acting_unit(actor, access)
    mine = model.objects.filter(
        person=access.person, organisation_id=actor.organisation_id, unit=unit
    )
    return lock_for_correcting(
        mine,
        record_id,
        refused=refused,
        corrected=_("This record has been corrected already: on %(date)s by %(user)s."),
    )


def _corrected(earlier, *, actor: Actor, reason: str):
    """An unsaved correction of EARLIER: the same person, unit and owner, by the actor."""
    reason = correction_reason(reason)
    fields = {f: getattr(earlier, f) for f in ("person_id", "unit_id", "organisation_id")}
    record = type(earlier)(recorded_by=actor.user, **fields)
    as_correction_of(record, earlier, reason)
    return record


@transaction.atomic
def contact_correct(
    *,
    actor: Actor,
    access: PersonAccess,
    contact_id: int,
    reason: str,
    **entered: Unpack[ContactEntry],
) -> Contact:
    """Correct a contact: a new contact (the fields of `contact_record` as ENTERED) that
    `corrects` it, in the same episode; the earlier one stays as an earlier version."""
    earlier = _earlier(
        Contact,
        actor=actor,
        access=access,
        record_id=contact_id,
        refused=_("Only the organisation that recorded a contact may correct it, at its unit."),
    )
    contact = _corrected(earlier, actor=actor, reason=reason)
    contact.episode_id = earlier.episode_id
    _save_contact(contact, actor=actor, access=access, entered=entered, earlier=earlier)
    # The booking the contact was made from (it names the first version) shows the version
    # in force: a correction of the attendance moves it (attended <-> no-show) with it.
    Booking.objects.filter(contact_id=contact.original_id).update(
        status=Booking.outcome_of(contact), changed_by=actor.user
    )
    detail = f"{earlier.unit}, {timezone.localtime(earlier.starts_at):%Y-%m-%d %H:%M}"
    record_access(actor, access, action="create", what=what("contact corrected", detail))
    summaries.refresh([contact.person_id])
    return contact


@transaction.atomic
def drug_test_correct(
    *,
    actor: Actor,
    access: PersonAccess,
    drug_test_id: int,
    reason: str,
    taken_at: datetime.datetime,
    sample: str,
    results: dict[str, str],
) -> DrugTest:
    """Correct a drug test: a new test with its results that `corrects` it."""
    earlier = _earlier(
        DrugTest,
        actor=actor,
        access=access,
        record_id=drug_test_id,
        refused=_("Only the organisation that recorded a drug test may correct it, at its unit."),
    )
    test = _corrected(earlier, actor=actor, reason=reason)
    _save_drug_test(test, taken_at=taken_at, sample=sample, results=results)
    detail = f"{earlier.unit}, {timezone.localtime(earlier.taken_at):%Y-%m-%d %H:%M}"
    record_access(actor, access, action="create", what=what("drug test corrected", detail))
    summaries.refresh([test.person_id])
    return test


@transaction.atomic
def dispensing_correct(
    *,
    actor: Actor,
    access: PersonAccess,
    dispensing_id: int,
    reason: str,
    medication: str,
    dose: Decimal,
    dose_unit: str,
    handed_out_at: datetime.datetime,
    handed_out_by=None,
) -> MedicationDispensing:
    """Correct a medication dispensing: a new dispensing that `corrects` it."""
    earlier = _earlier(
        MedicationDispensing,
        actor=actor,
        access=access,
        record_id=dispensing_id,
        refused=_("Only the organisation that recorded a dispensing may correct it, at its unit."),
    )
    dispensing = _corrected(earlier, actor=actor, reason=reason)
    _save_dispensing(
        dispensing,
        by=handed_out_by or actor.user,
        medication=medication,
        dose=dose,
        dose_unit=dose_unit,
        handed_out_at=handed_out_at,
    )
    detail = f"{earlier.unit}, {timezone.localtime(earlier.handed_out_at):%Y-%m-%d %H:%M}"
    record_access(actor, access, action="create", what=what("dispensing corrected", detail))
    summaries.refresh([dispensing.person_id])
    return dispensing
