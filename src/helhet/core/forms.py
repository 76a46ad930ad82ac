"""Form helpers shared by the apps."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet


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
