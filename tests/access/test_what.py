"""The access log's "what" texts: stored in English from one catalogue, shown translated."""

import re
from pathlib import Path

import pytest
from django.urls import URLResolver, get_resolver
from django.utils import translation

from helhet.access.what import (
    AFTER_FOUND,
    DETAILS,
    NO_PERSON,
    PAGES,
    WHAT,
    describe,
    no_person,
    what,
)

SOURCE = Path(__file__).resolve().parents[2] / "src" / "helhet"
LITERAL = re.compile(r"""what=["']([^"']+)["']""")


def test_every_literal_log_text_in_the_code_is_in_the_catalogue():
    literals = {
        (path.name, text)
        for path in SOURCE.rglob("*.py")
        for text in LITERAL.findall(path.read_text())
    }
    assert literals, "the scan found no literal log text at all: the scan itself is broken"
    assert {text for _name, text in literals} <= set(WHAT), sorted(
        (name, text) for name, text in literals if text not in WHAT
    )


def test_a_phrase_outside_the_catalogue_is_refused():
    with pytest.raises(ValueError):
        what("episode at the clinic")


def test_the_detail_is_kept_as_stored_and_the_phrase_is_translated():
    stored = what("episode closed", "Socialmedicinska mottagningen")
    assert stored == "episode closed: Socialmedicinska mottagningen"
    with translation.override("en"):
        assert describe(stored) == "episode closed: Socialmedicinska mottagningen"
    with translation.override("sv"):
        swedish = describe(stored)
    assert swedish.endswith(": Socialmedicinska mottagningen")


def test_text_outside_the_catalogue_is_shown_as_stored():
    assert describe("something older: 12") == "something older: 12"


# --- What changed and which page was refused: shown in the reader's language ----------------


def swedish(stored: str) -> str:
    with translation.override("sv"):
        return describe(stored)


def test_a_person_edits_fields_are_shown_by_their_names_in_the_users_language():
    stored = what("person details changed", "address, postal_code")
    assert stored == "person details changed: address, postal_code"  # stored as it was
    with translation.override("en"):
        assert describe(stored) == "person's details changed: address, postal code"
    assert swedish(stored) == "personens uppgifter ändrade: adress, postnummer"


def test_a_relative_edits_fields_are_shown_by_their_names():
    assert swedish(what("relative changed", "phone, involved")) == (
        "anhörigs uppgifter ändrade: telefon, delaktig i vården"
    )


def test_a_field_the_model_no_longer_has_is_shown_as_stored():
    assert swedish("person details changed: shoe_size, city").endswith(": shoe_size, postort")


def test_a_refused_page_is_shown_by_its_description_not_its_url_name():
    assert swedish(what("request refused", "plans:sip_print")) == "begäran nekad: utskrift av SIP"
    assert swedish(what("request refused", "people:overview, no person with id 12")) == (
        "begäran nekad: översikt, ingen person med id 12"
    )
    assert swedish(what("request refused", "contacts:list, after the person was found")) == (
        "begäran nekad: kontakter, efter att personen hittats"
    )


def test_a_url_name_without_a_description_is_shown_as_stored():
    assert swedish("request refused: core:start") == "begäran nekad: core:start"


def test_a_refused_registrations_reason_is_translated():
    assert swedish(what("registration refused", "outside the target group")) == (
        "registrering nekad: utanför målgruppen"
    )


def test_the_detail_of_another_phrase_is_not_read_as_a_page_or_fields():
    assert swedish(what("episode closed", "people:overview")).endswith(": people:overview")


def test_every_person_url_has_a_description_for_its_refused_rows():
    from ..test_access_matrix import person_data_url_names

    names = {name for name, _route in person_data_url_names()}
    assert names, "the URL walk found no person URL at all: the walk itself is broken"
    assert not names - set(PAGES), f"person URLs without a description: {names - set(PAGES)}"


def url_names(resolver=None, prefix=""):
    """The name of every URL pattern, with its namespaces."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_names(
                entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            )
        elif entry.name:
            yield f"{prefix}{entry.name}"


def test_every_description_names_a_url_that_exists():
    assert set(PAGES) <= set(url_names()), sorted(set(PAGES) - set(url_names()))


REASON = re.compile(r"""reason=["']([^"']+)["']|self\.reason = ["']([^"']+)["']""")


def test_every_refusal_reason_in_the_code_is_translated():
    reasons = {
        text
        for path in SOURCE.rglob("actions.py")
        for found in REASON.findall(path.read_text())
        for text in found
        if text
    }
    assert reasons, "the scan found no refusal reason: the scan itself is broken"
    assert reasons <= set(DETAILS), sorted(reasons - set(DETAILS))


def test_the_refused_rows_details_are_the_ones_described():
    assert NO_PERSON.fullmatch(no_person(12))
    assert AFTER_FOUND in DETAILS
