"""Identity numbers are ASCII: digits typed in another script are read as the ASCII ones and
never stored as typed, letters outside A-Z are refused, so one person has one number."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.people.identity import make_personnummer, parse, validate_identity_number
from helhet.people.models import Person

from .test_register import form, register
from .utils import log_in

NUMBER = make_personnummer(datetime.date(1990, 3, 4), 123)
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def typed(number: str, script: dict) -> str:
    return f"{number[:8]}-{number[8:]}".translate(script)


@pytest.mark.parametrize("script", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_digits_of_another_script_give_the_ascii_number(script):
    text = typed(NUMBER, script)
    assert not text.isascii()
    assert parse(text).value == NUMBER
    assert parse(text[2:]).value == NUMBER  # the ten-digit form too


@pytest.mark.parametrize("raw", ["19900517-ßß", "19900517-ẞẞ", "19900517-ÅR12", "19900517-Я123"])
def test_a_reservnummer_letter_outside_a_to_z_is_refused_not_expanded(raw):
    with pytest.raises(ValidationError) as error:
        parse(raw)
    assert error.value.code == "not_ascii"


def test_an_ascii_reservnummer_is_still_accepted():
    assert parse("19900517-ss12").value == "19900517SS12"


def test_the_model_refuses_a_number_not_in_its_stored_ascii_form():
    validate_identity_number(NUMBER)
    for stored_as_typed in (NUMBER.translate(FULL_WIDTH), NUMBER.translate(ARABIC_INDIC)):
        with pytest.raises(ValidationError):
            validate_identity_number(stored_as_typed)


@pytest.mark.parametrize("script", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_registering_in_another_script_stores_ascii_and_finds_the_same_person(
    client, county, script
):
    log_in(client, county.nurse)
    register(client, form(county, identity_number=typed(NUMBER, script)))
    person = Person.objects.get(identity_number=NUMBER)
    assert person.identity_number.isascii()
    # the same number typed in ASCII is the same person: not registered twice
    register(client, form(county, identity_number=typed(NUMBER, {})))
    assert Person.objects.filter(given_name="Sven").count() == 1


def test_a_reservnummer_with_sharp_s_is_refused_on_the_form_and_nothing_saved(client, county):
    log_in(client, county.nurse)
    response = register(client, form(county, identity_number="19900517-ßß"))
    assert response.status_code == 200
    assert "digits 0-9 and the letters A-Z" in response.text
    assert not Person.objects.filter(identity_number__startswith="19900517").exists()


@pytest.mark.parametrize("script", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_search_by_number_in_another_script_finds_the_person(client, county, script):
    log_in(client, county.nurse)
    number = county.patient.identity_number
    whole = client.get(reverse("people:search"), {"q": typed(number, script)})
    assert "Tolvansson, Tolvan" in whole.text
    part = client.get(reverse("people:search"), {"q": number[:8].translate(script)})
    assert "Tolvansson, Tolvan" in part.text


@pytest.mark.parametrize("raw", ["18991231-R123", "00010101-R123", "18991231-1234"])
def test_a_birth_date_before_1900_is_refused(raw):
    with pytest.raises(ValidationError) as error:
        parse(raw)
    assert error.value.code == "too_early"
