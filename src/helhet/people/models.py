"""Persons in care and their relatives."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.models import Municipality, Organisation, Unit

from .identity import IdentityKind, LegalSex, validate_identity_number

# What a list of persons (search, caseload, task list) shows and logs of each: the rest is left
# in the database.
LISTED_FIELDS = ("given_name", "family_name", "identity_number", "protected_identity")


class Person(models.Model):
    """A person in care (brukare, patient, klient). Read and write only through helhet.access."""

    class Kind(models.TextChoices):
        PERSONNUMMER = IdentityKind.PERSONNUMMER.value, _("Personnummer")
        SAMORDNINGSNUMMER = IdentityKind.SAMORDNINGSNUMMER.value, _("Samordningsnummer")
        RESERVNUMMER = IdentityKind.RESERVNUMMER.value, _("Reservnummer")

    class Sex(models.TextChoices):
        FEMALE = LegalSex.FEMALE.value, _("Female")
        MALE = LegalSex.MALE.value, _("Male")
        UNKNOWN = LegalSex.UNKNOWN.value, _("Unknown")

    identity_number = models.CharField(
        _("identity number"), max_length=12, unique=True, validators=[validate_identity_number]
    )
    identity_kind = models.CharField(_("kind of number"), max_length=20, choices=Kind.choices)
    birth_date = models.DateField(_("birth date"))
    legal_sex = models.CharField(_("legal sex"), max_length=10, choices=Sex.choices)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_("Address and contact details are shown only to those allowed."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    # The number of edits saved (`Change`): an edit form carries it (`core.versions`).
    version = models.PositiveIntegerField(default=0)

    # Not a column: set by the lists that link to the person (search, recently opened).
    overview_url: str

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def formatted_identity_number(self) -> str:
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"


class Relative(models.Model):
    """A relative or friend of the person; owned by the organisation of whoever recorded it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relatives")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    involved = models.BooleanField(_("involved in the care"), default=False)
    secrecy_requested = models.BooleanField(
        _("the person asks for secrecy towards this relative"), default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    may_be_told = models.TextField(
        _("what the relative may be told"), max_length=limits.TEXT_LENGTH, blank=True
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The number of edits saved (`Change`): an edit form carries it (`core.versions`).
    version = models.PositiveIntegerField(default=0)

    # Not columns: set by the person overview's read (people.selectors): the relative's support
    # contacts the reader may read.
    support_count: int
    support_latest: datetime.datetime | None
    edit_url: str

    class Meta:
        ordering = ["name"]
        verbose_name = _("relative")
        verbose_name_plural = _("relatives")

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class Change(models.Model):
    """One saved edit of a person's details (RELATIVE None) or of one of their relatives: what
    changed, from what to what, by whom, when. The record's `version` after it is NUMBER.

    FIELDS: {field name: [before, after]}, as stored (a municipality by its name). PROTECTED:
    the person had protected identity before or after the edit, so its contact details are
    shown only to those who may see protected details, even once the protection is lifted.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    relative = models.ForeignKey(
        Relative, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    number = models.PositiveIntegerField()
    fields = models.JSONField()
    protected = models.BooleanField(default=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "number"],
                condition=models.Q(relative__isnull=True),
                name="person_change_number_unique",
            ),
            models.UniqueConstraint(
                fields=["relative", "number"],
                condition=models.Q(relative__isnull=False),
                name="relative_change_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["person", "-changed_at", "-id"])]

    def __str__(self) -> str:
        return f"change {self.number} of person {self.person_id}"
