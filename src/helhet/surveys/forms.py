"""The forms of the surveys: a questionnaire's answers (its questions as radio groups, each a
fieldset with the question as its legend), and the staff's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, ModelChoiceField
from helhet.core.versions import BasedOnVersion

from . import questionnaires
from .actions import CLEAR, REJECT
from .models import QUESTIONNAIRES, CouncilMeeting, ParticipantGroup, Proposal


class AnswerForm(forms.Form):
    """A questionnaire's questions (none required) and the optional comment."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, questionnaire: questionnaires.Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        questions = {}
        for question in questionnaire.questions:
            questions[f"q{question.number}"] = forms.TypedChoiceField(
                label=str(question.text),
                choices=[(option.value, str(option.label)) for option in question.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "survey-scale"}),
            )
        self.fields = questions | dict(self.fields)
        self.fields["comment"].label = str(questionnaire.comment_label)
        self.fields["comment"].help_text = str(questionnaire.comment_help)

    def question_fields(self):
        return [self[f"q{question.number}"] for question in self.questionnaire.questions]

    def action_data(self) -> dict:
        data = self.cleaned_data
        answers = {q.number: data.get(f"q{q.number}") for q in self.questionnaire.questions}
        return {"answers": answers, "comment": data.get("comment", "")}


class PaperForm(AnswerForm):
    day = forms.DateField(
        label=_("Date on the paper (only its month is kept)"),
        widget=DateInput(),
        validators=[limits.PAST],
    )

    def action_data(self) -> dict:
        return super().action_data() | {"day": self.cleaned_data["day"]}


class QuestionnaireForm(forms.Form):
    """Which questionnaire: a kiosk's or a code's."""

    questionnaire = forms.ChoiceField(
        label=_("Questionnaire"), choices=QUESTIONNAIRES, widget=forms.RadioSelect
    )


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, strip=True)


class CommentReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(CLEAR, _("Clear (as edited below)")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Comment as shown once cleared"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput(), validators=[limits.PAST])
    groups = forms.MultipleChoiceField(
        label=_("Who took part (groups, not names)"),
        choices=ParticipantGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.CharField(
        label=_("How many took part"),
        help_text=_("For example: 6 persons, 2 relatives, the unit's manager."),
        max_length=limits.NAME_LENGTH,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=limits.NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ProposalForm(forms.Form):
    meeting = ModelChoiceField(
        label=_("Raised at the meeting"),
        queryset=CouncilMeeting.objects.none(),
        required=False,
        empty_label=_("Not at a meeting"),
    )
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput(), validators=[limits.PAST])
    from_group = forms.ChoiceField(label=_("From"), choices=ParticipantGroup.choices)
    text = forms.CharField(
        label=_("Proposal"), max_length=limits.TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class Edit(BasedOnVersion):
    """A recorded meeting's or proposal's form, based on the version shown."""

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["based_on"] = data.pop("version")
        return data


class MeetingEditForm(Edit, MeetingForm):
    pass


class ProposalEditForm(Edit, ProposalForm):
    pass


def meeting_initial(meeting: CouncilMeeting) -> dict:
    fields = ("version", "held_on", "groups", "participants", "notes")
    return {name: getattr(meeting, name) for name in fields}


def proposal_initial(proposal: Proposal) -> dict:
    fields = ("version", "raised_on", "from_group", "text")
    return {name: getattr(proposal, name) for name in fields} | {"meeting": proposal.meeting_id}


class ProposalAnswerForm(Edit):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[c for c in Proposal.Decision.choices if c[0] != Proposal.Decision.WAITING],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer"), max_length=limits.TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    answered_by = forms.CharField(
        label=_("Answered by (function, not a name)"),
        help_text=_("For example: the unit's manager, the steering group."),
        max_length=limits.NAME_LENGTH,
    )
    answered_on = forms.DateField(
        label=_("Answered on"), widget=DateInput(), validators=[limits.PAST]
    )
