"""A unit's own (official, licensed) texts replace the words of a bundled instrument, never its
scoring. The texts below are made up for the tests: "Officiell fråga 1", not the real form."""

import json

import pytest
from django.utils import translation

from helhet.assessments.instruments import InstrumentError, apply_texts, load_unit_texts
from helhet.assessments.scoring import score

from .utils import AUDIT, DUDIT, form


def official_texts(instrument=AUDIT, **changes) -> dict:
    """A complete texts file for INSTRUMENT, Swedish only, with made-up 'official' wording."""
    data = {
        "format": "helhet-instrument-texts/1",
        "instrument": instrument.code,
        "text_source": f"{instrument.name}, officiell svensk version (testtext)",
        "items": [
            {
                "number": item.number,
                "text": {"sv": f"Officiell fråga {item.number}"},
                "options": [
                    {"score": option.score, "label": {"sv": f"Svar {item.number}.{option.score}"}}
                    for option in item.options
                ],
            }
            for item in instrument.items
        ],
    }
    return data | changes


def write(tmp_path, data) -> str:
    path = tmp_path / "texts.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_unit_file_replaces_the_swedish_texts_and_keeps_the_scoring(tmp_path):
    official = load_unit_texts(write(tmp_path, official_texts()))

    assert official.item(1).text.sv == "Officiell fråga 1"
    assert official.item(9).options[1].label.sv == "Svar 9.2"
    # The source note is the unit's: its Swedish stands for the English too.
    assert official.text_source.sv == official.text_source.en
    assert official.text_source.sv == "AUDIT, officiell svensk version (testtext)"
    # English was left out, so the bundled English stays.
    assert official.item(1).text.en == AUDIT.item(1).text.en
    # Scoring is the bundled instrument's.
    assert [item.scores for item in official.items] == [item.scores for item in AUDIT.items]
    assert (official.zones, official.cutoffs, official.zone_raise) == (
        AUDIT.zones,
        AUDIT.cutoffs,
        AUDIT.zone_raise,
    )
    answers = form(3, 2, 2, 0, 2, 0, 1, 0, 0, 0)
    assert score(official, answers, sex="male", age=30).zone.code == "III"


def test_the_bundled_instrument_is_unchanged_after_a_unit_loads_its_texts(tmp_path):
    before = AUDIT.item(1).text
    load_unit_texts(write(tmp_path, official_texts()))

    assert AUDIT.item(1).text == before
    assert AUDIT.text_source.en.startswith("Helhet placeholder wording")
    assert AUDIT.text_source.sv.startswith("Helhets platshållartext")


def test_a_unit_file_may_give_english_and_a_title_too():
    data = official_texts(title={"sv": "AUDIT (officiell)", "en": "AUDIT (official)"})
    data["items"][0]["text"]["en"] = "Official question 1"

    official = apply_texts(AUDIT, data)

    assert official.title.en == "AUDIT (official)"
    assert official.item(1).text.en == "Official question 1"


def test_a_unit_file_may_give_its_source_note_in_swedish_and_english():
    note = {"sv": "AUDIT, officiell svensk version", "en": "AUDIT, official Swedish version"}

    official = apply_texts(AUDIT, official_texts(text_source=note))

    with translation.override("sv"):
        assert str(official.text_source) == "AUDIT, officiell svensk version"
    with translation.override("en"):
        assert str(official.text_source) == "AUDIT, official Swedish version"


def test_a_unit_file_whose_source_note_has_no_swedish_is_refused():
    with pytest.raises(InstrumentError, match="text_source: missing 'sv'"):
        apply_texts(AUDIT, official_texts(text_source={"en": "AUDIT, official"}))


def test_options_may_be_listed_in_the_order_of_the_official_form():
    data = official_texts()
    data["items"][0]["options"].reverse()

    official = apply_texts(AUDIT, data)

    assert official.item(1).scores == (4, 3, 2, 1, 0)
    assert score(official, {1: 4}, sex="male", age=30).answers == {1: 4}


def test_a_unit_file_for_dudit_is_found_by_its_instrument_code(tmp_path):
    official = load_unit_texts(write(tmp_path, official_texts(DUDIT)))

    assert official.code == "dudit"
    assert official.item(11).text.sv == "Officiell fråga 11"


def _drop_item_10(data):
    del data["items"][9]


def _add_item_11(data):
    data["items"].append({**data["items"][0], "number": 11})


def _repeat_item_1(data):
    data["items"][1] = {**data["items"][0]}


def _item_1_twice(data):
    data["items"].append({**data["items"][0]})


def _change_item_9_scores(data):
    for option, new in zip(data["items"][8]["options"], (0, 1, 2), strict=True):
        option["score"] = new


def _drop_an_option(data):
    data["items"][2]["options"].pop()


def _carry_zones(data):
    data["zones"] = []


def _other_instrument(data):
    data["instrument"] = "dudit"


def _missing_swedish(data):
    data["items"][4]["text"] = {"en": "Question 5"}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_drop_item_10, "items: item 10 is missing (AUDIT has items 1–10)"),
        (_add_item_11, "items: AUDIT has no item 11"),
        (_repeat_item_1, "items: item 2 is missing"),
        (_item_1_twice, "items: item 1 appears twice"),
        (_change_item_9_scores, "item 9, options: the scores 0, 1, 2 do not match the bundled"),
        (_drop_an_option, "item 3, options: the scores 0, 1, 2, 3 do not match"),
        (_carry_zones, "unknown field 'zones'"),
        (_other_instrument, "instrument: expected 'audit', got 'dudit'"),
        (_missing_swedish, "item 5, text: missing 'sv'"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_unit_file_that_does_not_match_the_bundled_structure_is_refused(mutate, message):
    data = official_texts()
    mutate(data)

    with pytest.raises(InstrumentError) as caught:
        apply_texts(AUDIT, data, source="enhetens-audit.json")

    assert message in str(caught.value)
    assert str(caught.value).startswith("enhetens-audit.json: ")


def test_a_unit_file_for_an_instrument_that_is_not_bundled_is_refused(tmp_path):
    path = write(tmp_path, official_texts() | {"instrument": "phq9"})

    with pytest.raises(InstrumentError, match="instrument: 'phq9' is not a bundled instrument"):
        load_unit_texts(path)
