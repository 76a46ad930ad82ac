"""The forms of consultation across the boundary: a contact person, a consultation and its
answer. Choices are what the asker or keeper may name (`consultations.py`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import ModelChoiceField, set_queryset
from helhet.core.models import Organisation, User

from .models import ContactPerson


class ContactForm(forms.Form):
    user = ModelChoiceField(label=_("Contact person"), queryset=User.objects.none())
    function = forms.CharField(
        label=_("Function"),
        max_length=limits.NAME_LENGTH,
        help_text=_("What they are the contact for, e.g. contact person for psychiatry."),
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(
            self.fields["user"],
            staff if staff is not None else User.objects.none(),
            label=lambda u: u.get_full_name() or u.username,
        )


class ConsultationForm(forms.Form):
    """A consultation of another party of the unit's agreement (`consultation_ask`)."""

    addressed_to = ModelChoiceField(label=_("Party asked"), queryset=Organisation.objects.none())
    contact = ModelChoiceField(
        label=_("Contact person"),
        queryset=ContactPerson.objects.none(),
        required=False,
        help_text=_("None: the party's managers and coordinators answer."),
    )
    question = forms.CharField(
        label=_("Question"),
        max_length=limits.QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, parties=None, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["addressed_to"], parties or Organisation.objects.none())
        set_queryset(
            self.fields["contact"],
            contacts if contacts is not None else ContactPerson.objects.none(),
            label=lambda c: (
                f"{c.party.name}: {c.user.get_full_name() or c.user.username}, {c.function}"
            ),
        )


class ConsultationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=limits.QUESTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
