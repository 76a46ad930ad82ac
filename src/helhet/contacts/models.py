"""Contacts with the person and the interventions given; drug tests and medication dispensing.

A contact is owned by the organisation of the staff member who recorded it (category CONTACTS);
its free-text note is a record note (category NOTES): a reader from the other organisation whose
consent covers contacts but not notes sees the contact without its note. Drug tests and
medication dispensing are category MEDICATION, as are the catalogue's interventions marked so.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helhet.access.models import RecordCategory
from helhet.care.models import Episode
from helhet.core import limits
from helhet.core.corrections import Correctable, correction_constraints
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person, Relative

MAX_DURATION_MINUTES = 24 * 60
# A dose: a positive number of at most DOSE_DIGITS digits, DOSE_PLACES of them decimals.
DOSE_DIGITS, DOSE_PLACES = 8, 3
MIN_DOSE, MAX_DOSE = Decimal("0.001"), Decimal(10_000)


class Intervention(models.Model):
    """One kind of help in the catalogue (insats), with the authority that typically gives it
    and, where known, its priority in Socialstyrelsen's national guidelines (1 highest)."""

    class Authority(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality (social services)")
        REGION = "region", _("Region (health care)")
        BOTH = "both", _("Both")

    class Category(models.TextChoices):
        # The record category a contact's use of the intervention falls under.
        CONTACTS = RecordCategory.CONTACTS.value, RecordCategory.CONTACTS.label
        MEDICATION = RecordCategory.MEDICATION.value, RecordCategory.MEDICATION.label

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name in English"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    authority = models.CharField(_("typically given by"), max_length=20, choices=Authority.choices)
    guideline_priority = models.PositiveSmallIntegerField(
        _("priority in the national guidelines"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1–10, 1 highest (Socialstyrelsen 2019). Empty when not ranked or unknown."),
    )
    category = models.CharField(
        _("record category"), max_length=20, choices=Category.choices, default=Category.CONTACTS
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        constraints = [
            models.CheckConstraint(
                condition=Q(guideline_priority__isnull=True)
                | Q(guideline_priority__gte=1, guideline_priority__lte=10),
                name="intervention_priority_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (catalogue data, so both are stored)."""
        swedish = (get_language() or "").startswith("sv")
        return self.name_sv if swedish and self.name_sv else self.name


class Contact(Correctable):
    """One contact with the person at a unit: a visit, a call, outreach, a group session.

    Never edited: a correction is a new contact that `corrects` it (`core.corrections`), at the
    same unit and in the same episode, with interventions of its own."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        HOME_VISIT = "home_visit", _("Home visit")
        OUTREACH = "outreach", _("Outreach")
        GROUP = "group", _("Group session")
        DROP_IN = "drop_in", _("Drop-in / open house")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contacts")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="contacts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of contact"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    attended = models.BooleanField(_("attended"), default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="contacts_as_staff", verbose_name=_("staff")
    )
    interventions = models.ManyToManyField(
        Intervention,
        through="ContactIntervention",
        blank=True,
        related_name="contacts",
        verbose_name=_("interventions"),
    )
    note = models.TextField(_("note"), max_length=limits.NOTE_LENGTH, blank=True)
    # A relatives' support contact (anhörigstöd) is given to one of the person's relatives; it
    # stays the person's record (category CONTACTS), the relative's name category RELATIVES.
    relative = models.ForeignKey(
        Relative,
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_contacts",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    # Not columns: what of the contact the reader may see, set by `selectors.decorate`
    # and `mark_relatives`.
    note_shown: bool
    staff_names: str  # the staff, joined, for the contacts list
    kind_label: str  # the kind's label and the length, made once per page (`contacts_page`)
    length: str
    relative_label: str  # "with relative <name>", when the relative is shown
    written_by: str  # "Written by <who>", when the note is shown
    note_withheld: bool
    interventions_shown: list["Intervention"]
    relative_shown: bool

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["person", "starts_at"], name="contact_person_starts"),
            models.Index(fields=["unit", "starts_at"], name="contact_unit_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="contact_duration_in_range",
            ),
            *correction_constraints("contact"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class ContactInterventionQuerySet(models.QuerySet):
    def in_force(self):
        """The links of contacts no correction has superseded (the same rule as
        `Contact.objects.in_force()`, by the contact's key alone: no join of the contacts)."""
        corrected = Contact.objects.filter(corrects_id=OuterRef("contact_id"))
        return self.filter(~Exists(corrected))


class ContactIntervention(models.Model):
    """An intervention given at a contact (the contact's link to the catalogue).

    Besides the two keys the row copies the contact's unit, person, time and attendance, so
    that the follow-up counts a unit's interventions in a period from this table alone, by its
    index on unit and time, instead of joining every link to its contact. A contact is not
    edited once recorded; whoever links an intervention to it passes the copies along
    (`ContactIntervention.of`, or `through_defaults=ContactIntervention.copied_from(contact)`).
    A corrected contact keeps its links (its history); its correction has links of its own,
    copied from it, so counts take the links `in_force` only.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", db_index=False)
    starts_at = models.DateTimeField()
    attended = models.BooleanField()

    objects = ContactInterventionQuerySet.as_manager()

    class Meta:
        db_table = "contacts_contact_interventions"  # the table of the former automatic link
        unique_together = [("contact", "intervention")]
        indexes = [models.Index(fields=["unit", "starts_at"], name="contact_intervention_unit_at")]

    def __str__(self) -> str:
        return f"{self.contact} {self.intervention}"

    @staticmethod
    def copied_from(contact: Contact) -> dict:
        """The values a link copies from CONTACT."""
        return {
            "unit_id": contact.unit_id,
            "person_id": contact.person_id,
            "starts_at": contact.starts_at,
            "attended": contact.attended,
        }

    @classmethod
    def of(cls, contact: Contact, intervention) -> "ContactIntervention":
        """An unsaved link of CONTACT to INTERVENTION (an instance or its key)."""
        return cls(
            contact_id=contact.pk,
            intervention_id=getattr(intervention, "pk", intervention),
            **cls.copied_from(contact),
        )


class DrugTest(Correctable):
    """A sample taken from the person (provtagning), with a result per substance; corrected by
    a new test that `corrects` it (`core.corrections`)."""

    class Sample(models.TextChoices):
        URINE = "urine", _("Urine")
        SALIVA = "saliva", _("Saliva")
        BLOOD = "blood", _("Blood")
        BREATH = "breath", _("Breath")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="drug_tests")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"))
    sample = models.CharField(_("sample"), max_length=10, choices=Sample.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    # Not a column: the results by substance, set for the timeline (`timeline.sources`).
    result_list: list["DrugTestResult"]

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("drug test")
        verbose_name_plural = _("drug tests")
        indexes = [models.Index(fields=["person", "taken_at"], name="drug_test_person_taken")]
        constraints = correction_constraints("drug_test")

    def __str__(self) -> str:
        return f"{self.get_sample_display()} {self.taken_at:%Y-%m-%d %H:%M}"


class DrugTestResult(models.Model):
    """The result of one substance in one drug test."""

    class Substance(models.TextChoices):
        ALCOHOL = "alcohol", _("Alcohol")
        AMPHETAMINE = "amphetamine", _("Amphetamine")
        BENZODIAZEPINES = "benzodiazepines", _("Benzodiazepines")
        BUPRENORPHINE = "buprenorphine", _("Buprenorphine")
        CANNABIS = "cannabis", _("Cannabis (THC)")
        COCAINE = "cocaine", _("Cocaine")
        FENTANYL = "fentanyl", _("Fentanyl")
        GABAPENTINOIDS = "gabapentinoids", _("Pregabalin/gabapentin")
        METHADONE = "methadone", _("Methadone")
        OPIATES = "opiates", _("Opiates")
        TRAMADOL = "tramadol", _("Tramadol")
        OTHER = "other", _("Other")

    class Result(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        POSITIVE = "positive", _("Positive")
        INCONCLUSIVE = "inconclusive", _("Inconclusive")

    drug_test = models.ForeignKey(DrugTest, on_delete=models.CASCADE, related_name="results")
    substance = models.CharField(_("substance"), max_length=20, choices=Substance.choices)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)

    class Meta:
        ordering = ["substance"]
        constraints = [
            models.UniqueConstraint(
                fields=["drug_test", "substance"], name="drug_test_result_one_per_substance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.substance}: {self.result}"


class DoseUnit(models.TextChoices):
    MG = "mg", "mg"
    MICROGRAM = "ug", "µg"
    G = "g", "g"
    ML = "ml", "ml"
    IU = "iu", _("IU")
    PIECE = "piece", _("pcs")


class MedicationDispensing(Correctable):
    """Medication handed out to the person (disponering av läkemedel): what, how much (a dose:
    a number and a unit), when, by whom; corrected by a new dispensing that `corrects` it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="dispensings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    medication = models.CharField(_("medication"), max_length=200)
    dose = models.DecimalField(
        _("dose"),
        max_digits=DOSE_DIGITS,
        decimal_places=DOSE_PLACES,
        validators=[MinValueValidator(MIN_DOSE), MaxValueValidator(MAX_DOSE)],
        null=True,  # null only for a dispensing recorded, before doses had a unit, as text
    )
    dose_unit = models.CharField(_("unit"), max_length=10, choices=DoseUnit.choices, blank=True)
    earlier_amount = models.CharField(
        _("dose as written"),
        max_length=200,
        blank=True,
        help_text=_("A dose recorded as text before doses were a number and a unit."),
    )
    handed_out_at = models.DateTimeField(_("handed out at"))
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed out by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handed_out_at", "-id"]
        verbose_name = _("medication dispensing")
        verbose_name_plural = _("medication dispensings")
        constraints = [
            models.CheckConstraint(
                name="dispensing_dose_in_range",
                condition=Q(dose__isnull=True, earlier_amount__gt="")
                | Q(dose__gte=MIN_DOSE, dose__lte=MAX_DOSE, dose_unit__in=DoseUnit.values),
            ),
            *correction_constraints("dispensing"),
        ]
        indexes = [
            models.Index(fields=["person", "handed_out_at"], name="dispensing_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.medication} {self.handed_out_at:%Y-%m-%d %H:%M}"

    @property
    def amount(self) -> str:
        """The dose as shown: the number (without trailing zeros, in the page's language) and
        the unit, else the text recorded before doses had a unit."""
        if self.dose is None:
            return self.earlier_amount
        number = f"{self.dose:f}"
        if "." in number:
            number = number.rstrip("0").rstrip(".")
        return f"{formats.number_format(Decimal(number))} {self.get_dose_unit_display()}"
