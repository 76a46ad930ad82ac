"""No lost update: an edit form carries the version it was based on, and a stale save is
refused, whole, with the saved state to compare.

- The form: `BasedOnVersion` adds the hidden field `version` (the number of the latest version
  the form showed; 0 when it showed none). It is required: a form without it cannot say what
  it was based on.
- The action: inside its transaction, after locking the record (`select_for_update`; on SQLite
  the IMMEDIATE transaction serialises writers), `check_based_on(version, current)`
  raises `StaleEdit` when another save came in between. The exception rolls the transaction
  back, so nothing is saved and no write is logged; two saves from the same version at once
  are serialised by the lock and the second one is stale.
- The view: on `StaleEdit`, `renewed(data, stale)` gives the user's own values with the
  current version number, so the form re-rendered from it keeps what they typed, says why
  (`STALE_MESSAGE`) and saves the next time; the page shows the saved version beside it.

Records that save a new version row per change (treatment plans, the SIP) use their version
number. Records changed once by a state transition (an episode closed, a consent withdrawn, a
referral decided, an assessment, contact, drug test or dispensing corrected, a block lifted)
need no number: their action locks the row and refuses a second transition ("already
closed"), which is the same guard.
"""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy

FIELD = "version"


class StaleEdit(Exception):
    """The edit was based on version BASED_ON, but CURRENT is saved now (the page reads that
    version again to show it)."""

    def __init__(self, *, based_on: int, current: int):
        super().__init__(f"edit based on version {based_on}, version {current} is saved")
        self.based_on, self.current = based_on, current


def check_based_on(based_on: int | None, current: int) -> None:
    """Refuse (`StaleEdit`) an edit based on another version than CURRENT, the latest saved.
    BASED_ON None: the caller is not a form (the demo, a script) and edits the latest."""
    if based_on is not None and based_on != current:
        raise StaleEdit(based_on=based_on, current=current)


class BasedOnVersion(forms.Form):
    """A form mixin: the hidden number of the version the form was based on."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        max_value=2**31 - 1,  # a version number of PositiveIntegerField's range
        error_messages={
            "required": gettext_lazy("The form is out of date: open it again."),
            "invalid": gettext_lazy("The form is out of date: open it again."),
            "min_value": gettext_lazy("The form is out of date: open it again."),
            "max_value": gettext_lazy("The form is out of date: open it again."),
        },
    )


def initial_version(latest) -> dict:
    """The form's initial `version`: LATEST's number, 0 when there is none."""
    return {FIELD: latest.number if latest is not None else 0}


def renewed(data: QueryDict, stale: StaleEdit) -> QueryDict:
    """The user's DATA based on the version saved now, to re-render the form with."""
    data = data.copy()
    data[FIELD] = str(stale.current)
    return data


# One message for every record, so that it reads well in Swedish too (no record name to inflect).
STALE_MESSAGE = gettext_lazy(
    "Someone else saved a new version while you were editing. Your changes are not saved. "
    "Compare them with the saved version and save again."
)


def stale_page(build, data: QueryDict, stale: StaleEdit):
    """The page BUILD(data) makes, re-made for a stale save: the user's DATA based on the
    version saved now, validated, and STALE_MESSAGE on its form (the error summary, announced).
    BUILD returns a form, or a page object with `.form` and `.is_valid()` (a form with rows)."""
    page = build(renewed(data, stale))
    page.is_valid()
    form = getattr(page, "form", page)
    form.add_error(None, STALE_MESSAGE)
    return page


def saved_values(record, form: forms.Form) -> list[tuple[str, str]]:
    """RECORD's saved values of FORM's visible fields, (label, value), a choice by the label the
    form gives it: shown beside the form after a stale save, to compare with."""
    return [
        (str(field.label), _shown(getattr(record, name), field))
        for name, field in form.fields.items()
        if not field.widget.is_hidden
    ]


def _shown(value, field: forms.Field) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_shown(one, field) for one in value) or "–"
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    if value in (None, ""):
        return "–"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices: list = list(field.choices)  # type: ignore[arg-type]  # normalised by Django
        labels = {key: label for key, label in choices if not isinstance(label, list | tuple)}
        return str(labels.get(value, value))
    return str(value)
