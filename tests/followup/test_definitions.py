"""Every indicator has a group, a measure, a written definition, and valid basis and parts."""

from django.test.utils import override_settings
from django.utils import translation

from helhet.followup import definitions
from helhet.followup.report import Measure

GROUP_CODES = [
    "enrolment",
    "contacts",
    "closures",
    "interventions",
    "assessments",
    "outcomes",
    "wait_times",
    "sip",
    "consent",
    "relatives",
]


def test_groups_and_indicators():
    assert [code for code, _label in definitions.GROUPS] == GROUP_CODES
    codes = [indicator.code for indicator in definitions.INDICATORS]
    assert len(codes) == len(set(codes))
    for indicator in definitions.INDICATORS:
        assert indicator.group in GROUP_CODES
        assert str(indicator.name) and len(str(indicator.definition)) > 30
        for base in indicator.basis:
            assert definitions.get(base).measure == Measure.COUNT
        # a derived figure names what it is computed from; a count does not
        assert bool(indicator.basis) == (indicator.measure != Measure.COUNT)
    assert definitions.get("enrolled").group == "enrolment"


def test_definitions_say_the_age_and_the_window():
    assert "first day of the period" in str(definitions.COMMON_TEXT)
    with override_settings(HELHET_REACTIVATION_MONTHS=9):
        assert "at most 9 calendar months" in str(definitions.get("reactivated").definition)
    assert "AUDIT" in str(definitions.get("audit_intake").name)
    assert "DUDIT" in str(definitions.get("dudit_change").definition)
    assert "“<5”" in str(definitions.SUPPRESSION_TEXT)


def test_texts_are_translatable():
    with translation.override("sv"):
        assert str(definitions.get("enrolled").name) == "Inskrivna personer"


def test_the_ten_goal_images_name_real_indicators():
    goals = definitions.GOAL_IMAGES
    assert [goal.number for goal in goals] == list(range(1, 11))
    codes = {indicator.code for indicator in definitions.INDICATORS}
    for goal in goals:
        assert set(goal.indicators) <= codes, goal.number
        assert len(str(goal.how)) > 30
    # the person's own experience is in no record: the goal says how to follow it up instead
    assert goals[1].indicators == () and "user audits" in str(goals[1].how)
    assert [g.number for g in definitions.get("reactivated").goal_images] == [8, 9]
    assert definitions.get("no_shows").goal_images == [goals[8]]
    # seed 000's goal, fewer patients in psychiatric care: målbild 6 follows the outcomes
    assert definitions.get("inpatient_change").goal_images == [goals[5]]
    assert "psychiatric inpatient" in str(goals[5].how)


def test_the_goal_images_read_in_swedish_as_the_inquiry_wrote_them():
    with translation.override("sv"):
        texts = [str(goal.text) for goal in definitions.GOAL_IMAGES]
    assert texts[0] == "Tidig hjälp med psykisk ohälsa och missbruk"
    assert texts[6] == "Stöd och vård som hänger ihop som en helhet"
    assert texts[9] == (
        "Att vården och omsorgen lyssnar på, involverar och ger stöd till mitt nätverk"
    )
