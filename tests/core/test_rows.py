"""The rows templates (core/rows.py): Jinja2, escaped, strict, and without words of their own
(every word a user reads comes translated from the page or from Python)."""

import re
from pathlib import Path

import jinja2
import pytest
from django.template import Context, Template

from helhet.core import rows

SOURCE = Path(rows.__file__).resolve().parents[1]
ROWS_TEMPLATES = sorted(SOURCE.glob("*/jinja2/**/*.html"))
# What may stand between the tags: punctuation and spacing, no letters.
WORDLESS = re.compile(r"[^\w]*")


def test_there_are_rows_templates():
    names = {path.relative_to(SOURCE).as_posix() for path in ROWS_TEMPLATES}
    assert "bookings/jinja2/bookings/rows.html" in names
    assert "contacts/jinja2/contacts/rows.html" in names


def words_outside_tags(text: str) -> list[str]:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)  # comments
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", text, flags=re.S)  # tags and values
    text = re.sub(r"<[^>]*>", "", text)  # HTML tags and their attributes
    text = re.sub(r"&\w+;", "", text)  # entities
    return [] if WORDLESS.fullmatch(text) else text.split()


@pytest.mark.parametrize("path", ROWS_TEMPLATES, ids=lambda p: p.name)
def test_a_rows_template_has_no_words_of_its_own(path):
    assert not words_outside_tags(path.read_text()), path


def test_the_tag_renders_escaped_html():
    page = Template(
        '{% load helhet_rows %}{% rows "contacts/correction_cell.html" r=r label=label '
        "may_record=True words=words %}"
    )
    record = type("Record", (), {"corrects_id": None, "may_correct": True, "correct_url": "/x/"})()
    html = page.render(
        Context({"r": record, "label": "<b>1</b>", "words": {"correct": "Rätta <i>"}})
    )
    assert (
        '<a href="/x/">Rätta &lt;i&gt;<span class="visually-hidden"> '
        "&lt;b&gt;1&lt;/b&gt;</span></a>" in html
    )


def test_a_name_the_template_does_not_get_fails_loudly():
    with pytest.raises(jinja2.UndefinedError):
        rows.render("contacts/correction_cell.html", {"r": None})


def test_a_word_of_its_own_would_be_found():
    assert words_outside_tags('<td class="x">{{ a }} Bokad</td>') == ["Bokad"]
    assert not words_outside_tags('<td class="x">{{ a }} · {% if b %}–{% endif %}</td>')
