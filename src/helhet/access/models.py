"""Consent, emergency access and the access log: the records the access policy decides on."""

import copy
import json
from typing import Any, NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person, Relative


class RecordCategory(models.TextChoices):
    """Kinds of records a consent may let one organisation disclose to another."""

    ENROLMENT = "enrolment", _("Enrolment and case team")
    RELATIVES = "relatives", _("Relatives")
    CONTACTS = "contacts", _("Contacts and interventions")
    ASSESSMENTS = "assessments", _("Assessments (AUDIT, DUDIT)")
    PLANS = "plans", _("Treatment plans and SIP")
    MEDICATION = "medication", _("Medication and drug tests")
    NOTES = "notes", _("Record notes")


class Consent(models.Model):
    """The person's consent (samtycke) at a unit: to coordination and to disclosures."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Oral")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("The person")
        GUARDIAN = "guardian", _("One guardian")
        GUARDIANS = "guardians", _("Both guardians")
        MATURE_MINOR = "mature_minor", _("The minor, judged mature enough")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    coordination = models.BooleanField(
        _("coordination within the unit"),
        default=False,
        help_text=_("Staff of every organisation at the unit may coordinate the person's care."),
    )
    given_by = models.CharField(
        _("given by"), max_length=20, choices=GivenBy.choices, default=GivenBy.PERSON
    )
    guardian_names = models.CharField(_("guardians"), max_length=300, blank=True)
    maturity_note = models.TextField(
        _("assessment of maturity"), max_length=limits.TEXT_LENGTH, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.CharField(_("withdrawn by"), max_length=200, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Not columns: set on the consents the person overview shows (people.selectors).
    state: str
    consented: list[tuple[int, str]]  # (relative id, what they may be told)
    may_withdraw: bool
    form_label: str
    given_by_label: str
    disclosure_lines: SafeString
    relative_lines: SafeString
    print_url: str  # the consent form to sign, and recording its withdrawal
    withdraw_url: str

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consent_valid_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit} ({self.valid_from})"


class ConsentDisclosure(models.Model):
    """One organisation may disclose one category of records to another under the consent."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="disclosures")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    category = models.CharField(_("category"), max_length=20, choices=RecordCategory.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "from_organisation", "to_organisation", "category"],
                name="consent_disclosure_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")),
                name="consent_disclosure_between_two",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.from_organisation_id} → {self.to_organisation_id}"


class ConsentRelative(models.Model):
    """A named relative the person lets the unit tell something."""

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="relatives")
    relative = models.ForeignKey(Relative, on_delete=models.CASCADE, related_name="+")
    may_be_told = models.CharField(_("may be told"), max_length=300)

    def __str__(self) -> str:
        return f"relative {self.relative_id} under consent {self.consent_id}"


class EmergencyAccess(models.Model):
    """Access without a care relationship (nödåtkomst): reasoned, time-limited, reviewed."""

    class ReasonKind(models.TextChoices):
        """The typical reasons for emergency access; the free text says the rest."""

        CANNOT_CONSENT = (
            "cannot_consent",
            _("The person cannot consent (unconscious or otherwise unable)"),
        )
        ACUTE_RISK = "acute_risk", _("Acute risk to the person's life or health")
        RISK_TO_OTHERS = "risk_to_others", _("Acute risk to the life or health of others")
        URGENT_CARE = "urgent_care", _("Urgent care that cannot wait for consent")
        OTHER = "other", _("Another reason (explain below)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    # Blank only on the accesses taken before the kinds were introduced.
    reason_kind = models.CharField(
        _("kind of reason"), max_length=20, choices=ReasonKind.choices, blank=True
    )
    reason = models.TextField(_("reason"), max_length=limits.TEXT_LENGTH)
    started_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "person", "expires_at"])]

    def __str__(self) -> str:
        return f"emergency access {self.pk} until {self.expires_at:%Y-%m-%d %H:%M}"


