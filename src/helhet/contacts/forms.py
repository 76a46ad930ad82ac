"""Forms for the contact pages: input shape only; the rules live in actions."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.models import User

from .models import (
    DOSE_DIGITS,
    DOSE_PLACES,
    MAX_DOSE,
    MAX_DURATION_MINUTES,
    MIN_DOSE,
    Contact,
    DoseUnit,
    DrugTest,
    DrugTestResult,
    MedicationDispensing,
)
from .selectors import active_interventions, grouped_interventions


def now_to_the_minute() -> datetime.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per group (the authority that typically gives them)."""

    template_name = "contacts/widgets/grouped_checkboxes.html"


def interventions_field(**kwargs) -> IdMultipleChoiceField:
    return IdMultipleChoiceField(
        label=_("Interventions"),
        queryset=active_interventions(),
        required=False,
        widget=GroupedCheckboxes,
        error_messages={
            "invalid_choice": _("%(value)s is not an intervention in the catalogue."),
            "invalid_pk_value": _("“%(pk)s” is not an intervention in the catalogue."),
        },
        **kwargs,
    )


def group_interventions(field: forms.Field) -> None:
    field.widget.choices = grouped_interventions(cast(forms.ModelChoiceField, field).queryset)


def duration_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Duration (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
    )


def staff_label(user: User) -> str:
    return f"{user} ({user.organisation}, {user.get_profession_display()})"


class StaffMixin:
    """A multi-select of the unit's staff, the writer chosen at first."""

    fields: dict[str, forms.Field]  # the form's

    def set_staff(self, name: str, staff, writer) -> None:
        field = self.fields[name]
        set_queryset(field, staff, label=staff_label)
        field.initial = [writer.pk] if isinstance(field, forms.ModelMultipleChoiceField) else writer


class ContactForm(StaffMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=Contact.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        initial=now_to_the_minute,
        widget=DateTimeLocalInput(),
        validators=[limits.PAST],
    )
    duration_minutes = duration_field()
    attended = forms.BooleanField(
        label=_("The person came (leave unticked for a no-show)"), required=False, initial=True
    )
    staff: IdMultipleChoiceField = IdMultipleChoiceField(
        label=_("Staff"),
        queryset=None,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        error_messages={"required": _("Choose at least one staff member.")},
    )
    relative: forms.ModelChoiceField = ModelChoiceField(
        label=_("With a relative (relatives' support)"),
        queryset=None,
        required=False,
        empty_label=_("None: a contact with the person"),
        help_text=_("Choose the relative when the contact is support given to them."),
        error_messages={"invalid_choice": _("Choose one of the person's relatives.")},
    )
    interventions = interventions_field()
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Owned by your organisation. Staff of the other organisation read it only when the "
            "person's consent covers record notes."
        ),
    )

    def __init__(self, *args, staff, writer, relatives, **kwargs):
        """RELATIVES: the person's relatives the writer may read (the choices for `relative`)."""
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, writer)
        set_queryset(self.fields["relative"], relatives)
        if not relatives:
            del self.fields["relative"]
        group_interventions(self.fields["interventions"])


class DrugTestForm(forms.Form):
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        initial=now_to_the_minute,
        widget=DateTimeLocalInput(),
        validators=[limits.PAST],
    )
    sample = forms.ChoiceField(label=_("Sample"), choices=DrugTest.Sample.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Not tested")), *DrugTestResult.Result.choices]
        for value, label in DrugTestResult.Substance.choices:
            self.fields[f"result_{value}"] = forms.ChoiceField(
                label=label, choices=choices, required=False
            )

    def result_fields(self):
        return [self[name] for name in self.fields if name.startswith("result_")]

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "taken_at": data["taken_at"],
            "sample": data["sample"],
            "results": {
                name.removeprefix("result_"): value
                for name, value in data.items()
                if name.startswith("result_") and value
            },
        }


