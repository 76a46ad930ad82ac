"""Forms of the team conference: input shape only; the rules live in actions."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.contacts.forms import DateTimeLocalInput, staff_label
from helhet.core import limits
from helhet.core.forms import ModelChoiceField, set_queryset
from helhet.core.versions import BasedOnVersion

from .models import TITLE_LENGTH

# A conference is planned at most this many years ahead.
CONFERENCE_RANGE = limits.DateRange(years_ahead=1)


def next_hour() -> datetime.datetime:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return now + datetime.timedelta(hours=1)


class ConferenceForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        initial=next_hour,
        widget=DateTimeLocalInput(),
        validators=[CONFERENCE_RANGE],
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=TITLE_LENGTH, required=False)


def person_label(person) -> str:
    return f"{person.family_name}, {person.given_name} ({person.formatted_identity_number})"


def conference_label(conference) -> str:
    when = timezone.localtime(conference.starts_at).strftime("%Y-%m-%d %H:%M")
    return f"{when} {conference.title}".strip()


class ItemForm(forms.Form):
    """A person put on a conference: the person (on the conference's page) or the conference
    (on the person's page), why, and who brings them."""

    person: forms.ModelChoiceField = ModelChoiceField(label=_("Person"), queryset=None)
    conference: forms.ModelChoiceField = ModelChoiceField(label=_("Conference"), queryset=None)
    reason = forms.CharField(
        label=_("Why the person is on the board"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    brought_by: forms.ModelChoiceField = ModelChoiceField(label=_("Brought by"), queryset=None)

    def __init__(self, data=None, *, staff, writer, persons=None, conferences=None):
        super().__init__(data, initial={"brought_by": writer.pk})
        set_queryset(self.fields["brought_by"], staff, label=staff_label)
        for name, choices, label in (
            ("person", persons, person_label),
            ("conference", conferences, conference_label),
        ):
            if choices is None:
                del self.fields[name]
            else:
                set_queryset(self.fields[name], choices, label=label)
        if conferences is not None:  # the next conference, unless another is chosen
            cast(forms.ModelChoiceField, self.fields["conference"]).empty_label = None


class DecisionForm(BasedOnVersion):
    decision = forms.CharField(
        label=_("Decision"),
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
