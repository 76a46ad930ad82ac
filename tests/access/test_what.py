"""The access log's "what" texts: stored in English from one catalogue, shown translated."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from helhet.access.what import WHAT, describe, what

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