class Basis(models.TextChoices):
    """Why an access was allowed."""

    OWN_ORGANISATION = "own_organisation", _("Own organisation")
    CONSENT = "consent", _("Consent")
    EMERGENCY = "emergency", _("Emergency access")
    # Read-only, for a time after the episode's closure (`policy.closed_readable_since`).
    CLOSED_EPISODE = "closed_episode", _("Closed episode")
    NONE = "none", _("No access to the person")


_LOG_REFERENCE: dict[str, Any] = {
    "null": True,
    "on_delete": models.PROTECT,
    "related_name": "+",
    "db_index": False,
    "db_constraint": False,
}


class Listed(NamedTuple):
    """One person a list's log row names, with the basis they were shown on."""

    person_id: int
    basis: str
    consent_id: int | None
    protected_identity: bool

    @property
    def emergency(self) -> bool:
        """Shown by emergency access: flagged so, and without relationship."""
        return self.basis == Basis.EMERGENCY


def parse_listed(listed: str) -> list[Listed]:
    """The persons of a list's row, from its `listed` as stored (sealed)."""
    return [Listed(*item) for item in json.loads(listed)] if listed else []


class AccessLogEntryQuerySet(models.QuerySet["AccessLogEntry"]):
    def naming(self, person_id: int) -> "AccessLogEntryQuerySet":
        """The rows about PERSON_ID: their own, and the lists' rows that name them."""
        listed = AccessLogListedPerson.objects.filter(person_id=person_id).values("entry_id")
        return self.filter(Q(person_id=person_id) | Q(pk__in=listed))


class AccessLogEntry(models.Model):
    """One read or write of person data. Append-only; each row seals the one before it.

    A list (the caseload, a search, the drop-in day, ...) is one row about no person that names
    every person shown in `listed`, each with their basis; `AccessLogListedPerson` indexes it.
    """

    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        SEARCH = "search", _("Search")
        # A request the policy refused (a person the user may not see, a registration or
        # acceptance that would have made a relationship): logged without telling the user.
        REFUSED = "refused", _("Refused")
        # A change of who may access what (users, memberships, units, organisations, steering
        # groups), made by an administrator: a security event, about no person.
        SECURITY = "security", _("Access change")

    at = models.DateTimeField(db_index=True)
    # The references are ids the ORM protects (PROTECT) but the database does not check: a
    # foreign key there would make every COMMIT that logs lock each row named (a list page's 50
    # persons: FOR KEY SHARE, written to their pages), half the COMMIT's time; the rows are the
    # evidence and are only written by `append`, with the ids of what was just read.
    # user, unit and person lead the composite indexes below, and organisation and consent are
    # read off the rows, never looked up by: no single-column index of their own (fewer indexes
    # to update on every logged request).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, **{**_LOG_REFERENCE, "null": False})
    organisation = models.ForeignKey(Organisation, **_LOG_REFERENCE)
    unit = models.ForeignKey(Unit, **_LOG_REFERENCE)
    person = models.ForeignKey(Person, **_LOG_REFERENCE)
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=300)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(Consent, **_LOG_REFERENCE)
    request_id = models.CharField(max_length=64, blank=True)
    emergency = models.BooleanField(default=False)
    protected_identity = models.BooleanField(default=False)
    without_relationship = models.BooleanField(default=False)
    # A read of records that another unit of the reader's organisation wrote before the
    # person's episode here began: flagged for the review of the unit that owns them.
    earlier_records = models.BooleanField(default=False)
    # A list's row: the persons shown, in order, as JSON `[[person id, basis, consent id or
    # null, protected identity], ...]` (`Listed`); empty on every other row. Sealed (only where
    # set, so that older rows verify unchanged). The row's flags are set when any person's is.
    listed = models.TextField(blank=True, default="")
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["person", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["unit", "at"]),
        ]

    def __str__(self) -> str:
        return f"log row {self.pk}"

    def what_described(self) -> str:
        """What was read or changed (the phrase and its detail), in the reader's language."""
        from .what import describe

        return describe(self.what)

    def get_what_display(self) -> str:
        """What was read or changed, in the reader's language, with a list's count."""
        text = self.what_described()
        if not self.listed:
            return text
        n = len(self.listed_persons())
        return ngettext("%(what)s (%(n)s person)", "%(what)s (%(n)s persons)", n) % {
            "what": text,
            "n": n,
        }

    def listed_persons(self) -> list[Listed]:
        """The persons a list's row names, as sealed (none for any other row)."""
        return parse_listed(self.listed)

    def concerning(self, person_ids: set[int]) -> "AccessLogEntry":
        """A list's row narrowed to PERSON_IDS (a copy): its list, count and flags theirs."""
        kept = [item for item in self.listed_persons() if item.person_id in person_ids]
        narrowed = copy.copy(self)
        narrowed.listed = json.dumps(kept, separators=(",", ":")) if kept else ""
        narrowed.emergency = narrowed.without_relationship = any(i.emergency for i in kept)
        narrowed.protected_identity = any(i.protected_identity for i in kept)
        return narrowed

    def as_about(self, person_id: int) -> "AccessLogEntry | None":
        """This row as it concerns PERSON_ID: itself, or for a list's row a copy with the
        person's own basis and flags from the sealed list (None when the list does not name
        them)."""
        if not self.listed:
            return self if self.person_id == person_id else None
        for item in self.listed_persons():
            if item.person_id == person_id:
                about = copy.copy(self)
                about.person_id, about.basis, about.consent_id = person_id, *item[1:3]
                about.emergency = about.without_relationship = item.emergency
                about.protected_identity = item.protected_identity
                return about
        return None


