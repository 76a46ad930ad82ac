"""Swedish identity numbers: every written form, every error code, and properties over all dates.

Test numbers only: Skatteverket's published 19121212-1212 and numbers made by
`make_personnummer`; no real person's number appears here.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from helhet.people.identity import (
    IdentityKind,
    LegalSex,
    age_on,
    luhn_check_digit,
    make_personnummer,
    parse,
)

TODAY = datetime.date(2026, 3, 1)


def error_code(raw: str, today: datetime.date = TODAY) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(raw, today=today)
    return caught.value.code


def short_form(value: str, birth_date: datetime.date, today: datetime.date) -> str:
    """The ten-digit form of a twelve-digit VALUE, with the separator for the age on TODAY."""
    separator = "+" if age_on(birth_date, today) >= 100 else "-"
    return f"{value[2:8]}{separator}{value[8:]}"


# --- Examples: the written forms ------------------------------------------------------------


def test_the_luhn_check_digit_matches_skatteverkets_worked_example():
    assert luhn_check_digit("640823323") == 4


def test_skatteverkets_test_number_parses_as_a_mans_personnummer():
    number = parse("19121212-1212", today=TODAY)
    assert number.value == "191212121212"
    assert number.kind == IdentityKind.PERSONNUMMER
    assert number.birth_date == datetime.date(1912, 12, 12)
    assert number.legal_sex == LegalSex.MALE  # 9th digit 1: odd


@pytest.mark.parametrize(
    "raw",
    [
        "19640823-3234",
        "196408233234",
        "640823-3234",
        "6408233234",
        " 1964 08 23 - 323 4 ",
        "19640823 3234",
        "640823 - 3234",
    ],
)
def test_every_common_written_form_gives_the_same_normalised_number(raw):
    number = parse(raw, today=TODAY)
    assert number.value == "196408233234"
    assert number.birth_date == datetime.date(1964, 8, 23)
    assert number.kind == IdentityKind.PERSONNUMMER
    assert number.legal_sex == LegalSex.MALE  # birth number 323: the last, 3, is odd
    assert str(number) == "19640823-3234"


def test_the_short_form_with_a_minus_means_born_within_the_last_hundred_years():
    assert parse("121212-1212", today=TODAY).birth_date == datetime.date(2012, 12, 12)


def test_the_plus_separator_moves_the_century_back_for_a_centenarian():
    assert parse("121212+1212", today=TODAY).birth_date == datetime.date(1912, 12, 12)


def test_the_century_is_read_relative_to_the_day_the_number_is_read_on():
    # On 1999-01-01 "121212-1212" cannot be 2012: it is someone born in 1912 (then 86).
    assert parse("121212-1212", today=datetime.date(1999, 1, 1)).birth_date == datetime.date(
        1912, 12, 12
    )


def test_a_99_year_old_born_later_in_the_year_than_today_gets_the_right_century():
    # Born 1925-12-31, so 99 years old on 2025-06-01: the short form takes "-", and must not
    # be read as a birth date later this year.
    value = make_personnummer(datetime.date(1925, 12, 31), 123)
    number = parse(f"{value[2:8]}-{value[8:]}", today=datetime.date(2025, 6, 1))
    assert number.birth_date == datetime.date(1925, 12, 31)


def test_a_samordningsnummer_has_sixty_added_to_the_day():
    value = make_personnummer(datetime.date(1990, 4, 7), 457, coordination=True)
    assert value[6:8] == "67"
    number = parse(value, today=TODAY)
    assert number.kind == IdentityKind.SAMORDNINGSNUMMER
    assert number.birth_date == datetime.date(1990, 4, 7)
    assert number.legal_sex == LegalSex.MALE  # birth number 457: 5 is odd


def test_a_reservnummer_has_letters_in_the_last_four_and_an_unknown_sex():
    number = parse("19850312-R123", today=TODAY)
    assert number.value == "19850312R123"
    assert number.kind == IdentityKind.RESERVNUMMER
    assert number.birth_date == datetime.date(1985, 3, 12)
    assert number.legal_sex == LegalSex.UNKNOWN


def test_a_reservnummer_is_accepted_in_lower_case_and_normalised():
    assert parse("19850312r123", today=TODAY).value == "19850312R123"


# --- Examples: the errors, each with its code ------------------------------------------------


@pytest.mark.parametrize(
    "raw, code",
    [
        ("19121212-1213", "checksum"),
        ("121212-1211", "checksum"),
        ("19990230-1234", "date"),
        ("19991301-1234", "date"),
        ("990230-1234", "date"),
        ("19850332-R123", "date"),
        ("20990101-1234", "future"),
        ("20260302-R123", "future"),
        ("hello", "format"),
        ("1912121-21212", "format"),
        ("19121212-121", "format"),
        ("121212-R123", "format"),
        ("19121212/1212", "format"),
        ("", "required"),
        ("   ", "required"),
        ("19121212+1212", "plus_in_long_form"),
    ],
)
def test_invalid_numbers_are_refused_with_a_code_that_says_why(raw, code):
    assert error_code(raw) == code


def test_none_is_refused_as_missing():
    assert error_code(None) == "required"


def test_a_birth_date_later_today_is_in_the_future_but_today_is_not():
    today = datetime.date(2026, 3, 1)
    assert parse(make_personnummer(today, 123), today=today).birth_date == today
    assert error_code(make_personnummer(datetime.date(2026, 3, 2), 123), today) == "future"


# --- Properties ------------------------------------------------------------------------------

FIRST = datetime.date(1900, 1, 1)
birth_numbers = st.integers(min_value=0, max_value=999)


@st.composite
def birth_and_today(draw):
    """A day to read the number on (up to 2099, so ages stay under 200) and a birth date."""
    today = draw(st.dates(min_value=FIRST, max_value=datetime.date(2099, 12, 31)))
    return draw(st.dates(min_value=FIRST, max_value=today)), today


@given(birth_and_today(), birth_numbers)
@example((datetime.date(1925, 12, 31), datetime.date(2025, 6, 1)), 123)
@example((datetime.date(1925, 6, 1), datetime.date(2025, 6, 1)), 0)
@example((datetime.date(1925, 6, 2), datetime.date(2025, 6, 1)), 999)
def test_a_made_personnummer_parses_back_in_both_forms(dates, birth_number):
    birth_date, today = dates
    value = make_personnummer(birth_date, birth_number)
    long = parse(value, today=today)
    assert (long.value, long.kind, long.birth_date) == (
        value,
        IdentityKind.PERSONNUMMER,
        birth_date,
    )
    assert long.legal_sex == (LegalSex.MALE if birth_number % 2 else LegalSex.FEMALE)
    assert parse(short_form(value, birth_date, today), today=today) == long


@given(birth_and_today(), birth_numbers)
@example((datetime.date(1925, 12, 31), datetime.date(2025, 6, 1)), 123)
def test_a_made_samordningsnummer_parses_back_to_the_real_birth_date(dates, birth_number):
    birth_date, today = dates
    value = make_personnummer(birth_date, birth_number, coordination=True)
    number = parse(value, today=today)
    assert (number.value, number.kind, number.birth_date) == (
        value,
        IdentityKind.SAMORDNINGSNUMMER,
        birth_date,
    )
    assert parse(short_form(value, birth_date, today), today=today) == number


@given(
    st.dates(min_value=FIRST, max_value=TODAY),
    birth_numbers,
    st.booleans(),
    st.integers(min_value=2, max_value=11),
    st.integers(min_value=1, max_value=9),
)
def test_changing_any_single_digit_under_the_check_digit_is_refused(
    birth_date, birth_number, coordination, position, shift
):
    # The century (positions 0-1) lies outside the ten digits the check digit covers, by the
    # national standard; every other single-digit typing error must be caught (Luhn catches
    # them all; an impossible date or a future one is a refusal too).
    value = make_personnummer(birth_date, birth_number, coordination=coordination)
    wrong = str((int(value[position]) + shift) % 10)
    typo = value[:position] + wrong + value[position + 1 :]
    with pytest.raises(ValidationError):
        parse(typo, today=TODAY)


@given(st.dates(min_value=FIRST, max_value=TODAY))
def test_a_person_is_zero_years_old_on_the_day_of_birth(birth_date):
    assert age_on(birth_date, birth_date) == 0


@given(
    st.dates(min_value=FIRST, max_value=datetime.date(2050, 12, 31)).filter(
        lambda d: (d.month, d.day) != (2, 29)
    ),
    st.integers(min_value=1, max_value=120),
)
def test_age_goes_up_by_one_exactly_on_each_birthday(birth_date, years):
    birthday = birth_date.replace(year=birth_date.year + years)
    assert age_on(birth_date, birthday) == years
    assert age_on(birth_date, birthday - datetime.timedelta(days=1)) == years - 1


@given(
    st.dates(min_value=FIRST, max_value=datetime.date(2050, 12, 31)),
    st.integers(min_value=0, max_value=150 * 366),
)
def test_age_never_falls_and_rises_at_most_one_year_a_day(birth_date, days):
    on = birth_date + datetime.timedelta(days=days)
    age, next_day_age = age_on(birth_date, on), age_on(birth_date, on + datetime.timedelta(1))
    assert 0 <= age <= days // 365
    assert next_day_age - age in (0, 1)
