"""The bundled instrument files say what DOMAIN.md says, and malformed files are refused clearly."""

import copy
import json
from importlib import resources

import pytest
from django.utils import translation

from helhet.assessments.instruments import (
    BUNDLED,
    InstrumentError,
    bundled_instrument,
    bundled_instruments,
    load_instrument,
    parse_instrument,
)
from helhet.people.identity import LegalSex

from .utils import AUDIT, DUDIT


def bundled_data(code: str) -> dict:
    text = resources.files("helhet.assessments.instruments").joinpath(f"{code}.json").read_text()
    return json.loads(text)


# --- The bundled files -----------------------------------------------------------------------


def test_the_registry_holds_audit_and_dudit_loaded_once():
    assert [instrument.code for instrument in bundled_instruments()] == ["audit", "dudit"]
    assert bundled_instrument("audit") is bundled_instrument("audit")
    assert BUNDLED == ("audit", "dudit")


def test_an_instrument_is_immutable_and_hashable():
    assert hash(AUDIT) == hash(bundled_instrument("audit"))
    with pytest.raises(AttributeError):
        AUDIT.name = "AUDIT-2"


def test_an_unknown_bundled_instrument_is_a_lookup_error():
    with pytest.raises(LookupError, match="No bundled instrument 'phq9'"):
        bundled_instrument("phq9")


def test_audit_has_ten_items_scored_as_published_with_its_loinc_codes():
    assert [item.number for item in AUDIT.items] == list(range(1, 11))
    assert all(AUDIT.item(n).scores == (0, 1, 2, 3, 4) for n in range(1, 9))
    assert AUDIT.item(9).scores == AUDIT.item(10).scores == (0, 2, 4)
    assert (AUDIT.total.min, AUDIT.total.max) == (0, 40)
    assert (AUDIT.total_coding.system, AUDIT.total_coding.code) == ("http://loinc.org", "75624-7")
    audit_c = AUDIT.subscore("audit_c")
    assert (audit_c.name, audit_c.items, audit_c.range.max) == ("AUDIT-C", (1, 2, 3), 12)
    assert audit_c.panel_coding.code == "72109-2"
    assert audit_c.total_coding.code == "75626-2"
    zones = [(zone.code, zone.min_score, zone.max) for zone in AUDIT.zones]
    assert zones == [("I", 0, 7), ("II", 8, 15), ("III", 16, 19), ("IV", 20, 40)]


def test_dudit_has_eleven_items_scored_as_published_with_a_local_code_system():
    assert [item.number for item in DUDIT.items] == list(range(1, 12))
    assert all(DUDIT.item(n).scores == (0, 1, 2, 3, 4) for n in range(1, 10))
    assert DUDIT.item(10).scores == DUDIT.item(11).scores == (0, 2, 4)
    assert (DUDIT.total.min, DUDIT.total.max) == (0, 44)
    assert DUDIT.total_coding.system == "urn:helhet:instrument:dudit"
    assert DUDIT.panel_coding.system == "urn:helhet:instrument:dudit"


@pytest.mark.parametrize("instrument", [AUDIT, DUDIT], ids=str)
def test_unknown_legal_sex_never_gets_a_higher_cut_off_than_women_or_men(instrument):
    # The documented choice: for unknown legal sex, the lower (more cautious) threshold.
    for cutoff in instrument.cutoffs:
        for variant in (None, *cutoff.variant_codes):
            for age in (None, *range(131)):
                unknown = cutoff.applicable(LegalSex.UNKNOWN, age, variant).value
                female = cutoff.applicable(LegalSex.FEMALE, age, variant).value
                male = cutoff.applicable(LegalSex.MALE, age, variant).value
                assert unknown == min(female, male), (cutoff.code, variant, age)


def test_every_text_is_in_swedish_and_english_and_follows_the_language():
    item = AUDIT.item(1)
    with translation.override("sv"):
        assert str(item.text) == "Hur ofta dricker du alkohol?"
    with translation.override("en"):
        assert str(item.text) == "How often do you drink alcohol?"


@pytest.mark.parametrize("instrument", [AUDIT, DUDIT], ids=str)
def test_the_source_note_of_the_item_texts_follows_the_language(instrument):
    with translation.override("sv"):
        assert str(instrument.text_source).startswith("Helhets platshållartext: korta")
    with translation.override("en"):
        assert str(instrument.text_source).startswith("Helhet placeholder wording: short")


# --- Malformed files -------------------------------------------------------------------------


def _drop_item_4(data):
    del data["items"][3]


def _score_out_of_range(data):
    data["items"][0]["options"][4]["score"] = 5


def _repeated_score(data):
    data["items"][1]["options"][2]["score"] = 1


def _overlapping_zones(data):
    data["zones"][1]["max"] = 16  # II 8–16 against III from 16


def _gap_between_zones(data):
    data["zones"][2]["min"] = 17  # II ends at 15, III from 17


def _zones_out_of_order(data):
    data["zones"][1], data["zones"][2] = data["zones"][2], data["zones"][1]


def _first_zone_not_at_zero(data):
    data["zones"][0]["min"] = 1


def _last_zone_short(data):
    data["zones"][3]["max"] = 39


def _no_rule_for_unknown_sex(data):
    del data["cutoffs"][0]["rules"][2]


def _shadowed_rule(data):
    rules = data["cutoffs"][0]["variants"][0]["rules"]
    rules[0], rules[1] = rules[1], rules[0]  # "men ≥ 8" before "men 65+ ≥ 7"


def _cut_off_above_the_total(data):
    data["cutoffs"][0]["rules"][0]["at_least"] = 41


