"""Forms for the access pages: input shape only; the rules live in actions."""

import datetime
from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.converters import parse_id
from helhet.core.forms import DateInput
from helhet.people import identity
from helhet.people.models import Person, Relative

from .actions import EMERGENCY_REASON_MIN_LENGTH, EMERGENCY_REASON_MIN_WORDS, SAMPLE_MAX
from .consent_scope import (
    Direction,
    Disclosure,
    Preset,
    is_minor,
    preset_content,
)
from .models import Consent, EmergencyAccess, RecordCategory
from .review import LogFilter


class ConsentForm(forms.Form):
    """A consent at one unit, for one person: a preset or the directions that apply to them,
    the relatives, and who gave it (the guardian fields for a minor only).

    Without JavaScript the grid of directions is always shown, and a preset other than
    "Choose myself" wins over it: its boxes are then not read.
    """

    form = forms.ChoiceField(label=_("Form of consent"), choices=Consent.Form.choices)
    preset = forms.ChoiceField(
        label=_("What does the person consent to?"),
        choices=Preset.choices,
        widget=forms.RadioSelect,
        # What the presets hold: consent_scope.COORDINATION_CATEGORIES (all but record notes).
        help_text=_(
            "Everything needed for coordination: coordination within the unit, and every kind "
            "of record but the record notes, both ways between the organisations below. Nothing "
            "but coordination: coordination within the unit, and no records disclosed. Choose "
            "myself: tick below."
        ),
    )
    coordination = forms.BooleanField(
        label=_("Coordination within the unit"),
        required=False,
        help_text=_("Staff of every organisation at the unit may coordinate the person's care."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.DateRange(years_ahead=limits.CONSENT_START_YEARS)],
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        validators=[limits.DateRange(years_ahead=limits.CONSENT_YEARS)],
        help_text=_("Leave empty for a consent until further notice."),
    )

    def __init__(
        self,
        *args,
        person: Person,
        directions: list[Direction],
        relatives: list[Relative],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.person, self.directions, self.relatives = person, directions, relatives
        for direction in directions:
            self.fields[direction.field_name] = forms.MultipleChoiceField(
                label=_("From %(source)s to %(target)s")
                % {"source": direction.source, "target": direction.target},
                choices=RecordCategory.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for relative in relatives:
            self.fields[f"relative_{relative.pk}"] = _relative_field(relative)
        self.minor = is_minor(person, self._first_day())
        if self.minor:
            self.fields.update(_guardian_fields())

    def _first_day(self) -> datetime.date:
        """The consent's first day as posted, else today: whether the person is a minor."""
        try:
            return self.fields["valid_from"].clean(self.data.get("valid_from")) or today()
        except ValidationError:
            return today()

    @property
    def main_fields(self):
        return [self["form"], self["preset"]]

    @property
    def disclosure_fields(self):
        """The directions' fields, read only with "Choose myself" (as is coordination)."""
        return [self[d.field_name] for d in self.directions]

    @property
    def giver_fields(self):
        names = ("given_by", "guardian_names", "maturity_note") if self.minor else ()
        return [self[name] for name in (*names, "valid_from", "valid_until")]

    @property
    def relative_fields(self):
        return [self[f"relative_{r.pk}"] for r in self.relatives]

    def action_data(self) -> dict:
        """The cleaned data as keyword arguments of `actions.consent_record`."""
        data = self.cleaned_data
        if data["preset"] == Preset.CHOOSE:
            coordination = data["coordination"]
            disclosures = [
                (*d.key, category) for d in self.directions for category in data[d.field_name]
            ]
        else:
            coordination, disclosures = preset_content(data["preset"], self.directions)
        relatives = {
            r.pk: data[f"relative_{r.pk}"]
            for r in self.relatives
            if data[f"relative_{r.pk}"].strip()
        }
        return {
            **{n: data[n] for n in ("form", "valid_from", "valid_until")},
            **self._giver(),
            "coordination": coordination,
            "disclosures": disclosures + self._not_offered(),
            "relatives": relatives,
        }

    def _giver(self) -> dict[str, str]:
        """Who gave the consent: a minor's fields; for an adult, whatever was posted by hand
        under those names (the form has no such fields), for the action to refuse."""
        names = ("given_by", "guardian_names", "maturity_note")
        if self.minor:
            return {n: self.cleaned_data[n] for n in names}
        posted = {n: str(self.data.get(n) or "") for n in names}
        return {**posted, "given_by": posted["given_by"] or Consent.GivenBy.PERSON}

    def _not_offered(self) -> list[Disclosure]:
        """Disclosures posted by hand in a direction the form does not offer: passed on, so
        that the action refuses them with its reason (an unreadable id as 0, which no
        organisation has)."""
        getlist = getattr(self.data, "getlist", lambda key: [self.data[key]])
        found = []
        for key in self.data:
            if key.startswith("disclose_") and key not in self.fields:
                source, _sep, target = key.removeprefix("disclose_").partition("_")
                ids = parse_id(source) or 0, parse_id(target) or 0
                found += [(*ids, str(category)) for category in getlist(key)]
        return found


def today() -> datetime.date:
    return timezone.localdate()


def _relative_field(relative: Relative) -> forms.CharField:
    help_text = _("Leave empty to tell this relative nothing.")
    if relative.secrecy_requested:
        help_text = _(
            "The person has asked for secrecy towards this relative. "
            "Leave empty to tell this relative nothing."
        )
    return forms.CharField(
        label=_("What may %(name)s (%(relation)s) be told?")
        % {"name": relative.name, "relation": relative.relation},
        required=False,
        max_length=300,
        help_text=help_text,
    )


def _guardian_fields() -> dict[str, forms.Field]:
    """A minor's: who gave the consent (a guardian, both, or the minor judged mature enough)."""
    minors = [(v, label) for v, label in Consent.GivenBy.choices if v != Consent.GivenBy.PERSON]
    return {
        "given_by": forms.ChoiceField(
            label=_("Given by"),
            choices=minors,
            required=False,  # none chosen: the action says what a minor's consent needs
            widget=forms.RadioSelect,
            help_text=_("A guardian, both guardians, or the minor when judged mature enough."),
        ),
        "guardian_names": forms.CharField(
            label=_("Guardians' names"), required=False, max_length=300
        ),
        "maturity_note": forms.CharField(
            label=_("Assessment of the minor's maturity"),
            required=False,
            max_length=limits.TEXT_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    }


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Withdrawn on"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    withdrawn_by = forms.CharField(
        label=_("Withdrawn by"), max_length=200, help_text=_("For example: the person, a guardian.")
    )


class EmergencyForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Identity number"), max_length=20, help_text=_("YYYYMMDD-NNNN")
    )
    reason_kind = forms.ChoiceField(
        label=_("Kind of reason"),
        choices=EmergencyAccess.ReasonKind.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Why do you need the person's records now, without a care relationship? "
            "In words: at least %(words)s different words and %(n)s characters."
        )
        % {"words": EMERGENCY_REASON_MIN_WORDS, "n": EMERGENCY_REASON_MIN_LENGTH},
    )
    hours = forms.IntegerField(label=_("For how many hours"))  # bounds: the action's

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        most = settings.HELHET_EMERGENCY_ACCESS_HOURS
        self.fields["hours"].initial = most
        self.fields["hours"].widget.attrs.update(min=1, max=most)
        self.fields["hours"].help_text = _("1 to %(n)s hours.") % {"n": most}

    def clean_identity_number(self) -> str:
        return identity.parse(self.cleaned_data["identity_number"]).value

    def action_data(self) -> dict:
        """The arguments of `actions.emergency_access_take` (the person is looked up first)."""
        return {name: self.cleaned_data[name] for name in ("reason_kind", "reason", "hours")}


