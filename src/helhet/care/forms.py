"""Forms for the care pages: input shape only; the rules live in actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core.forms import set_queryset
from helhet.core.models import User

from .models import CaseTeamMember, ClosureReason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class EpisodeOpenForm(forms.Form):
    opened_on = forms.DateField(
        label=_("Opening date"), initial=timezone.localdate, widget=DateInput()
    )


class EpisodeCloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closing date"), initial=timezone.localdate, widget=DateInput()
    )
    reason = forms.ModelChoiceField(
        label=_("Reason for closing"), queryset=ClosureReason.objects.filter(active=True)
    )


class CaseTeamForm(forms.Form):
    user: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=CaseTeamMember.Role.choices)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["user"], staff, label=self.staff_label)

    @staticmethod
    def staff_label(user: User) -> str:
        return f"{user} ({user.organisation}, {user.get_profession_display()})"


def run_action(form: forms.Form, action, **kwargs) -> bool:
    """Call ACTION with KWARGS and the form's cleaned data; True when it succeeded.

    A ValidationError from the action is put on the form (on the field it names, if any), so
    the page re-renders with the message and nothing saved.
    """
    try:
        action(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True
