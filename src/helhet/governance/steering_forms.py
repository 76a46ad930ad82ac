"""The steering group's forms: a meeting, a decision, a step of the year's cycle. The
attendees and a decision's owner are chosen among the group's members (`steering.members`)."""

from __future__ import annotations

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.models import User

from .forms import EditForm
from .models import CycleStep


def _member_label(user: User) -> str:
    party = user.organisation.name if user.organisation else ""
    return f"{user} ({party})" if party else str(user)


class MeetingForm(EditForm):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), validators=[limits.REVIEW_RANGE])
    place = forms.CharField(label=_("Place"), max_length=limits.NAME_LENGTH, required=False)
    period_start = forms.DateField(
        label=_("Follow-up from"), widget=DateInput(), validators=[limits.PAST]
    )
    period_end = forms.DateField(
        label=_("Follow-up until"),
        widget=DateInput(),
        validators=[limits.PAST],
        help_text=_("The period whose follow-up the meeting looks at, e.g. the last quarter."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line, in order."),
    )
    attendees = IdMultipleChoiceField(
        label=_("Attendees"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=limits.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["attendees"], members, label=_member_label)

    def action_data(self) -> dict:
        data = super().action_data()
        data["agenda"] = data["agenda"].splitlines()
        return data


def meeting_initial(meeting) -> dict:
    return {
        "version": meeting.version,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "period_start": meeting.period_start,
        "period_end": meeting.period_end,
        "agenda": "\n".join(item.title for item in meeting.agenda.all()),
        "attendees": list(meeting.attendees.values_list("pk", flat=True)),
        "minutes": meeting.minutes,
    }


class DecisionForm(EditForm):
    text = forms.CharField(
        label=_("Decision"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("A party's function (below)"),
    )
    owner_function = forms.CharField(
        label=_("Or a party's function"),
        max_length=limits.NAME_LENGTH,
        required=False,
        help_text=_("E.g. the region's head of psychiatry, when no member owns it."),
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=DateInput(), validators=[limits.AGREEMENT_RANGE]
    )
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["owner"], members, label=_member_label)


def decision_initial(decision) -> dict:
    return {
        "version": decision.version,
        "text": decision.text,
        "owner": decision.owner_id,
        "owner_function": decision.owner_function,
        "due_on": decision.due_on,
        "done": decision.done_on is not None,
    }


class CycleStepForm(EditForm):
    kind = forms.ChoiceField(label=_("Step"), choices=CycleStep.Kind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=limits.NAME_LENGTH,
        required=False,
        help_text=_("Required for another step."),
    )
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[(m, MONTHS[m]) for m in range(1, 13)], coerce=int
    )
    day = forms.IntegerField(label=_("Day"), min_value=1, max_value=31)
    remind_days = forms.IntegerField(
        label=_("Remind this many days ahead"), min_value=1, max_value=limits.MAX_DAYS, initial=14
    )


def step_initial(step) -> dict:
    return {
        "version": step.version,
        "kind": step.kind,
        "name": step.name,
        "month": step.month,
        "day": step.day,
        "remind_days": step.remind_days,
    }
