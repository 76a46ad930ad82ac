"""AUDIT scoring against worked examples computed by hand from the published rules.

Rules (DOMAIN.md; Babor et al., WHO 2001; Bergman & Källmén 2002): items 1–8 score 0–4, items
9–10 score 0, 2 or 4; total 0–40. Zones I 0–7, II 8–15, III 16–19, IV 20–40, one zone up when
any of items 4–6 scores 2 or more or item 9 or 10 scores 4. Hazardous use at ≥ 8 men, ≥ 6 women
(≥ 6 for unknown legal sex, the lower), variant ≥ 7 for men 65+. AUDIT-C = items 1–3 (0–12),
default ≥ 6 men, ≥ 5 women; variant bradley_2007 ≥ 4 men, ≥ 3 women.
"""

import pytest

from helhet.assessments.scoring import score

from .utils import AUDIT, audit_without_raise, form

# --- Worked examples --------------------------------------------------------------------------


def test_woman_scoring_six_is_at_the_cut_off_while_still_in_zone_one():
    # items 2+1+1+0+1+0+1+0+0+0 = 6; AUDIT-C 2+1+1 = 4.
    # Zone: 6 lies in I (0–7); items 4–6 are 0, 1, 0 (< 2) and 9, 10 are 0 (< 4): no raise.
    # Women: 6 ≥ 6, so at the hazardous-use cut-off. AUDIT-C: 4 < 5 (women).
    result = score(AUDIT, form(2, 1, 1, 0, 1, 0, 1, 0, 0, 0), sex="female", age=42)

    assert result.complete
    assert result.total == 6
    assert result.subscores["audit_c"] == 4
    assert result.zone.code == "I"
    assert not result.zone_raised
    assert result.cutoff.code == "hazardous_use"
    assert result.cutoff.value == 6
    assert result.cutoff.description.en == "AUDIT ≥ 6, women"
    assert result.cutoff.description.sv == "AUDIT ≥ 6, kvinnor"
    assert result.cutoff.at_or_above is True
    audit_c = result.cutoff_result("audit_c_positive")
    assert (audit_c.score, audit_c.value, audit_c.at_or_above) == (4, 5, False)


def test_man_with_the_same_answers_is_below_his_cut_off():
    # Same answers, total 6; men: 6 < 8. AUDIT-C 4 < 6 (men).
    result = score(AUDIT, form(2, 1, 1, 0, 1, 0, 1, 0, 0, 0), sex="male", age=42)

    assert (result.total, result.cutoff.value, result.cutoff.at_or_above) == (6, 8, False)
    assert result.cutoff.description.en == "AUDIT ≥ 8, men"
    assert result.cutoff_result("audit_c_positive").at_or_above is False


def test_man_scoring_sixteen_is_in_zone_three():
    # 4+2+3+1+1+0+2+1+0+2 = 16; AUDIT-C 4+2+3 = 9.
    # Zone: 16 lies in III (16–19); items 4–6 are 1, 1, 0; item 10 is 2 (< 4): no raise.
    # Men: 16 ≥ 8; AUDIT-C 9 ≥ 6.
    result = score(AUDIT, form(4, 2, 3, 1, 1, 0, 2, 1, 0, 2), sex="male", age=50)

    assert (result.total, result.subscores["audit_c"]) == (16, 9)
    assert result.zone.code == "III"
    assert result.raised_by == ()
    assert result.cutoff.at_or_above is True
    assert result.cutoff_result("audit_c_positive").at_or_above is True


def test_item_five_scoring_two_raises_zone_two_to_three():
    # 3+2+2+0+2+0+1+0+0+0 = 10: zone II (8–15) by the total; item 5 is 2 (≥ 2): one up, III.
    result = score(AUDIT, form(3, 2, 2, 0, 2, 0, 1, 0, 0, 0), sex="male", age=30)

    assert result.total == 10
    assert result.zone_by_total.code == "II"
    assert result.zone.code == "III"
    assert result.zone_raised
    assert [condition.items for condition in result.raised_by] == [(4, 5, 6)]


