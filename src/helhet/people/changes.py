"""Edits of a person's and a relative's details: who may change which, and the history of
what changed (`models.Change`), as the history page shows it.

Protected identity (access/contact_details.py) decides both: contact details are changed only
by those who may see them, the protection itself only by those who may see protected details
(the roles of `HELHET_PROTECTED_IDENTITY_ROLES`), and the history shows the contact details of
an edit made while the person was protected, or of any edit while the person is protected now,
to those alone.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from helhet.access.contact_details import may_see_protected_details
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.core.selectors import ListPage, list_page
from helhet.core.versions import saved_values

from .models import Change, Person, Relative

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "municipality",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "protected_identity",
)
PERSON_CONTACT_FIELDS = frozenset({"address", "postal_code", "city", "phone", "email"})
RELATIVE_FIELDS = (
    "name",
    "relation",
    "phone",
    "email",
    "involved",
    "secrecy_requested",
    "may_be_told",
)
RELATIVE_CONTACT_FIELDS = frozenset({"phone", "email"})

HISTORY_PAGE_SIZE = 50


def person_editable_fields(access: PersonAccess, *, protected: bool) -> frozenset[str]:
    """The person's details the user of ACCESS may change, the person PROTECTED or not."""
    allowed = may_see_protected_details(access)
    fields = set(PERSON_FIELDS)
    if protected and not allowed:
        fields -= PERSON_CONTACT_FIELDS
    if not allowed:
        fields.discard("protected_identity")
    return frozenset(fields)


def relative_editable_fields(access: PersonAccess, *, protected: bool) -> frozenset[str]:
    """A relative's details the user of ACCESS may change: a protected person's relatives'
    telephone and e-mail only by those who may see the person's."""
    if protected and not may_see_protected_details(access):
        return frozenset(RELATIVE_FIELDS) - RELATIVE_CONTACT_FIELDS
    return frozenset(RELATIVE_FIELDS)


def editable_relatives(access: PersonAccess):
    """The person's relatives the user of ACCESS may edit: their own organisation's (a record
    belongs to the organisation that recorded it; another's is read under a consent only)."""
    return Relative.objects.filter(person=access.person, organisation_id=access.organisation_id)


def check_secrecy(
    *, secrecy_requested: bool, may_be_told: str, field: str | None = "may_be_told"
) -> None:
    """A relative the person keeps secrecy towards is told nothing: the one rule, for the
    relative's details and for a consent (FIELD: the form field the message belongs to)."""
    if secrecy_requested and may_be_told.strip():
        message = _(
            "The person asks for secrecy towards this relative, who may be told "
            "nothing: leave this empty, or lift the secrecy."
        )
        raise ValidationError({field: message} if field else message)


def values_of(record: Person | Relative, fields) -> dict:
    """RECORD's values of FIELDS, as a form's initial data."""
    return {name: getattr(record, name) for name in fields}


def relative_for_editing(access: PersonAccess, relative_id: int) -> Relative:
    """One of `editable_relatives`; else Http404."""
    relative = editable_relatives(access).filter(pk=relative_id).first()
    if relative is None:
        raise Http404
    return relative


def saved_rows(record: Person | Relative, form) -> list[tuple[str, str]]:
    """RECORD's saved values of FORM's fields, (label, value): shown beside the form after a
    stale save (`core.versions`)."""
    return saved_values(record, form)


def stored(value):
    """VALUE as a `Change` keeps it: a municipality by its name."""
    return getattr(value, "name", value)


# --- The history page -----------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: object
    after: object
    hidden: bool = False  # protected: the viewer may not see the values


@dataclass(frozen=True)
class ChangeRow:
    """One saved edit as the history page shows it; RELATIVE: the relative's name, or "";
    BY, ORGANISATION and UNIT are "" where the reader may not know the unit (another unit)."""

    number: int
    at: datetime.datetime
    by: str
    organisation: str
    unit: str
    relative: str
    fields: list[FieldChange]


def change_history(access: PersonAccess, page: str | None) -> ListPage:
    """The edits of the person and of the relatives the user may read, newest first: one page
    of `ChangeRow`s, in two queries whatever the history's length."""
    readable = Relative.objects.filter(person=access.person).filter(
        access.readable_q(RecordCategory.RELATIVES)
    )
    changes = (
        Change.objects.filter(person=access.person)
        .filter(Q(relative__isnull=True) | Q(relative__in=readable.values("pk")))
        .select_related("changed_by", "organisation", "unit", "relative")
    )
    found = list_page(changes, page, size=HISTORY_PAGE_SIZE)
    # The relatives named: their disclosures are remembered for the request's log row.
    access.readable(
        [c.relative for c in found if c.relative is not None], category=RecordCategory.RELATIVES
    )
    # Who edited, and where, tells of an enrolment: named only where the reader may read the
    # enrolment of that organisation at that unit. The values are the person's own details,
    # readable as the person is, so they are shown either way.
    named = {
        change.pk
        for change in access.readable(
            found,
            category=RecordCategory.ENROLMENT,
            owner=lambda c: c.organisation_id,
            unit=lambda c: c.unit_id,
        )
    }
    sees_protected = may_see_protected_details(access)
    rows = []
    for change in found:
        hide = not sees_protected and (change.protected or access.person.protected_identity)
        rows.append(_row(change, hide=hide, named=change.pk in named))
    found.object_list = rows
    return found


def _row(change: Change, *, hide: bool, named: bool) -> ChangeRow:
    relative = change.relative
    model, contact = (
        (Person, PERSON_CONTACT_FIELDS) if relative is None else (Relative, RELATIVE_CONTACT_FIELDS)
    )
    fields = []
    for name, (before, after) in change.fields.items():
        label = str(getattr(model._meta.get_field(name), "verbose_name", name))
        if hide and name in contact:
            fields.append(FieldChange(label, None, None, hidden=True))
        else:
            fields.append(FieldChange(label, _shown(before), _shown(after)))
    if not named:
        relative_name = _relative_name(change)
        return ChangeRow(change.number, change.changed_at, "", "", "", relative_name, fields)
    return ChangeRow(
        number=change.number,
        at=change.changed_at,
        by=change.changed_by.get_full_name() or change.changed_by.username,
        organisation=change.organisation.name,
        unit=change.unit.name,
        relative=_relative_name(change),
        fields=fields,
    )


def _relative_name(change: Change) -> str:
    return change.relative.name if change.relative is not None else ""


def _shown(value) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return "–" if value in (None, "") else str(value)
