"""The outcome indicators on a small hand-built clinic year (2025): the figures counted by hand
in the comments."""

import datetime

import pytest

from helhet.followup.indicators import unit_report
from helhet.followup.periods import Period
from tests import factories as f

D = datetime.date
YEAR = Period.year(2025)


def figure(report, indicator, key="", group="total"):
    return report.row(indicator, key).cells[group].value


@pytest.fixture
def year(world):
    w = world

    def outcome(p, day, occasion="intake", unit=None, **fields):
        return f.OutcomeFactory(
            person=p,
            unit=unit or w.clinic,
            recorded_by=w.nurse,
            assessed_on=day,
            occasion=occasion,
            **{"alcohol": False, "inpatient_episodes": 0, "inpatient_days": 0} | fields,
        )

    def person():
        p = w.person()
        w.episode(p, opened_on=D(2024, 11, 1))
        return p

    a, b, c, d, e, g = (person() for _ in range(6))
    # A: homeless with inpatient care at both intakes (the first counts at intake, the latest
    # before the follow-up is compared), housed and without inpatient care at the latest
    # follow-up: improved twice
    outcome(
        a,
        D(2025, 2, 1),
        alcohol=True,
        narcotics=True,
        housing="homeless",
        inpatient_episodes=1,
        inpatient_days=4,
    )
    outcome(a, D(2025, 3, 1), housing="homeless", inpatient_episodes=1, inpatient_days=9)
    outcome(
        a, D(2025, 6, 1), "follow_up", housing="homeless", inpatient_episodes=2, inpatient_days=9
    )
    outcome(a, D(2025, 9, 1), "follow_up", housing="rented")
    # B: no diagnosis assessed; homeless and in inpatient care at follow-up: worse twice
    outcome(b, D(2025, 2, 10), gambling=True, diagnoses=[], no_diagnosis_reason="not_assessed")
    outcome(
        b, D(2025, 8, 1), "follow_up", housing="homeless", inpatient_episodes=2, inpatient_days=20
    )
    # C: another reason; the same at follow-up: unchanged twice
    outcome(
        c,
        D(2025, 3, 5),
        alcohol=True,
        diagnoses=[],
        no_diagnosis_reason="other",
        no_diagnosis_text="x",
        housing="own",
    )
    outcome(c, D(2025, 10, 1), "follow_up", housing="own")
    # D: intake in 2024 (not counted at intake), housed at the follow-up: homelessness improved,
    # inpatient care unchanged (none at either)
    outcome(d, D(2024, 12, 1), alcohol=True, housing="homeless")
    outcome(d, D(2025, 4, 1), "follow_up")
    # E: a follow-up without an intake: in no change
    outcome(e, D(2025, 5, 1), "follow_up", housing="homeless")
    # G: alcohol at intake, corrected: medicines and F13.2 count, alcohol not
    first = outcome(g, D(2025, 4, 1), alcohol=True, diagnoses=["F10.2"])
    outcome(g, D(2025, 4, 1), medicines=True, diagnoses=["F13.2"], **corrected(first))
    # not counted: a relative enrolled at the clinic for support of their own; an intake at
    # the Mini-Maria; an intake in 2026
    relative = w.person()
    w.episode(relative, opened_on=D(2025, 1, 1), as_relative=True)
    outcome(relative, D(2025, 2, 1), alcohol=True)
    outcome(w.person(), D(2025, 2, 1), unit=w.mini, alcohol=True)
    outcome(person(), D(2026, 1, 2), alcohol=True)
    return w


def corrected(first):
    return {"corrects": first, "original": first, "correction_reason": "Fel."}


def test_intake_figures_count_each_person_once_by_their_first_intake_in_force(year):
    report = unit_report(year.clinic, YEAR, suppress=False)
    assert figure(report, "outcome_intake") == 4  # A, B, C, G
    areas = {
        area: figure(report, "outcome_intake", f"area:{area}")
        for area in ("alcohol", "narcotics", "medicines", "doping", "gambling")
    }
    assert areas == {"alcohol": 2, "narcotics": 1, "medicines": 1, "doping": 0, "gambling": 1}
    assert figure(report, "outcome_diagnosis") == 4
    assert figure(report, "outcome_diagnosis", "diagnosis:set") == 2  # A, G
    assert figure(report, "outcome_diagnosis", "diagnosis:not_assessed") == 1  # B
    assert figure(report, "outcome_diagnosis", "diagnosis:other") == 1  # C
    assert figure(report, "outcome_diagnosis", "diagnosis:ongoing") == 0
    assert figure(report, "homeless_intake") == 1  # A
    assert figure(report, "inpatient_intake") == 1  # A


def test_the_change_compares_the_latest_follow_up_with_the_latest_intake_before_it(year):
    report = unit_report(year.clinic, YEAR, suppress=False)
    inpatient = [
        figure(report, "inpatient_change", f"change:{n}")
        for n in ("improved", "unchanged", "worse")
    ]
    homeless = [
        figure(report, "homeless_change", f"change:{n}") for n in ("improved", "unchanged", "worse")
    ]
    assert figure(report, "inpatient_change") == 4  # A, B, C, D (E has no intake)
    assert inpatient == [1, 2, 1]  # A; C and D; B
    assert figure(report, "homeless_change") == 4
    assert homeless == [2, 1, 1]  # A and D; C; B


def test_outcome_figures_are_suppressed_as_the_others(year):
    report = unit_report(year.clinic, YEAR)
    cell = report.row("outcome_intake", "").cells["total"]
    assert cell.suppressed and cell.small
    assert report.row("outcome_intake", "area:doping").cells["total"].value == 0


def test_by_sex_the_groups_add_up_to_the_total(year):
    report = unit_report(year.clinic, YEAR, breakdown="sex", suppress=False)
    assert figure(report, "outcome_intake", group="sex:female") == 4
    assert figure(report, "inpatient_change", "change:unchanged", group="sex:female") == 2
