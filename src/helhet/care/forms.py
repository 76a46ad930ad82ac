"""Forms for the care pages: input shape only; the rules live in actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, ModelChoiceField, set_queryset
from helhet.core.models import User

from .models import CaseTeamMember, ClosureReason


class AsRelativeForm(forms.Form):
    """Enrolling a relative for support of their own: offered at units that serve relatives."""

    as_relative = forms.BooleanField(
        label=_("Enrol as a relative (support for the relative; the age limits do not apply)"),
        required=False,
    )

    def __init__(self, *args, serves_relatives: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not serves_relatives:  # nothing to choose
            del self.fields["as_relative"]


class EpisodeOpenForm(AsRelativeForm):
    field_order = ["opened_on"]

    opened_on = forms.DateField(
        label=_("Opening date"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )


class EpisodeCloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Closing date"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    reason = ModelChoiceField(
        label=_("Reason for closing"), queryset=ClosureReason.objects.filter(active=True)
    )


class CaseTeamForm(forms.Form):
    user: forms.ModelChoiceField = ModelChoiceField(label=_("Staff member"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=CaseTeamMember.Role.choices)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["user"], staff, label=self.staff_label)

    @staticmethod
    def staff_label(user: User) -> str:
        return f"{user} ({user.organisation}, {user.get_profession_display()})"
