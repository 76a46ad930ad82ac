"""The team conference (behandlingskonferens): the unit's board of persons to discuss.

A conference is the unit's meeting (a date and time, a title); it holds no person data. Each
item on it is a record about one person, owned by the organisation of the staff member who put
the person on the board, of record category NOTES: why the person is on it is free text about
their care, as a contact's note is, so a reader from the other organisation reads it only under
a consent disclosing notes. The decision taken is a record of the organisation of the staff
member who wrote it (`decision_organisation`), read by the same rule. The item itself (that the
person is on the board, who brings them, its status) shows to whoever may see the person at the
unit (`policy.visible_persons`: at a case-team-only unit, their case team).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.access.models import RecordCategory
from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

# Why a person is on the board and the decision taken are free text about their care.
CATEGORY = RecordCategory.NOTES
TITLE_LENGTH = 200


class Conference(models.Model):
    """One meeting of the unit's team at which persons are discussed."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("date and time"))
    title = models.CharField(_("title"), max_length=TITLE_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("team conference")
        verbose_name_plural = _("team conferences")
        indexes = [models.Index(fields=["unit", "starts_at"], name="conference_by_unit")]

    def __str__(self) -> str:
        return f"conference {self.pk}"


class ConferenceItem(models.Model):
    """One person on one conference's board: why, who brings them, and the decision taken."""

    class Status(models.TextChoices):
        TO_DISCUSS = "to_discuss", _("To discuss")
        DISCUSSED = "discussed", _("Discussed")
        POSTPONED = "postponed", _("Postponed to the next conference")

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="items")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # The conference's unit, kept on the record: where it is kept (`policy.record_unit`).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why the person is on the board"), max_length=limits.TEXT_LENGTH)
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("brought by"),
    )
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.TO_DISCUSS
    )
    decision = models.TextField(_("decision"), max_length=limits.NOTE_LENGTH, blank=True)
    decision_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # How many times the decision was saved: an edit form carries it (`core.versions`).
    version = models.PositiveIntegerField(default=0)
    # The item this one was postponed to, on the next conference.
    postponed_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="postponed_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Not a column: set by `selectors.board` (which annotates `why_readable` and
    # `decision_readable`): the consent a text shown is disclosed by.
    disclosed_by: int | None
    # Not a column: the decision's earlier texts, newest first (`selectors.board`, the item
    # page), read by the decision's rule.
    history: list["EarlierDecision"]

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("conference item")
        verbose_name_plural = _("conference items")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "person"], name="conference_item_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(decision_organisation__isnull=False, decided_at__isnull=False),
                name="conference_decision_has_owner",
            ),
        ]
        indexes = [models.Index(fields=["person", "unit"], name="conference_item_by_person")]

    def __str__(self) -> str:
        return f"conference item {self.pk}"


class EarlierDecision(models.Model):
    """A decision's text as it was before it was changed, with who wrote it and when: a
    changed decision keeps its history (as plans keep their versions). Read by the decision's
    rule (a record of category NOTES of `organisation`, which is the decision's: only its
    staff change it)."""

    item = models.ForeignKey(
        ConferenceItem, on_delete=models.PROTECT, related_name="earlier_decisions"
    )
    decision = models.TextField(_("decision"), max_length=limits.NOTE_LENGTH)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("earlier decision")
        verbose_name_plural = _("earlier decisions")

    def __str__(self) -> str:
        return f"earlier decision {self.pk} of conference item {self.item_id}"
