"""`{% survey_questions number as questions %}`: the survey questions that follow up a målbild
(the follow-up's definitions page), as (questionnaire, question) pairs."""

from django import template

from helhet.surveys import questionnaires

register = template.Library()


@register.simple_tag
def survey_questions(number: int):
    return questionnaires.for_goal_image(number)