class DispensingForm(StaffMixin, forms.Form):
    medication = forms.CharField(label=_("Medication"), max_length=200)
    dose = forms.DecimalField(
        label=_("Dose"),
        min_value=MIN_DOSE,
        max_value=MAX_DOSE,
        max_digits=DOSE_DIGITS,
        decimal_places=DOSE_PLACES,
    )
    dose_unit = forms.ChoiceField(label=_("Unit"), choices=DoseUnit.choices)
    handed_out_at = forms.DateTimeField(
        label=_("Handed out at"),
        initial=now_to_the_minute,
        widget=DateTimeLocalInput(),
        validators=[limits.PAST],
    )
    handed_out_by: forms.ModelChoiceField = ModelChoiceField(
        label=_("Handed out by"), queryset=None
    )

    def __init__(self, *args, staff, writer, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("handed_out_by", staff, writer)


# --- Corrections: the form again, filled in with the earlier version, and a reason --------


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the correction"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The earlier version stays in the history, marked as corrected, and no longer counts."
        ),
        error_messages={"required": _("Give the reason for the correction.")},
    )


def local_minute(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(second=0, microsecond=0)


class ContactCorrectionForm(ContactForm):
    reason = reason_field()

    def __init__(self, *args, interventions, **kwargs):
        """INTERVENTIONS: the catalogue's choices, with the corrected contact's own
        (`selectors.correction_choices`)."""
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["interventions"], interventions)
        group_interventions(self.fields["interventions"])

    @staticmethod
    def initial_from(contact: Contact) -> dict:
        """CONTACT's values (loaded with staff and interventions) as the form's initial."""
        return {
            "kind": contact.kind,
            "starts_at": local_minute(contact.starts_at),
            "duration_minutes": contact.duration_minutes,
            "attended": contact.attended,
            "staff": [u.pk for u in contact.staff.all()],
            "relative": contact.relative_id,
            "interventions": [i.pk for i in contact.interventions.all()],
            "note": contact.note,
        }


class DrugTestCorrectionForm(DrugTestForm):
    reason = reason_field()

    @staticmethod
    def initial_from(test: DrugTest) -> dict:
        """TEST's values (loaded with its results) as the form's initial."""
        initial = {"taken_at": local_minute(test.taken_at), "sample": test.sample}
        initial.update({f"result_{r.substance}": r.result for r in test.results.all()})
        return initial

    def action_data(self) -> dict:
        """The correction action's arguments (`core.forms.run_action`)."""
        return self.action_kwargs() | {"reason": self.cleaned_data["reason"]}


class DispensingCorrectionForm(DispensingForm):
    reason = reason_field()

    @staticmethod
    def initial_from(dispensing: MedicationDispensing) -> dict:
        return {
            "medication": dispensing.medication,
            "dose": dispensing.dose,
            "dose_unit": dispensing.dose_unit,
            "handed_out_at": local_minute(dispensing.handed_out_at),
            "handed_out_by": dispensing.handed_out_by_id,
        }


# --- The drop-in day ----------------------------------------------------------------------


class DropInDayForm(StaffMixin, forms.Form):
    day = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=DateInput(), validators=[limits.PAST]
    )
    time = forms.TimeField(
        label=_("Time"),
        initial=lambda: now_to_the_minute().time(),
        widget=TimeInput(),
        help_text=_("For every row without a time of its own."),
    )
    duration_minutes = duration_field()
    staff: IdMultipleChoiceField = IdMultipleChoiceField(
        label=_("Staff"),
        queryset=None,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        error_messages={"required": _("Choose at least one staff member.")},
    )

    def __init__(self, *args, staff, writer, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, writer)


class DropInRowForm(forms.Form):
    who = forms.CharField(label=_("Identity number or name"), required=False, max_length=100)
    person = forms.TypedChoiceField(
        label=_("Which person"), coerce=int, required=False, empty_value=None, choices=[]
    )
    time = forms.TimeField(label=_("Time"), required=False, widget=TimeInput())
    attended = forms.BooleanField(label=_("Came"), required=False, initial=True)
    interventions = interventions_field()

    def __init__(self, *args, grouped=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["interventions"])
        field.widget.choices = grouped or grouped_interventions(field.queryset)

    def number_labels(self, number: int) -> None:
        """Name the row in each label, so that every input's name is unique on the page."""
        for field in self.fields.values():
            field.label = _("%(label)s, row %(n)s") % {"label": field.label, "n": number}

    def offer(self, candidates) -> None:
        """Let the user choose among CANDIDATES when the text named more than one person."""
        cast(forms.ChoiceField, self.fields["person"]).choices = [("", _("Choose…"))] + [
            (p.pk, f"{p.family_name}, {p.given_name} ({p.formatted_identity_number})")
            for p in candidates
        ]

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("who") or "").strip()


DropInRows = forms.formset_factory(DropInRowForm, extra=10, max_num=100, absolute_max=100)