class AccessLogListedPerson(models.Model):
    """A person a list's log row names: the index by which the person's log extract and the
    log review find the row. Written with the row, in its transaction; the row's sealed
    `listed` is the evidence, and `log.verify_listed` checks this index against it."""

    pk = models.CompositePrimaryKey("entry_id", "person_id")
    # No database keys, as on the log row itself (a key check would lock each person at COMMIT).
    entry = models.ForeignKey(
        AccessLogEntry,
        on_delete=models.DO_NOTHING,
        related_name="listed_index",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(Person, **{**_LOG_REFERENCE, "null": False})
    basis = models.CharField(max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(Consent, **_LOG_REFERENCE)
    emergency = models.BooleanField(default=False)
    protected_identity = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["person", "entry"])]

    def __str__(self) -> str:
        return f"person {self.person_id} in log row {self.entry_id}"


class LogChainHead(models.Model):
    """The single row that holds the newest hash: the lock and the anchor of the chain."""

    last_entry_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    entries = models.BigIntegerField(default=0)
    # When the last checkpoint outside the database was due (access/checkpoints.py).
    checkpointed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"log chain head at row {self.last_entry_id}"


class LogReview(models.Model):
    """A manager's mark that a log row was checked (PDL 4 kap. 3 §)."""

    entry = models.OneToOneField(AccessLogEntry, on_delete=models.PROTECT, related_name="review")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"review of log row {self.entry_id}"


class Block(models.Model):
    """The person's block (spärr, PDL 4 kap. 4 §) of one unit's records of one organisation.

    While in force, the records ORGANISATION keeps at UNIT are read only by staff with a care
    relationship at UNIT: not from the organisation's other units, not under a consent, not
    under emergency access. Only the person's request lifts it, recorded with the date and the
    staff member who took the request.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="blocks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField(_("requested on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who took the person's request to lift the block."),
    )
    lift_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "organisation"],
                condition=Q(lifted_on__isnull=True),
                name="block_one_in_force",
            ),
            models.CheckConstraint(
                condition=(
                    Q(lifted_on__isnull=True, lifted_by__isnull=True, lift_recorded_at__isnull=True)
                    | Q(
                        lifted_on__gte=F("requested_on"),
                        lifted_by__isnull=False,
                        lift_recorded_at__isnull=False,
                    )
                ),
                name="block_lifted_with_date_and_who",
            ),
        ]

    def __str__(self) -> str:
        return f"block of {self.person_id} at {self.unit_id} ({self.requested_on})"
