"""Incomplete forms, answers the instrument does not allow, and a person the rules cannot read."""

import pytest

from helhet.assessments.scoring import InvalidAnswer, score

from .utils import AUDIT, DUDIT, form

# --- Incomplete forms are valid, just incomplete ---------------------------------------------


def test_unanswered_last_item_leaves_no_total_and_no_zone_but_keeps_audit_c():
    # Items 1–9 answered: 2+1+1+0+0+0+0+0+0 = 4 so far; AUDIT-C 2+1+1 = 4 is complete.
    answers = form(2, 1, 1, 0, 0, 0, 0, 0, 0)
    result = score(AUDIT, answers, sex="female", age=30)

    assert not result.complete
    assert result.missing == (10,)
    assert result.total is None
    assert result.zone is None and result.zone_by_total is None
    assert result.subscores["audit_c"] == 4
    assert result.cutoff.value == 6  # the threshold that would apply is still shown
    assert result.cutoff.at_or_above is None
    assert result.cutoff_result("audit_c_positive").at_or_above is False


def test_none_counts_as_unanswered():
    result = score(AUDIT, form(2, None, 1, 0, 0, 0, 0, 0, 0, 0), sex="male", age=30)

    assert result.missing == (2,)
    assert result.total is None
    assert result.subscores["audit_c"] is None
    assert result.cutoff_result("audit_c_positive").at_or_above is None
    assert 2 not in result.answers


def test_an_empty_form_is_valid_and_entirely_missing():
    result = score(DUDIT, {}, sex="unknown", age=None)

    assert result.missing == tuple(range(1, 12))
    assert (result.total, result.zone) == (None, None)
    assert all(cutoff.at_or_above is None for cutoff in result.cutoffs)


def test_result_keeps_the_answers_in_item_order():
    result = score(AUDIT, {3: 1, 1: 2}, sex="male", age=30)

    assert list(result.answers.items()) == [(1, 2), (3, 1)]
    with pytest.raises(TypeError):
        result.answers[2] = 0  # read-only


# --- Answers out of range --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers", "message", "item"),
    [
        (AUDIT, {9: 3}, "AUDIT item 9: 3 is not an allowed score (allowed: 0, 2, 4).", 9),
        (AUDIT, {10: 1}, "AUDIT item 10: 1 is not an allowed score (allowed: 0, 2, 4).", 10),
        (AUDIT, {1: 5}, "AUDIT item 1: 5 is not an allowed score (allowed: 0, 1, 2, 3, 4).", 1),
        (AUDIT, {4: -1}, "AUDIT item 4: -1 is not an allowed score", 4),
        (AUDIT, {2: "2"}, "AUDIT item 2: '2' is not an allowed score", 2),
        (AUDIT, {2: True}, "AUDIT item 2: True is not an allowed score", 2),
        (AUDIT, {3: 1.0}, "AUDIT item 3: 1.0 is not an allowed score", 3),
        (AUDIT, {11: 0}, "AUDIT has no item 11 (items are numbered 1–10).", 11),
        (AUDIT, {0: 0}, "AUDIT has no item 0", 0),
        (DUDIT, {11: 3}, "DUDIT item 11: 3 is not an allowed score (allowed: 0, 2, 4).", 11),
        (DUDIT, {9: 5}, "DUDIT item 9: 5 is not an allowed score (allowed: 0, 1, 2, 3, 4).", 9),
        (DUDIT, {12: 0}, "DUDIT has no item 12 (items are numbered 1–11).", 12),
    ],
)
def test_an_answer_out_of_range_is_refused_naming_the_item(instrument, answers, message, item):
    with pytest.raises(InvalidAnswer) as caught:
        score(instrument, answers, sex="female", age=30)

    assert str(caught.value).startswith(message)
    assert caught.value.item == item
    assert isinstance(caught.value, ValueError)


def test_an_item_number_that_is_not_a_number_is_refused():
    with pytest.raises(InvalidAnswer, match="AUDIT has no item '1'"):
        score(AUDIT, {"1": 0}, sex="female", age=30)


# --- The person and the configuration ---------------------------------------------------------


def test_an_unknown_legal_sex_value_is_refused():
    with pytest.raises(ValueError, match="'other' is not a legal sex"):
        score(AUDIT, {}, sex="other", age=30)


@pytest.mark.parametrize("age", [-1, 30.5, "30", True])
def test_an_age_that_is_not_whole_years_is_refused(age):
    with pytest.raises(ValueError, match="is not an age in completed years"):
        score(AUDIT, {}, sex="male", age=age)


def test_an_unknown_variant_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match=r"no variant 'over_60' \(variants: older_adults\)"):
        score(AUDIT, {}, sex="male", age=70, variants={"hazardous_use": "over_60"})


def test_a_variant_for_an_unknown_cut_off_is_refused():
    with pytest.raises(ValueError, match="AUDIT has no cut-off 'risk'"):
        score(AUDIT, {}, sex="male", age=70, variants={"risk": "older_adults"})
