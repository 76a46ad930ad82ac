"""DUDIT scoring against worked examples computed by hand from the published rules.

Rules (DOMAIN.md; Berman et al. 2005): items 1–9 score 0–4, items 10–11 score 0, 2 or 4; total
0–44. Drug-related problems likely at ≥ 6 men, ≥ 2 women; preliminary cut-offs for ages 16–25:
≥ 7 men, ≥ 3 women; legal sex unknown: the lower (≥ 2, or ≥ 3 at 16–25). Probable dependence at
≥ 25 for everyone. Zones: no sign / problems likely (from the sex- and age-dependent cut-off) /
probable dependence (from 25).
"""

import pytest

from helhet.assessments.scoring import score

from .utils import DUDIT, dudit_with_total, form


def test_woman_of_thirty_scoring_two_has_problems_likely():
    # 1+0+1+0+0+0+0+0+0+0+0 = 2; women (adult): 2 ≥ 2, zone "problems likely"; 2 < 25.
    result = score(DUDIT, form(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), sex="female", age=30)

    assert result.total == 2
    assert result.zone.code == "problems_likely"
    assert result.cutoff.code == "drug_related_problems"
    assert (result.cutoff.value, result.cutoff.at_or_above) == (2, True)
    assert result.cutoff.description.en == "DUDIT ≥ 2, women"
    assert result.cutoff_result("probable_dependence").at_or_above is False


def test_woman_of_twenty_with_the_same_answers_is_below_the_young_adult_cut_off():
    # Total 2; women aged 16–25: 2 < 3, zone "no sign".
    result = score(DUDIT, form(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), sex="female", age=20)

    assert (result.cutoff.value, result.cutoff.at_or_above) == (3, False)
    assert result.cutoff.description.en == "DUDIT ≥ 3, women, aged 16–25"
    assert result.cutoff.description.sv == "DUDIT ≥ 3, kvinnor, 16–25 år"
    assert result.zone.code == "no_sign"


def test_man_scoring_six_is_below_the_cut_off_at_twenty_five_and_above_it_at_twenty_six():
    # 2+1+1+1+0+0+0+0+1+0+0 = 6. Age 25: men 16–25 ≥ 7, 6 < 7. Age 26: men ≥ 6, 6 ≥ 6.
    answers = form(2, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0)
    at_25 = score(DUDIT, answers, sex="male", age=25)
    at_26 = score(DUDIT, answers, sex="male", age=26)

    assert at_25.total == at_26.total == 6
    assert (at_25.cutoff.value, at_25.cutoff.at_or_above, at_25.zone.code) == (7, False, "no_sign")
    assert (at_26.cutoff.value, at_26.cutoff.at_or_above) == (6, True)
    assert at_26.zone.code == "problems_likely"


def test_man_scoring_twenty_seven_has_probable_dependence():
    # 4+3+2+3+2+2+2+1+2+2+4 = 27 ≥ 25: probable dependence; also ≥ 6 (problems likely).
    result = score(DUDIT, form(4, 3, 2, 3, 2, 2, 2, 1, 2, 2, 4), sex="male", age=35)

    assert result.total == 27
    assert result.zone.code == "probable_dependence"
    assert result.cutoff.at_or_above is True
    dependence = result.cutoff_result("probable_dependence")
    assert (dependence.value, dependence.at_or_above) == (25, True)
    assert dependence.description.en == "DUDIT ≥ 25"


def test_highest_score_is_forty_four():
    # 9 × 4 + 4 + 4 = 44.
    result = score(DUDIT, form(*[4] * 11), sex="female", age=19)

    assert (result.total, result.zone.code) == (44, "probable_dependence")


def test_dudit_has_no_sub_scores_and_no_zone_raising():
    result = score(DUDIT, form(*[0] * 11), sex="male", age=40)

    assert result.subscores == {}
    assert result.raised_by == ()
    assert result.zone.code == "no_sign"


@pytest.mark.parametrize(
    ("sex", "age", "cut_off"),
    [
        ("male", 15, 6),  # under 16: the general cut-off (also the lower one for men)
        ("male", 16, 7),
        ("male", 25, 7),
        ("male", 26, 6),
        ("male", None, 6),
        ("female", 15, 2),
        ("female", 16, 3),
        ("female", 25, 3),
        ("female", 26, 2),
        ("female", None, 2),
        ("unknown", 20, 3),
        ("unknown", 40, 2),
        ("unknown", None, 2),
    ],
)
def test_drug_related_problems_cut_off_boundaries_by_sex_and_age(sex, age, cut_off):
    below = score(DUDIT, dudit_with_total(cut_off - 1), sex=sex, age=age)
    at = score(DUDIT, dudit_with_total(cut_off), sex=sex, age=age)

    assert below.cutoff.value == at.cutoff.value == cut_off
    assert (below.cutoff.at_or_above, below.zone.code) == (False, "no_sign")
    assert (at.cutoff.at_or_above, at.zone.code) == (True, "problems_likely")


@pytest.mark.parametrize("sex", ["female", "male", "unknown"])
@pytest.mark.parametrize("age", [14, 20, 40, None])
def test_probable_dependence_starts_at_twenty_five_for_everyone(sex, age):
    below = score(DUDIT, dudit_with_total(24), sex=sex, age=age)
    at = score(DUDIT, dudit_with_total(25), sex=sex, age=age)

    assert below.cutoff_result("probable_dependence").at_or_above is False
    assert below.zone.code == "problems_likely"
    assert at.cutoff_result("probable_dependence").at_or_above is True
    assert at.zone.code == "probable_dependence"
