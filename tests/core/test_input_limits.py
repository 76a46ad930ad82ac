"""Every text a person types has a maximum length, every number typed has bounds and every date
typed a sensible range (`core/limits.py`): the forms and the models are walked, so a new field
without one fails here."""

import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.validators import MaxValueValidator
from django.db import models

import helhet
from helhet.core.forms import IdMultipleChoiceField, PlainChoiceIterator
from helhet.core.limits import EARLIEST_DATE, DateRange, years_after

# Bounds kept elsewhere, each with the reason.
NUMBERS_BOUNDED_ELSEWHERE = {
    # 1 to HELHET_EMERGENCY_ACCESS_HOURS, a setting: the action checks it, with its own message
    "helhet.access.forms.EmergencyForm.hours",
}
# Model texts nobody types.
UNTYPED_TEXTS = {
    "followup.ExportJob.message",  # the export task's own message
    "access.AccessLogEntry.listed",  # the persons a list showed, written by the log, sealed
}


def helhet_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(helhet.__path__, "helhet."):
        if ".migrations" not in module.name and not module.name.endswith(("wsgi", "cli")):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("helhet."):
                found.append(sub)
    return found


FIELDS = [
    (f"{form.__module__}.{form.__name__}.{name}", field)
    for form in helhet_forms()
    for name, field in form.base_fields.items()
]


def test_the_walk_finds_the_forms_people_fill_in():
    names = {name for name, _field in FIELDS}
    assert "helhet.contacts.forms.ContactForm.note" in names
    assert "helhet.intake.forms.SelfReferralForm.message" in names
    assert "helhet.plans.forms.PlanForm.review_on" in names
    assert len(FIELDS) > 100


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n, f in FIELDS if isinstance(f, forms.CharField)]
)
def test_every_text_field_of_a_form_has_a_maximum_length(name, field):
    assert field.max_length is not None, f"{name}: no max_length"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        (n, f)
        for n, f in FIELDS
        if isinstance(f, forms.IntegerField | forms.DecimalField | forms.FloatField)
        and n not in NUMBERS_BOUNDED_ELSEWHERE
    ],
)
def test_every_number_field_of_a_form_has_a_minimum_and_a_maximum(name, field):
    assert field.min_value is not None and field.max_value is not None, name


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n, f in FIELDS if isinstance(f, forms.DateField)]
)
def test_every_date_field_of_a_form_has_a_range(name, field):
    ranges = [v for v in field.validators if isinstance(v, DateRange)]
    assert ranges, f"{name}: no DateRange"
    with pytest.raises(forms.ValidationError):
        field.clean("0001-01-01")


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n, f in FIELDS if isinstance(f, forms.DateTimeField)]
)
def test_every_date_and_time_field_of_a_form_has_a_range(name, field):
    assert any(isinstance(v, DateRange) for v in field.validators), f"{name}: no DateRange"
    with pytest.raises(forms.ValidationError):
        field.clean("0001-01-01T10:00")


MODEL_TEXTS = [
    (f"{model._meta.label}.{field.name}", field)
    for model in apps.get_app_config("core").apps.get_models()
    if model.__module__.startswith("helhet.")
    for field in model._meta.get_fields()
    if isinstance(field, models.CharField | models.TextField)
]


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n, f in MODEL_TEXTS if n not in UNTYPED_TEXTS]
)
def test_every_text_of_a_model_has_a_maximum_length(name, field):
    assert field.max_length is not None, f"{name}: no max_length"


ADMIN_NUMBERS = [
    (f"{model._meta.label}.{field.name}", field)
    for model in admin.site._registry
    if model.__module__.startswith("helhet.")
    for field in model._meta.get_fields()
    if isinstance(field, models.IntegerField | models.DecimalField)
    and field.editable
    and not field.primary_key
]


@pytest.mark.parametrize(("name", "field"), ADMIN_NUMBERS)
def test_every_number_an_administrator_types_has_a_maximum(name, field):
    assert any(isinstance(v, MaxValueValidator) for v in field.validators), name


# --- The range itself -----------------------------------------------------------------------


@pytest.mark.parametrize("years_ahead", [None, 0, 2])
def test_year_1_and_1899_are_too_early_for_every_range(years_ahead):
    import datetime

    check = DateRange(years_ahead=years_ahead)
    for day in (datetime.date(1, 1, 1), datetime.date(1899, 12, 31)):
        with pytest.raises(forms.ValidationError) as error:
            check(day)
        assert error.value.code == "date_too_early"
    check(EARLIEST_DATE)


def test_a_range_ends_its_years_after_today():
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    check = DateRange(years_ahead=2)
    check(years_after(today, 2))
    with pytest.raises(forms.ValidationError) as error:
        check(years_after(today, 2) + datetime.timedelta(days=1))
    assert error.value.code == "date_too_late"
    with pytest.raises(forms.ValidationError):
        check(datetime.date(9999, 12, 31))


def test_years_after_a_leap_day_is_the_28th_of_february():
    import datetime

    assert years_after(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert years_after(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("name", "field"),
    [(n, f) for n, f in FIELDS if isinstance(f, forms.ModelMultipleChoiceField)],
)
def test_every_multi_select_refuses_a_huge_id_as_an_invalid_choice(name, field):
    """`core.forms.IdMultipleChoiceField`: a huge number overflows SQLite's integer (a 500)."""
    assert isinstance(field, IdMultipleChoiceField), name


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9" * 30, "-1", "abc", "1e3", "١"])
def test_a_value_that_is_no_id_is_not_a_valid_choice(value):
    from helhet.core.models import Unit

    field = IdMultipleChoiceField(queryset=Unit.objects.all())
    with pytest.raises(forms.ValidationError) as error:
        field.clean([value])
    assert error.value.code == "invalid_choice"


@pytest.mark.parametrize(
    ("name", "field"), [(n, f) for n, f in FIELDS if isinstance(f, forms.ModelChoiceField)]
)
def test_every_model_choice_reads_its_choices_with_a_plain_query(name, field):
    """`core.forms.PlainChoiceIterator`: Django's reads them through a server-side cursor on
    PostgreSQL, declared WITH HOLD outside a transaction (three statements more a select)."""
    assert field.iterator is PlainChoiceIterator, name


@pytest.mark.django_db
def test_a_plain_choice_iterator_reads_the_choices_in_one_query(django_assert_num_queries):
    from helhet.core.forms import ModelChoiceField
    from helhet.core.models import Municipality

    field = ModelChoiceField(queryset=Municipality.objects.order_by("name"))
    with django_assert_num_queries(1) as captured:
        choices = list(iter(field.choices))
    assert len(choices) == Municipality.objects.count() + 1
    assert "CURSOR" not in captured.captured_queries[0]["sql"].upper()


def test_the_walk_finds_the_multi_selects():
    multi = {n for n, f in FIELDS if isinstance(f, forms.ModelMultipleChoiceField)}
    assert "helhet.contacts.forms.ContactForm.staff" in multi
    assert "helhet.intake.forms.AcceptForm.case_managers" in multi
