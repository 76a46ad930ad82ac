"""Forms for the person pages: input shape only; the rules live in actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.care.forms import AsRelativeForm
from helhet.core import limits
from helhet.core.forms import DateInput, ModelChoiceField
from helhet.core.models import Municipality, Unit
from helhet.core.versions import FIELD, BasedOnVersion

from . import identity


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Identity number or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class PersonDetailsForm(forms.Form):
    """The details of a person that are typed, at registration and when they change."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    municipality = ModelChoiceField(
        label=_("Municipality of residence"),
        queryset=Municipality.objects.all(),
        required=False,
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    protected_identity = forms.BooleanField(
        label=_("Protected identity (address and contact details shown only to those allowed)"),
        required=False,
    )


class PersonRegisterForm(PersonDetailsForm, AsRelativeForm):
    field_order = ["identity_number"]

    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_("Personnummer, samordningsnummer or reservnummer: YYYYMMDD-NNNN."),
    )
    opened_on = forms.DateField(
        label=_("Episode opened on"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )

    def __init__(self, *args, unit: Unit, serves_relatives: bool | None = None, **kwargs):
        if serves_relatives is None:
            serves_relatives = unit.serves_relatives
        super().__init__(*args, serves_relatives=serves_relatives, **kwargs)
        # At a unit whose target group names municipalities, the typed one decides whether a
        # person may be taken in (people.actions.take_in): the field says so and is required.
        accepted = [municipality.name for municipality in unit.municipalities.all()]
        if accepted:
            field = self.fields["municipality"]
            field.required = True
            field.help_text = _("%(unit)s accepts residents of %(names)s only.") % {
                "unit": unit,
                "names": ", ".join(accepted),
            }

    def clean_identity_number(self) -> identity.IdentityNumber:
        return identity.parse(self.cleaned_data["identity_number"])


class EditForm(BasedOnVersion):
    """An edit form of FIELDS only (what the user may change: `selectors.editable_fields`),
    with the version it was based on."""

    def __init__(self, *args, fields: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields and name != FIELD:
                del self.fields[name]


class PersonEditForm(EditForm, PersonDetailsForm):
    pass


class RelativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(
        label=_("Relation"), max_length=100, help_text=_("For example mother, partner, friend.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    involved = forms.BooleanField(label=_("Involved in the care"), required=False)
    secrecy_requested = forms.BooleanField(
        label=_("The person asks for secrecy towards this relative"), required=False
    )
    may_be_told = forms.CharField(
        label=_("What the relative may be told"),
        help_text=_(
            "In the person's words. Leave empty when the person asks for secrecy towards the "
            "relative: then they are told nothing."
        ),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RelativeEditForm(EditForm, RelativeForm):
    pass
