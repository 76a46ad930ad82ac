"""Answers are anonymous: nothing links one to a person, a user, an address or a visit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from helhet.surveys.models import Response, ResponseItem

from .conftest import DAY, answer


def test_a_response_has_no_link_to_a_person_a_user_or_an_address():
    fields = {field.name for field in Response._meta.get_fields()}
    assert fields == {
        "id",
        "unit",
        "questionnaire",
        "version",
        "month",
        "channel",
        "comment",
        "comment_state",
        "items",
    }
    related = {
        field.related_model._meta.label
        for model in (Response, ResponseItem)
        for field in model._meta.get_fields()
        if field.is_relation
    }
    assert related == {"core.Unit", "surveys.Response", "surveys.ResponseItem"}
    assert not [f for f in Response._meta.get_fields() if isinstance(f, models.DateTimeField)]


def test_an_answer_keeps_only_its_month(county):
    response = answer(county.clinic, DAY, {1: 5})
    assert response.month == datetime.date(2025, 5, 1)
    assert list(response.items.values_list("question", "value")) == [(1, 5)]


def test_an_answer_outside_the_scale_is_refused(county):
    with pytest.raises(ValidationError):
        answer(county.clinic, DAY, {1: 7})
    assert not Response.objects.exists()


def test_an_empty_answer_is_refused(county):
    with pytest.raises(ValidationError):
        answer(county.clinic, DAY, {1: None})
