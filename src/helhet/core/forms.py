"""Form helpers shared by the apps: the date input, the multi-select by id, a model choice
field's queryset, and running an action from a form."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

from . import converters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlainChoiceIterator(ModelChoiceIterator):
    """A model choice field's choices read with one plain query. Django's own reads them
    through `QuerySet.iterator()`: on PostgreSQL a server-side cursor, which outside a
    transaction is declared WITH HOLD (three statements more for each select on a page)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for instance in self.queryset:
            yield self.choice(instance)


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one model instance: every form's single model choice uses it."""

    iterator = PlainChoiceIterator


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of model instances by id: every form's multi-select uses it.

    A value that is no id (`converters.parse_id`) is "not a valid choice" before the database
    is asked: a huge number would overflow SQLite's integer there (a 500 otherwise).
    """

    iterator = PlainChoiceIterator

    def _check_values(self, value):
        for one in value:
            if converters.parse_id(str(one)) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": one},
                )
        return super()._check_values(value)  # type: ignore[misc]


def set_queryset(
    field: forms.Field, queryset: QuerySet, *, label: Callable[[Any], str] | None = None
) -> None:
    """Give a form's model choice FIELD (single or multiple) its QUERYSET for this request and,
    with LABEL, the text of each choice."""
    choice = cast(forms.ModelChoiceField, field)
    choice.queryset = queryset
    if label is not None:
        # An instance's own label function, so that the field needs no subclass per label.
        choice.label_from_instance = label  # type: ignore[method-assign, assignment]


def run_action(form: forms.Form, action, **kwargs) -> bool:
    """Call ACTION with KWARGS and the form's data (its `action_data()` when it has one, else
    its cleaned data); True when it succeeded.

    A ValidationError from the action is put on the form (on the field it names when the form
    has it, else above the fields), so the page re-renders with the message and nothing saved.
    """
    data = form.action_data() if hasattr(form, "action_data") else form.cleaned_data
    try:
        action(**kwargs, **data)
    except ValidationError as error:
        form.add_error(None, onto_form(form, error))
        return False
    return True


def onto_form(form: forms.Form, error: ValidationError) -> ValidationError:
    """ERROR with the messages for fields FORM lacks moved to its non-field errors (an
    action's field need not be the form's: a group booking's staff come from the session)."""
    if not hasattr(error, "error_dict"):
        return error
    placed: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        key = name if name in form.fields else NON_FIELD_ERRORS
        placed.setdefault(key, []).extend(errors)
    return ValidationError(placed)
