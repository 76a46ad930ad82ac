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
    "wait_times",
    "sip",
    "consent",
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
        # the lead merges /tmp/po/core.po; until then the English msgid shows
        assert str(definitions.get("enrolled").name)