def _unknown_sex_value(data):
    data["cutoffs"][0]["rules"][0]["sex"] = ["man"]


def _misspelt_field(data):
    data["items"][0]["options"][0]["scroe"] = data["items"][0]["options"][0].pop("score")


def _missing_english(data):
    del data["items"][2]["text"]["en"]


def _total_that_does_not_add_up(data):
    data["total"]["max"] = 41


def _sub_score_with_unknown_item(data):
    data["subscores"][0]["items"] = [1, 2, 11]


def _sub_score_range_wrong(data):
    data["subscores"][0]["max"] = 13


def _raise_that_can_never_happen(data):
    data["zone_raise"]["when_any"][1]["at_least"] = 5


def _raise_with_unknown_check(data):
    data["zone_raise"]["when_any"][0]["check"] = "most"


def _cut_off_on_unknown_score(data):
    data["cutoffs"][1]["score"] = "audit_x"


def _score_as_text(data):
    data["items"][5]["options"][1]["score"] = "1"


def _wrong_format(data):
    data["format"] = "helhet-instrument/2"


def _source_note_in_english_only(data):
    data["text_source"] = data["text_source"]["en"]


def _missing_items(data):
    del data["items"]


MALFORMED_AUDIT = [
    (_drop_item_4, "items[3]: item 4 is missing (items are numbered 1, 2, 3… in order)"),
    (_score_out_of_range, "item 1, option 5, score: 5 is outside the option scores 0–4"),
    (_repeated_score, "item 2, options: score 1 appears twice"),
    (_overlapping_zones, "zone II: ends at 16, so it overlaps zone III, which starts at 16"),
    (_gap_between_zones, "zone II: ends at 15, so it leaves a gap before zone III"),
    (_zones_out_of_order, "zone II: starts at 8, not above zone III, which starts at 16"),
    (_first_zone_not_at_zero, "zone I: the first zone starts at 1, not at the lowest total 0"),
    (_last_zone_short, "zone IV: ends at 39, but the highest total is 40"),
    (
        _no_rule_for_unknown_sex,
        "cut-off hazardous_use, rules: no rule applies to legal sex 'unknown'",
    ),
    (
        _shadowed_rule,
        "variant older_adults, rules[1]: this rule never applies: the rules above it",
    ),
    (_cut_off_above_the_total, "rules[0], at_least: 41 is above the highest score 40"),
    (_unknown_sex_value, "rules[0], sex: 'man' is not a legal sex"),
    (_misspelt_field, "item 1, option 1: missing 'score' (found 'scroe': misspelt?)"),
    (_missing_english, "item 3, text: missing 'en'"),
    (
        _total_that_does_not_add_up,
        "total: the range 0–41 does not match the items, which give 0–40",
    ),
    (_sub_score_with_unknown_item, "sub-score audit_c, items: there is no item 11"),
    (_sub_score_range_wrong, "sub-score audit_c: the range 0–13 does not match the items"),
    (_raise_that_can_never_happen, "when_any[1], at_least: 5 can never be met"),
    (_raise_with_unknown_check, "when_any[0], check: 'most' is not a check"),
    (_cut_off_on_unknown_score, "'audit_x' is neither 'total' nor a sub-score code"),
    (_score_as_text, "item 6, option 2, score: expected a whole number, got a text"),
    (_wrong_format, "format: expected 'helhet-instrument/1'"),
    (_missing_items, "missing 'items'"),
    (_source_note_in_english_only, "text_source: expected an object, got a text"),
]


@pytest.mark.parametrize(
    ("mutate", "message"), MALFORMED_AUDIT, ids=lambda v: getattr(v, "__name__", "")
)
def test_a_malformed_audit_file_is_refused_naming_the_problem(mutate, message):
    data = copy.deepcopy(bundled_data("audit"))
    mutate(data)

    with pytest.raises(InstrumentError) as caught:
        parse_instrument(data, source="audit.json")

    assert message in str(caught.value)
    assert str(caught.value).startswith("audit.json: ")


def test_a_misspelt_extra_field_is_named():
    data = copy.deepcopy(bundled_data("audit"))
    data["zones"][0]["maximum"] = 7

    with pytest.raises(InstrumentError, match=r"zones\[0\]: unknown field 'maximum'"):
        parse_instrument(data, source="audit.json")


def test_dudit_zones_that_would_overlap_for_some_people_are_refused():
    # "Problems likely" for men from 30 would start above "probable dependence" at 25.
    data = copy.deepcopy(bundled_data("dudit"))
    data["cutoffs"][0]["rules"][3]["at_least"] = 30

    with pytest.raises(InstrumentError) as caught:
        parse_instrument(data, source="dudit.json")

    assert "zone probable_dependence: starts at 25, not above zone problems_likely" in str(
        caught.value
    )
    assert "for legal sex 'male'" in str(caught.value)


def test_a_file_that_is_not_json_is_refused_with_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "helhet-instrument/1",\n  "code": }')

    with pytest.raises(InstrumentError, match="broken.json: not valid JSON: .* at line 2"):
        load_instrument(path)


def test_a_field_given_twice_in_one_object_is_refused(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"format": "helhet-instrument/1", "format": "helhet-instrument/1"}')

    with pytest.raises(InstrumentError, match="the field 'format' appears twice"):
        load_instrument(path)


def test_a_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(InstrumentError, match="nowhere.json: cannot be read"):
        load_instrument(tmp_path / "nowhere.json")


def test_a_valid_file_loads_from_disk(tmp_path):
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(bundled_data("audit")), encoding="utf-8")

    assert load_instrument(path) == AUDIT
