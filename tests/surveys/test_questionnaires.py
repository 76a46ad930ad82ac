import copy
import json

import pytest

from helhet.assessments.instruments.reader import InstrumentError
from helhet.followup.definitions import GOAL_IMAGES
from helhet.surveys import questionnaires


def test_both_bundled_questionnaires_load_and_tie_every_question_to_a_goal_image():
    found = questionnaires.bundled()
    assert set(found) == {"persons", "relatives"}
    numbers = {goal.number for goal in GOAL_IMAGES}
    for questionnaire in found.values():
        assert questionnaire.questions
        assert {q.goal_image for q in questionnaire.questions} <= numbers
    assert found["persons"].respondent == "person"
    assert found["relatives"].respondent == "relative"


def test_goal_images_2_and_4_are_followed_by_survey_questions():
    assert questionnaires.for_goal_image(2)
    assert questionnaires.for_goal_image(4)


def test_a_text_shows_in_the_active_language_and_falls_back_to_swedish():
    text = questionnaires.get("persons").questions[0].text
    assert text.in_language("sv").startswith("Personalen")
    assert text.in_language("en").startswith("The staff")
    assert text.in_language("fi") == text.in_language("sv")


def _data():
    path = questionnaires.HERE / "persons.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_another_language_is_added_as_data():
    data = _data()
    data["title"]["fi"] = "Mitä mieltä olet tuesta?"
    assert questionnaires.parse(data, "x.json").title.in_language("fi").startswith("Mitä")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["questions"][0].update(goal_image=11), "question 1, goal_image"),
        (lambda d: d["questions"][1].update(number=5), "question 2, number"),
        (lambda d: d["questions"][0]["text"].pop("en"), "question 1, text: missing 'en'"),
        (lambda d: d["questions"][0].update(scale="nope"), "no scale 'nope'"),
        (lambda d: d["scales"]["agree"]["options"][1].update(value=1), "same value"),
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d["questions"][0].update(goal=2), "unknown field 'goal'"),
    ],
)
def test_a_file_that_does_not_pass_is_refused_naming_the_place(change, problem):
    data = copy.deepcopy(_data())
    change(data)
    with pytest.raises(InstrumentError) as error:
        questionnaires.parse(data, "persons.json")
    assert problem in str(error.value)
    assert str(error.value).startswith("persons.json")