def test_item_ten_scoring_four_raises_zone_one_to_two():
    # 1+0+0+0+0+0+0+0+0+4 = 5: zone I by the total; item 10 is 4: one up, II.
    # Woman of 70: 5 < 6; the older-adults variant keeps women at 6, so still below.
    answers = form(1, 0, 0, 0, 0, 0, 0, 0, 0, 4)
    result = score(AUDIT, answers, sex="female", age=70)
    older = score(AUDIT, answers, sex="female", age=70, variants={"hazardous_use": "older_adults"})

    assert (result.total, result.zone_by_total.code, result.zone.code) == (5, "I", "II")
    assert [condition.items for condition in result.raised_by] == [(9, 10)]
    assert (result.cutoff.value, result.cutoff.at_or_above) == (6, False)
    assert (older.cutoff.value, older.cutoff.at_or_above) == (6, False)


def test_both_raising_conditions_still_raise_only_one_zone():
    # 2+2+1+2+0+0+0+0+4+0 = 11: zone II; item 4 is 2 and item 9 is 4: one step up, III (not IV).
    result = score(AUDIT, form(2, 2, 1, 2, 0, 0, 0, 0, 4, 0), sex="male", age=30)

    assert (result.total, result.zone_by_total.code, result.zone.code) == (11, "II", "III")
    assert len(result.raised_by) == 2


def test_highest_score_stays_in_zone_four():
    # 8 × 4 + 4 + 4 = 40: zone IV; the raising rule is met but there is no zone above IV.
    result = score(AUDIT, form(4, 4, 4, 4, 4, 4, 4, 4, 4, 4), sex="unknown", age=None)

    assert (result.total, result.subscores["audit_c"]) == (40, 12)
    assert result.zone.code == "IV"
    assert not result.zone_raised
    assert len(result.raised_by) == 2


def test_zero_everywhere_is_zone_one_and_below_every_cut_off():
    result = score(AUDIT, form(*[0] * 10), sex="female", age=30)

    assert (result.total, result.zone.code) == (0, "I")
    assert all(cutoff.at_or_above is False for cutoff in result.cutoffs)


def test_older_man_scoring_seven_is_at_the_cut_off_only_with_the_older_adults_variant():
    # 2+1+1+0+0+0+1+0+2+0 = 7. Default: men ≥ 8, 7 < 8. Variant: men 65+ ≥ 7, 7 ≥ 7.
    answers = form(2, 1, 1, 0, 0, 0, 1, 0, 2, 0)
    older = {"hazardous_use": "older_adults"}

    default = score(AUDIT, answers, sex="male", age=65)
    variant = score(AUDIT, answers, sex="male", age=65, variants=older)
    younger = score(AUDIT, answers, sex="male", age=64, variants=older)
    age_unknown = score(AUDIT, answers, sex="male", age=None, variants=older)

    assert default.total == 7
    assert (default.cutoff.value, default.cutoff.at_or_above) == (8, False)
    assert (variant.cutoff.value, variant.cutoff.at_or_above) == (7, True)
    assert variant.cutoff.variant == "older_adults"
    assert variant.cutoff.description.en == "AUDIT ≥ 7, men, aged 65 and over"
    assert variant.cutoff.description.sv == "AUDIT ≥ 7, män, 65 år och äldre"
    assert younger.cutoff.value == 8
    assert age_unknown.cutoff.value == 8


def test_unknown_legal_sex_gets_the_lower_cut_off_with_the_reason():
    # 1+1+1+0+1+0+1+0+0+0 = 5 < 6; one more point on item 8 gives 6 ≥ 6.
    below = score(AUDIT, form(1, 1, 1, 0, 1, 0, 1, 0, 0, 0), sex="unknown", age=30)
    at = score(AUDIT, form(1, 1, 1, 0, 1, 0, 1, 1, 0, 0), sex="unknown", age=30)

    assert (below.total, below.cutoff.at_or_above) == (5, False)
    assert (at.total, at.cutoff.at_or_above) == (6, True)
    assert at.cutoff.description.en == (
        "AUDIT ≥ 6, legal sex unknown (the lower cut-off, to be cautious)"
    )


