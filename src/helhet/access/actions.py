"""Writes on consents, emergency access and log reviews.

Every action is atomic and writes its access-log row in the same transaction; bad input raises
ValidationError (keyed by form field where there is one) and leaves nothing saved.
"""

import datetime
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core.models import Organisation, Unit
from helhet.people.changes import check_secrecy
from helhet.people.models import Person

from . import log, policy
from .consent_scope import Disclosure, consent_directions, is_minor
from .log import Actor, record_access
from .models import (
    AccessLogEntry,
    Basis,
    Consent,
    ConsentDisclosure,
    ConsentRelative,
    EmergencyAccess,
    LogReview,
    RecordCategory,
)
from .policy import PersonAccess
from .review import REVIEW_READ, Reviewer, emergencies_to_review_q, review_scope
from .what import what

EMERGENCY_REASON_MIN_LENGTH = 20
SAMPLE_MAX = 500


# --- Consent --------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    access: PersonAccess,
    unit: Unit,
    form: str,
    coordination: bool,
    disclosures: Iterable[Disclosure],
    relatives: dict[int, str],
    given_by: str = Consent.GivenBy.PERSON,
    guardian_names: str = "",
    maturity_note: str = "",
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Consent:
    """Record the person's consent at UNIT: coordination, disclosures and relatives to tell.

    A consent must cover something, and discloses only in the directions that apply to the
    person at UNIT (`consent_scope.consent_directions`). A person under 18 on VALID_FROM
    consents through a guardian (named), or themselves when judged mature enough (with the
    assessment written down); an adult gives it themselves, with no guardian or assessment.
    """
    if not access.may_act_at(unit.pk):
        raise ValidationError(_("You may not record a consent at %(unit)s.") % {"unit": unit})
    disclosures, relatives = sorted(set(disclosures)), {k: v.strip() for k, v in relatives.items()}
    if not (coordination or disclosures or relatives):
        raise ValidationError(
            _("A consent must cover something: choose coordination, a disclosure or a relative.")
        )
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The consent cannot end before it begins.")})
    given = _check_given_by(
        access.person,
        given_by=given_by,
        guardian_names=guardian_names.strip(),
        maturity_note=maturity_note.strip(),
        on=valid_from,
    )
    _check_disclosures(access, unit, disclosures)
    _check_relatives(access, relatives)
    if coordination:
        _check_one_coordination_consent(access.person, unit, valid_from, valid_until)
    consent = Consent.objects.create(
        person=access.person,
        unit=unit,
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
        form=form,
        coordination=coordination,
        valid_from=valid_from,
        valid_until=valid_until,
        **given,
    )
    ConsentDisclosure.objects.bulk_create(
        ConsentDisclosure(
            consent=consent,
            from_organisation_id=source,
            to_organisation_id=target,
            category=category,
        )
        for source, target, category in disclosures
    )
    ConsentRelative.objects.bulk_create(
        ConsentRelative(consent=consent, relative_id=pk, may_be_told=text)
        for pk, text in sorted(relatives.items())
    )
    record_access(actor, access, action="create", what=what("consent recorded", unit))
    return consent


def _check_one_coordination_consent(
    person: Person, unit: Unit, valid_from: datetime.date, valid_until: datetime.date | None
) -> None:
    """Two coordination consents of the person at the unit are never in force on the same day
    (a double submit, or two staff at once): withdrawing one would leave the other in force.

    The person's row is locked first, so that two recordings at once check one after the
    other (SQLite lets one writer at a time anyway). A day is in force as `policy.IN_FORCE`
    says (`policy.in_force_during_q`).
    """
    Person.objects.select_for_update().filter(pk=person.pk).first()
    overlapping = Consent.objects.filter(
        policy.in_force_during_q(valid_from, valid_until),
        person=person,
        unit=unit,
        coordination=True,
    )
    earlier = overlapping.order_by("valid_from").first()
    if earlier is not None:
        raise ValidationError(
            _(
                "The person's consent to coordination at %(unit)s from %(start)s is in force in "
                "the same period. Withdraw it first, or let the new consent begin after it ends."
            )
            % {"unit": unit, "start": earlier.valid_from.isoformat()}
        )


