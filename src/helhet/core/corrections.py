"""Corrections: a recorded row is never edited; a correction is a new row that `corrects` it.

The earlier row is then superseded: it stays readable as an earlier version of the record,
but no longer counts (lists, the timeline, the follow-up show the version in force). Every
correction names the record's first version (`original`), so that all versions of a record are
one query however often it was corrected. A row is corrected once (a unique key): two
corrections of one row at once cannot both be saved, and the action locks the row first so
that the second is told who corrected it (`lock_for_correcting`).
"""

import functools
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import limits, raw

if TYPE_CHECKING:
    from helhet.access.policy import PersonAccess


class CorrectableQuerySet(models.QuerySet):
    def in_force(self):
        """The rows no correction has superseded (an anti-join on the unique `corrects` key)."""
        return self.filter(correction__isnull=True)

    def versions_of(self, record: "Correctable"):
        """Every version of RECORD's record, the first one and all its corrections."""
        first = record.original_id or record.pk
        return self.filter(Q(pk=first) | Q(original_id=first))


class Correctable(models.Model):
    """A record whose corrections are new rows: `corrects` the earlier version, with a reason."""

    corrects = models.OneToOneField(
        "self",
        verbose_name=gettext_lazy("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("first version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    correction_reason = models.TextField(
        gettext_lazy("reason for the correction"), max_length=limits.TEXT_LENGTH, blank=True
    )

    objects = CorrectableQuerySet.as_manager()

    # The keys of the two relations above (declared for the type checker: abstract models')
    original_id: int | None
    corrects_id: int | None
    # Not columns: whether the reader may correct this version (set by the page's selector),
    # and may read its reason, a record note (`mark_reasons`).
    may_correct: bool
    reason_shown: bool
    correct_url: str  # where to correct it and see its versions (`contacts.selectors`)
    versions_url: str
    reason_withheld: bool

    class Meta:
        abstract = True

    @property
    def superseded(self) -> bool:
        """Corrected by a later version (select_related("correction") saves the query)."""
        try:
            return self.correction is not None  # type: ignore[attr-defined]
        except models.ObjectDoesNotExist:
            return False


def correction_constraints(prefix: str) -> list[models.BaseConstraint]:
    """A correction has a reason and names its first version; a first version neither."""
    return [
        models.CheckConstraint(
            condition=Q(corrects__isnull=True, original__isnull=True, correction_reason="")
            | (Q(corrects__isnull=False, original__isnull=False) & ~Q(correction_reason="")),
            name=f"{prefix}_correction_with_reason",
        )
    ]


def lock_for_correcting(queryset, record_id: int, *, refused: str, corrected: str) -> Correctable:
    """The row RECORD_ID of QUERYSET (which says whose rows may be corrected), locked and not
    corrected yet; else ValidationError: REFUSED when it is not there, CORRECTED (with %(date)s
    and %(user)s) when it is corrected already, meanwhile or earlier."""
    earlier = queryset.select_for_update().filter(pk=record_id).first()
    if earlier is None:
        raise ValidationError(refused)
    model = type(earlier)
    correction = model.objects.filter(corrects=earlier).select_related("recorded_by").first()
    if correction is not None:
        raise ValidationError(
            corrected
            % {
                "date": timezone.localdate(correction.recorded_at).isoformat(),
                "user": correction.recorded_by,
            }
        )
    return earlier


def correction_reason(reason: str) -> str:
    """REASON without surrounding space; ValidationError (on the field `reason`) when blank or
    too long."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if len(reason) > limits.TEXT_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason within %(max)s characters.")
                % {"max": limits.TEXT_LENGTH}
            }
        )
    return reason


def as_correction_of(record: Correctable, earlier: Correctable, reason: str) -> None:
    """Make RECORD (unsaved) the correction of EARLIER with REASON."""
    record.corrects = earlier
    record.original_id = earlier.original_id or earlier.pk
    record.correction_reason = reason


def mark_reasons(access: "PersonAccess", records) -> None:
    """Set `reason_shown` and `reason_withheld` on each of RECORDS (read already: contacts,
    drug tests, dispensings, assessments): a correction's reason is a record note, shown only
    where USER may read its owner's notes (`PersonAccess.shows_as_note`, the rule of a
    contact's note)."""
    for record in records:
        record.reason_shown = access.shows_as_note(record, record.correction_reason)
        record.reason_withheld = bool(record.correction_reason) and not record.reason_shown


@functools.cache
def in_force_sql(columns: raw.Columns) -> str:
    """`in_force()` for a plain SELECT (`core.raw`): the row under COLUMNS' alias is not
    superseded. Built from the model's metadata, no value of any user in it: once per
    COLUMNS (the module-level columns of each read)."""
    later = raw.Columns(columns.model, f"{columns.alias}_later")
    return (
        f"NOT EXISTS (SELECT 1 FROM {later.table}"
        f" WHERE {later.column('corrects_id')} = {columns.column('id')})"
    )