# --- Every zone and cut-off boundary ---------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "zone"),
    [(0, "I"), (7, "I"), (8, "II"), (15, "II"), (16, "III"), (19, "III"), (20, "IV")],
)
def test_zone_boundaries_without_the_raising_rule(total, zone):
    result = score(AUDIT, audit_without_raise(total), sex="male", age=40)

    assert result.total == total
    assert result.zone.code == zone
    assert result.raised_by == ()


@pytest.mark.parametrize(
    ("sex", "age", "variants", "cut_off"),
    [
        ("male", 40, None, 8),
        ("female", 40, None, 6),
        ("unknown", 40, None, 6),
        ("male", 17, None, 8),
        ("male", 65, {"hazardous_use": "older_adults"}, 7),
        ("male", 90, {"hazardous_use": "older_adults"}, 7),
        ("male", 64, {"hazardous_use": "older_adults"}, 8),
        ("female", 70, {"hazardous_use": "older_adults"}, 6),
        ("unknown", 70, {"hazardous_use": "older_adults"}, 6),
    ],
)
def test_hazardous_use_cut_off_boundaries(sex, age, variants, cut_off):
    below = score(AUDIT, audit_without_raise(cut_off - 1), sex=sex, age=age, variants=variants)
    at = score(AUDIT, audit_without_raise(cut_off), sex=sex, age=age, variants=variants)

    assert below.cutoff.value == at.cutoff.value == cut_off
    assert below.cutoff.at_or_above is False
    assert at.cutoff.at_or_above is True


@pytest.mark.parametrize(
    ("sex", "variants", "cut_off"),
    [
        ("male", None, 6),
        ("female", None, 5),
        ("unknown", None, 5),
        ("male", {"audit_c_positive": "bradley_2007"}, 4),
        ("female", {"audit_c_positive": "bradley_2007"}, 3),
        ("unknown", {"audit_c_positive": "bradley_2007"}, 3),
    ],
)
def test_audit_c_cut_off_boundaries(sex, variants, cut_off):
    def audit_c_only(points):
        # items 1–3 carry POINTS (at most 4 each); the other items are left unanswered
        return {1: min(points, 4), 2: min(max(points - 4, 0), 4), 3: max(points - 8, 0)}

    below = score(AUDIT, audit_c_only(cut_off - 1), sex=sex, age=40, variants=variants)
    at = score(AUDIT, audit_c_only(cut_off), sex=sex, age=40, variants=variants)

    for result, expected in ((below, False), (at, True)):
        audit_c = result.cutoff_result("audit_c_positive")
        assert audit_c.value == cut_off
        assert audit_c.at_or_above is expected
        assert result.total is None  # the rest of the form is unanswered


def test_audit_c_description_names_the_sub_score():
    result = score(AUDIT, {1: 2, 2: 2, 3: 1}, sex="female", age=30)

    assert result.cutoff_result("audit_c_positive").description.en == "AUDIT-C ≥ 5, women"


def test_raising_needs_two_on_items_four_to_six_and_four_on_items_nine_or_ten():
    # Base: total 8 from items 1 and 2 (4 each): zone II. Each case adds to one item; the total
    # stays within II (at most 8 + 4 = 12), so only the raising rule can move the zone.
    base = {**form(*[0] * 10), 1: 4, 2: 4}
    cases = {4: (1, 2), 5: (1, 2), 6: (1, 2), 9: (2, 4), 10: (2, 4)}
    for number, (quiet, raising) in cases.items():
        not_raised = score(AUDIT, {**base, number: quiet}, sex="male", age=40)
        raised = score(AUDIT, {**base, number: raising}, sex="male", age=40)
        assert not not_raised.zone_raised, number
        assert raised.zone_raised, number
        assert (raised.zone_by_total.code, raised.zone.code) == ("II", "III"), number