def _check_given_by(
    person: Person, *, given_by: str, guardian_names: str, maturity_note: str, on: datetime.date
) -> dict[str, str]:
    """Who gave the consent, as model fields; only what applies to GIVEN_BY is kept.

    An adult's refusal names no field: an adult's consent form has no such fields.
    """
    if not is_minor(person, on):
        if given_by != Consent.GivenBy.PERSON or guardian_names or maturity_note:
            raise ValidationError(
                _(
                    "The person is an adult on the first day of the consent and gives it "
                    "themselves: no guardian and no assessment of maturity are recorded."
                )
            )
        return {"given_by": given_by}
    if given_by in (Consent.GivenBy.GUARDIAN, Consent.GivenBy.GUARDIANS):
        if not guardian_names:
            raise ValidationError(
                {"guardian_names": _("Name the guardian or guardians who gave the consent.")}
            )
        return {"given_by": given_by, "guardian_names": guardian_names}
    if given_by == Consent.GivenBy.MATURE_MINOR:
        if not maturity_note:
            raise ValidationError(
                {"maturity_note": _("Write down why the minor is judged mature enough to consent.")}
            )
        return {"given_by": given_by, "maturity_note": maturity_note}
    raise ValidationError(
        {
            "given_by": _(
                "The person is under 18: the consent is given by a guardian, or by the minor when "
                "judged mature enough (with a note on the assessment)."
            )
        }
    )


def _check_disclosures(access: PersonAccess, unit: Unit, disclosures: list[Disclosure]) -> None:
    """Disclosures go in a direction that applies to the person at UNIT, for a known category."""
    if not disclosures:
        return
    applying = {d.key for d in consent_directions(access, unit)}
    running = set(unit.organisations.values_list("pk", flat=True))
    for source, target, category in disclosures:
        if not {source, target} <= running or category not in RecordCategory.values:
            raise ValidationError(
                _(
                    "A disclosure must go from one organisation running the unit "
                    "to another, for a known category of records."
                )
            )
        if (source, target) not in applying:
            names = Organisation.objects.in_bulk([source, target])
            raise ValidationError(
                _(
                    "A disclosure from %(source)s to %(target)s does not apply to this person "
                    "at %(unit)s: choose among the directions the form shows."
                )
                % {"source": names[source], "target": names[target], "unit": unit}
            )


def _check_relatives(access: PersonAccess, relatives: dict[int, str]) -> None:
    """Every relative belongs to the person and may be read by the user; each is told something,
    and nothing one the person keeps secrecy towards (`people.changes.check_secrecy`)."""
    readable = {
        r.pk: r
        for r in access.readable(access.person.relatives.all(), category=RecordCategory.RELATIVES)
    }
    if not set(relatives) <= set(readable):
        raise ValidationError(_("A chosen relative is not recorded for this person."))
    if not all(relatives.values()):
        raise ValidationError(_("Write what each chosen relative may be told."))
    for pk, told in relatives.items():
        check_secrecy(
            secrecy_requested=readable[pk].secrecy_requested, may_be_told=told, field=None
        )


@transaction.atomic
def consent_withdraw(
    *,
    actor: Actor,
    access: PersonAccess,
    consent_id: int,
    withdrawn_on: datetime.date,
    withdrawn_by: str,
) -> Consent:
    """Record that the consent was withdrawn on WITHDRAWN_ON (the row is locked first)."""
    consent = Consent.objects.select_for_update().get(pk=consent_id, person=access.person)
    if consent.withdrawn_on is not None:
        raise ValidationError(
            _("This consent was already withdrawn on %(date)s.")
            % {"date": consent.withdrawn_on.isoformat()}
        )
    if withdrawn_on < consent.valid_from:
        raise ValidationError(
            {
                "withdrawn_on": _("The consent cannot be withdrawn before it began (%(date)s).")
                % {"date": consent.valid_from.isoformat()}
            }
        )
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("The withdrawal date lies in the future.")})
    if not withdrawn_by.strip():
        raise ValidationError({"withdrawn_by": _("Say who withdrew the consent.")})
    consent.withdrawn_on, consent.withdrawn_by = withdrawn_on, withdrawn_by.strip()
    consent.withdrawal_recorded_by = actor.user
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_recorded_by"])
    record_access(actor, access, action="update", what=what("consent withdrawn", consent.unit))
    return consent