class LogFilterForm(forms.Form):
    person = forms.CharField(
        label=_("Person (identity number or part of it)"), required=False, max_length=20
    )
    user = forms.CharField(label=_("User (username)"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[limits.FILTER_RANGE]
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[limits.FILTER_RANGE]
    )
    emergency = forms.BooleanField(label=_("Emergency access"), required=False)
    protected_identity = forms.BooleanField(label=_("Protected identity"), required=False)
    without_relationship = forms.BooleanField(label=_("Without relationship"), required=False)
    repeated_refusals = forms.BooleanField(label=_("Repeated refusals"), required=False)
    unreviewed = forms.BooleanField(label=_("Not yet reviewed"), required=False)

    def log_filter(self) -> LogFilter | None:
        """The filter to apply, or None for invalid input (no rows then; the errors are shown,
        and a sample is never drawn from a filter the reviewer did not mean)."""
        return LogFilter(**self.cleaned_data) if self.is_valid() else None


class LogSampleForm(forms.Form):
    size = forms.IntegerField(
        label=_("Number of rows"), initial=20, min_value=1, max_value=SAMPLE_MAX
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class RowIdsField(forms.Field):
    """The ids of the rows ticked in the log table (checkboxes named like the field)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = [parse_id(str(v)) for v in value or []]
        if None in ids:
            raise ValidationError(_("Choose rows from the table."))
        return cast(list[int], ids)


class LogMarkForm(forms.Form):
    entry_ids = RowIdsField(
        label=_("Rows"),
        error_messages={"required": _("Choose at least one row that is not yet reviewed.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class BlockForm(forms.Form):
    """The person's request to block the records at the unit."""

    requested_on = forms.DateField(
        label=_("The person asked on"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    person_asked = forms.BooleanField(
        label=_("The person asked for the block, and I took the request."),
        error_messages={"required": _("Only the person's own request blocks the records.")},
    )

    def action_data(self) -> dict:
        return {"requested_on": self.cleaned_data["requested_on"]}


class BlockLiftForm(forms.Form):
    """The person's request to lift a block."""

    lifted_on = forms.DateField(
        label=_("The person asked on"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    person_asked = forms.BooleanField(
        label=_("The person asked to lift the block, and I took the request."),
        error_messages={"required": _("Only the person's own request lifts a block.")},
    )

    def action_data(self) -> dict:
        return {"lifted_on": self.cleaned_data["lifted_on"]}
