"""The three ways in: the kiosk, the one-time code and paper."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from helhet.surveys import actions
from helhet.surveys.models import Channel, Kiosk, Response, SurveyCode
from helhet.surveys.public import SITTING_KEY
from helhet.surveys.views import KIOSK_KEY

from ..people.utils import log_in

KIOSK = reverse("surveys:kiosk")
KIOSK_ANSWER = reverse("surveys:kiosk_answer")


def _start_kiosk(client, user, unit):
    log_in(client, user, unit)
    url = reverse("surveys:kiosk_start", args=[unit.pk])
    return client.post(url, {"questionnaire": "persons"})


# --- The kiosk --------------------------------------------------------------------------------


def test_staff_of_the_unit_start_a_kiosk_and_are_logged_out_on_the_device(client, county):
    response = _start_kiosk(client, county.nurse, county.clinic)
    assert response.status_code == 302 and response["Location"] == KIOSK
    assert Kiosk.objects.get().unit == county.clinic
    assert client.get(KIOSK).status_code == 200
    # the device reaches nothing else: every staff page asks for a login
    assert client.get(reverse("surveys:unit", args=[county.clinic.pk])).status_code == 302
    assert client.get(reverse("people:search")).status_code == 302


def test_staff_of_another_unit_cannot_start_a_kiosk_at_the_unit(client, county):
    response = _start_kiosk(client, county.outsider, county.clinic)
    assert response.status_code == 404
    assert not Kiosk.objects.exists()


def test_a_device_without_a_running_kiosk_shows_no_questionnaire(client, county):
    assert client.get(KIOSK).status_code == 404
    assert client.post(KIOSK_ANSWER, {"q1": "5"}).status_code == 404
    assert not Response.objects.exists()


def test_the_kiosk_takes_one_answer_per_sitting_then_shows_the_start_screen(client, county):
    _start_kiosk(client, county.nurse, county.clinic)
    assert client.get(KIOSK_ANSWER)["Location"] == KIOSK  # no sitting: the start screen
    client.post(KIOSK)  # "Start"
    page = client.get(KIOSK_ANSWER)
    assert "<fieldset" in page.text and "<legend>" in page.text
    first = client.post(KIOSK_ANSWER, {"q1": "5", "q2": "4"})
    assert first["Location"] == reverse("surveys:kiosk_thanks")
    again = client.post(KIOSK_ANSWER, {"q1": "1"})  # the same sitting, sent again
    assert again["Location"] == KIOSK
    saved = Response.objects.get()
    assert (saved.unit, saved.channel) == (county.clinic, Channel.KIOSK)
    client.post(KIOSK)  # the next person's sitting
    client.post(KIOSK_ANSWER, {"q1": "3"})
    assert Response.objects.count() == 2


def test_a_sitting_sent_twice_at_once_saves_one_answer(client, county):
    # Two posts of one sitting in flight together: the second finds the sitting claimed.
    _start_kiosk(client, county.nurse, county.clinic)
    client.post(KIOSK)
    sitting = client.session[SITTING_KEY]
    cache.add(f"helhet-kiosk-sitting:{sitting}", 1)  # the first post's claim
    assert client.post(KIOSK_ANSWER, {"q1": "5"})["Location"] == KIOSK
    assert not Response.objects.exists()


def test_the_kiosk_outlasts_the_staff_idle_limit_but_not_its_own_end(client, county):
    _start_kiosk(client, county.nurse, county.clinic)
    age = client.session.get_expiry_age()
    assert age > settings.SESSION_COOKIE_AGE
    assert actions.KIOSK_HOURS * 3600 - 60 <= age <= actions.KIOSK_HOURS * 3600


def test_the_kiosk_is_not_open_inside_a_staff_session(client, county):
    _start_kiosk(client, county.nurse, county.clinic)
    assert client.get(KIOSK).status_code == 200
    log_in(client, county.nurse, county.clinic)  # someone logs in on the tablet
    assert client.session.get(KIOSK_KEY)  # the kiosk's token survived the login
    assert client.get(KIOSK).status_code == 404
    assert client.post(KIOSK_ANSWER, {"q1": "5"}).status_code == 404


def test_a_stopped_kiosk_takes_no_answer(client, county):
    _start_kiosk(client, county.nurse, county.clinic)
    client.post(KIOSK)
    Kiosk.objects.update(stopped_at=timezone.now())
    assert client.post(KIOSK_ANSWER, {"q1": "5"}).status_code == 404
    assert not Response.objects.exists()


# --- The one-time code ------------------------------------------------------------------------


def _code(county, *, today=None):
    return actions.code_issue(
        unit=county.clinic, questionnaire="persons", today=today or timezone.localdate()
    ).code


def test_the_slip_shows_the_code_and_a_qr_code_to_staff_of_the_unit(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        reverse("surveys:code_new", args=[county.clinic.pk]), {"questionnaire": "relatives"}
    )
    slip = client.get(response["Location"])
    code = SurveyCode.objects.get()
    assert code.questionnaire == "relatives" and not code.used
    assert "<svg" in slip.text and "/s/" in slip.text


def test_staff_of_another_unit_cannot_hand_out_its_codes(client, county):
    log_in(client, county.outsider)
    url = reverse("surveys:code_new", args=[county.clinic.pk])
    assert client.post(url, {"questionnaire": "persons"}).status_code == 404
    assert not SurveyCode.objects.exists()


def test_a_code_works_once_then_is_refused_in_swedish(client, county):
    code = _code(county)
    url = reverse("surveys:code_answer", args=[actions.show_code(code).lower()])
    assert client.get(url).status_code == 200
    assert client.post(url, {"q1": "4", "comment": "Bra bemötande"}).status_code == 302
    saved = Response.objects.get()
    assert (saved.channel, saved.comment_state) == (Channel.CODE, "waiting")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    again = client.post(url, {"q1": "1"})
    assert again.status_code == 404
    assert "Koden har redan använts. Varje kod kan användas en gång." in again.text
    assert Response.objects.count() == 1


def test_an_expired_code_is_refused(client, county):
    code = _code(county, today=timezone.localdate() - datetime.timedelta(days=31))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(reverse("surveys:code_answer", args=[code]), {"q1": "4"})
    assert response.status_code == 404
    assert "Koden gäller inte längre" in response.text
    assert not Response.objects.exists()


def test_an_unknown_code_is_refused_and_counted_against_the_flood_limit(client, county):
    url = reverse("surveys:code_answer", args=["ABCD2345"])
    for _attempt in range(30):
        assert client.get(url).status_code == 404
    assert client.get(url).status_code == 429
    # a real code from the same sender is refused too until the window has passed
    assert client.get(reverse("surveys:code_answer", args=[_code(county)])).status_code == 429


def test_codes_refused_from_some_senders_do_not_shut_out_the_others(client, county):
    url = reverse("surveys:code_answer", args=["ABCD2345"])
    for address in range(20):  # twenty senders guessing, each up to their own limit
        for _attempt in range(30):
            client.get(url, REMOTE_ADDR=f"192.0.2.{address}")
    code = _code(county)
    answered = client.get(reverse("surveys:code_answer", args=[code]), REMOTE_ADDR="198.51.100.7")
    assert answered.status_code == 200
    assert client.get(url, REMOTE_ADDR="192.0.2.1").status_code == 429  # the guesser is not


def test_the_code_page_is_open_without_login(client, county):
    assert client.get(reverse("surveys:code_enter")).status_code == 200
    typed = client.post(reverse("surveys:code_enter"), {"code": "abcd-2345"})
    assert typed["Location"] == reverse("surveys:code_answer", args=["ABCD2345"])


# --- Paper ------------------------------------------------------------------------------------


def test_staff_of_the_unit_enter_a_paper_answer_with_its_month(client, county):
    log_in(client, county.social_worker, county.clinic)
    url = reverse("surveys:paper", args=[county.clinic.pk, "relatives"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"day": "2025-03-17", "q1": "5", "q6": "0"})
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.questionnaire, saved.channel, saved.month) == (
        "relatives",
        Channel.PAPER,
        datetime.date(2025, 3, 1),
    )
    assert sorted(saved.items.values_list("question", "value")) == [(1, 5), (6, 0)]


def test_staff_of_another_unit_cannot_enter_paper_answers_for_it(client, county):
    log_in(client, county.outsider)
    url = reverse("surveys:paper", args=[county.clinic.pk, "persons"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"day": "2025-03-17", "q1": "5"}).status_code == 404
    assert not Response.objects.exists()


def test_a_paper_answer_in_the_future_or_empty_is_refused_with_the_form(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("surveys:paper", args=[county.clinic.pk, "persons"])
    empty = client.post(url, {"day": "2025-03-17"})
    assert empty.status_code == 200 and "Answer at least one question." in empty.text
    assert not Response.objects.exists()