# --- Emergency access -----------------------------------------------------------------------


# A reason must be words, not keyboard noise: a word is a run of two or more letters that
# holds a vowel (Swedish or English), and a reason needs three different words.
_WORD = re.compile(r"[^\W\d_]{2,}")
_VOWELS = set("aeiouyåäöéü")
EMERGENCY_REASON_MIN_WORDS = 3


def reason_words(text: str) -> set[str]:
    """The different real words of TEXT, in lower case (see `_WORD`)."""
    words = (w.lower() for w in _WORD.findall(text))
    return {w for w in words if _VOWELS & set(w) and len(set(w)) > 1}


def emergency_access_check(*, reason: str, hours: int, reason_kind: str = "") -> str:
    """The stripped REASON, when REASON_KIND, REASON and HOURS are acceptable; else
    ValidationError.

    The reason is one of the typical kinds plus a free text of at least
    EMERGENCY_REASON_MIN_LENGTH characters and EMERGENCY_REASON_MIN_WORDS different words
    ("aaaa…", "asdf asdf" or one letter repeated are refused). Checked before the identity
    number is looked up, so that a request without a proper reason tells nothing about
    whether the number is registered (and leaves no log row).
    """
    reason = reason.strip()
    if reason_kind not in EmergencyAccess.ReasonKind.values:
        raise ValidationError({"reason_kind": _("Choose the kind of reason.")})
    if (
        len(reason) < EMERGENCY_REASON_MIN_LENGTH
        or len(reason_words(reason)) < EMERGENCY_REASON_MIN_WORDS
    ):
        raise ValidationError(
            {
                "reason": _(
                    "Explain in words why you need emergency access: at least %(words)s "
                    "different words and %(n)s characters."
                )
                % {"words": EMERGENCY_REASON_MIN_WORDS, "n": EMERGENCY_REASON_MIN_LENGTH}
            }
        )
    if not 1 <= hours <= settings.HELHET_EMERGENCY_ACCESS_HOURS:
        raise ValidationError(
            {
                "hours": _("Choose between 1 and %(n)s hours.")
                % {"n": settings.HELHET_EMERGENCY_ACCESS_HOURS}
            }
        )
    return reason


@transaction.atomic
def emergency_access_take(
    *, actor: Actor, person: Person, reason_kind: str, reason: str, hours: int
) -> EmergencyAccess:
    """Give the actor time-limited read access to PERSON without a relationship.

    The access is logged as an emergency, without relationship, with the kind of reason and
    the text, and waits for review by a manager or coordinator of the organisation whose
    records were read (`selectors.pending_emergencies`).
    """
    reason = emergency_access_check(reason_kind=reason_kind, reason=reason, hours=hours)
    emergency = EmergencyAccess.objects.create(
        user=actor.user,
        person=person,
        unit=actor.unit,
        reason_kind=reason_kind,
        reason=reason,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    log.append(
        [
            log.entry_for(
                actor,
                person=person,
                action="read",
                what=what("emergency access taken", f"{reason_kind}: {reason}"[:200]),
                basis=Basis.EMERGENCY,
                emergency=True,
                without_relationship=True,
            )
        ]
    )
    return emergency


@transaction.atomic
def emergency_access_no_match(*, actor: Actor) -> None:
    """Log an emergency-access attempt for a number nobody in Helhet has.

    The number itself is not logged: it belongs to nobody registered here, and the log keeps
    everything forever.
    """
    log.append(
        [
            log.entry_for(
                actor,
                person=None,
                action="search",
                what="emergency access: no match",
                basis=Basis.NONE,
            )
        ]
    )


@transaction.atomic
def emergency_access_review(*, actor: Actor, unit: Unit, emergency_id: int) -> EmergencyAccess:
    """The actor (a manager or coordinator at UNIT) marks an emergency access as reviewed.

    Only one waiting for their organisation's review at UNIT
    (`review.emergencies_to_review_q`), and never their own.
    """
    reviewer = Reviewer(actor.user, unit)
    emergency = (
        EmergencyAccess.objects.select_for_update()
        .filter(emergencies_to_review_q(reviewer), pk=emergency_id)
        .first()
    )
    if emergency is None:
        raise ValidationError(_("There is no such emergency access for you to review."))
    if emergency.user_id == actor.user.pk:
        raise ValidationError(_("You may not review your own emergency access."))
    emergency.reviewed_at, emergency.reviewed_by = timezone.now(), actor.user
    emergency.save(update_fields=["reviewed_at", "reviewed_by"])
    _log_review_row(actor, action="update", what=what("emergency access reviewed", emergency.pk))
    return emergency


# --- Log review -----------------------------------------------------------------------------


@transaction.atomic
def log_review_viewed(*, actor: Actor, named: Iterable[Person] = ()) -> None:
    """Log a look at the access log: one row for the page (a reviewer's duty, about no
    person), and one read row for each person the page NAMED (`review.named_persons`; each
    carries its `list_basis`), so that the review is in those persons' log extracts."""
    _log_review_row(actor, action="read", what=REVIEW_READ)
    log.record_listing(actor, named, action="read", what=REVIEW_READ)


@transaction.atomic
def log_review_sample(
    *, actor: Actor, entries: QuerySet[AccessLogEntry], size: int, note: str = ""
) -> int:
    """Mark a random sample of SIZE unreviewed rows among ENTRIES as reviewed; return how many."""
    if not 1 <= size <= SAMPLE_MAX:
        message = _("Choose a sample of 1 to %(n)s rows.") % {"n": SAMPLE_MAX}
        raise ValidationError({"size": message})
    chosen = list(
        entries.filter(review__isnull=True).order_by("?").values_list("pk", flat=True)[:size]
    )
    if not chosen:
        raise ValidationError(_("No row that is not yet reviewed matches the filter."))
    return _mark(actor, chosen, note)


@transaction.atomic
def log_review_mark(*, actor: Actor, unit: Unit, entry_ids: Iterable[int], note: str = "") -> int:
    """Mark the chosen rows of UNIT's review as reviewed; rows it does not list are ignored."""
    chosen = list(
        AccessLogEntry.objects.filter(
            review_scope(Reviewer(actor.user, unit)), pk__in=list(entry_ids), review__isnull=True
        ).values_list("pk", flat=True)
    )
    if not chosen:
        raise ValidationError(_("Choose at least one row that is not yet reviewed."))
    return _mark(actor, chosen, note)


def _mark(actor: Actor, entry_ids: list[int], note: str) -> int:
    # ignore_conflicts: a row reviewed at the same moment by someone else stays reviewed once.
    LogReview.objects.bulk_create(
        [
            LogReview(entry_id=pk, reviewed_by=actor.user, note=note.strip()[:300])
            for pk in entry_ids
        ],
        ignore_conflicts=True,
    )
    _log_review_row(actor, action="update", what=what("log rows marked reviewed", len(entry_ids)))
    return len(entry_ids)


def _log_review_row(actor: Actor, *, action: str, what: str) -> None:
    log.append([log.entry_for(actor, person=None, action=action, what=what, basis=Basis.NONE)])


# --- Log extract ----------------------------------------------------------------------------


def log_extract_produced(*, actor: Actor, access: PersonAccess) -> None:
    """Log the production of a log extract for the person (it lists itself)."""
    record_access(actor, access, action="read", what="log extract")
