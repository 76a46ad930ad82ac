"""Administrators do not set clinicians' passwords: a new user, and any user on request, gets a
link with which they set their own (Django's password reset), and sending it is logged."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.core.models import User

pytestmark = pytest.mark.usefixtures("access_changes_logged")


@pytest.fixture
def admin_client(client, county, django_capture_on_commit_callbacks):
    """The admin, signed in; the link is mailed after the commit, which each request here
    stands for (its on-commit callbacks run)."""
    client.force_login(county.admin)
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_commit
    return client


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", message.body).group(1)


def security_whats(after: int = 0) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(action="security", id__gt=after).values_list(
            "what", flat=True
        )
    )


def test_the_admin_cannot_open_a_clinicians_password_form(admin_client, county):
    url = reverse("admin:auth_user_password_change", args=[county.nurse.pk])
    assert admin_client.get(url).status_code == 403


def test_the_admin_cannot_post_a_clinicians_password(admin_client, county):
    url = reverse("admin:auth_user_password_change", args=[county.nurse.pk])
    response = admin_client.post(
        url, {"password1": "Chosen-by-admin-1", "password2": "Chosen-by-admin-1"}
    )
    assert response.status_code == 403
    county.nurse.refresh_from_db()
    assert not county.nurse.check_password("Chosen-by-admin-1")


def test_a_clinicians_change_page_has_no_password_field_or_link(admin_client, county):
    response = admin_client.get(reverse("admin:core_user_change", args=[county.nurse.pk]))
    assert response.status_code == 200
    assert b"../password/" not in response.content


def test_an_administrator_accounts_change_page_links_to_its_password_form(admin_client, county):
    response = admin_client.get(reverse("admin:core_user_change", args=[county.admin.pk]))
    assert b"../password/" in response.content


def test_an_administrator_accounts_password_may_be_set_in_the_admin(admin_client, county):
    """Decided: an account without an employer holds no clinical access, so an administrator
    may set its password (a locked-out colleague); the change is logged, its value never."""
    other = User.objects.create_user("admin2", "admin2@example.test", "old-password-123")
    url = reverse("admin:auth_user_password_change", args=[other.pk])
    assert admin_client.get(url).status_code == 200
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = admin_client.post(
        url, {"password1": "Chosen-by-admin-1", "password2": "Chosen-by-admin-1"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("Chosen-by-admin-1")
    assert any(
        w.startswith("user changed: admin2") and "password" in w for w in security_whats(start)
    )


def test_creating_a_clinical_user_sets_no_password_and_mails_a_link(admin_client, county):
    response = admin_client.post(
        reverse("admin:core_user_add"),
        {
            "username": "ny.skoterska",
            "email": "ny.skoterska@example.test",
            "first_name": "Ny",
            "last_name": "Sköterska",
            "organisation": county.region.pk,
            "profession": User.Profession.NURSE,
        },
    )
    assert response.status_code == 302, response.content
    user = User.objects.get(username="ny.skoterska")
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["ny.skoterska@example.test"] and "/accounts/password/" in message.body
    whats = security_whats()
    assert any(w.startswith("user created: ny.skoterska") for w in whats)
    assert any(w.startswith("password link sent: ny.skoterska") for w in whats)


def test_a_new_user_without_an_email_address_is_refused(admin_client, county):
    response = admin_client.post(
        reverse("admin:core_user_add"),
        {"username": "utan.post", "organisation": county.region.pk, "profession": "nurse"},
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="utan.post").exists() and mail.outbox == []


def test_the_admin_action_sends_a_link_and_logs_it(admin_client, county):
    county.nurse.email = "nurse@example.test"
    county.nurse.save()
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "send_password_link", "_selected_action": [county.nurse.pk]},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["nurse@example.test"]
    rows = AccessLogEntry.objects.filter(action="security", id__gt=start)
    [row] = rows
    assert row.what.startswith("password link sent: nurse")
    assert (row.user_id, row.organisation_id) == (county.admin.pk, county.region.pk)


def test_the_admin_action_sends_nothing_to_a_user_without_an_address(admin_client, county):
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "send_password_link", "_selected_action": [county.outsider.pk]},
    )
    assert mail.outbox == [] and security_whats(start) == []


def test_the_user_sets_their_own_password_through_the_link(admin_client, client, county):
    """End to end: created in the admin, the user follows the mailed link, chooses a
    password, and logs in with it; the change is logged as their own."""
    admin_client.post(
        reverse("admin:core_user_add"),
        {
            "username": "ny.kurator",
            "email": "ny.kurator@example.test",
            "organisation": county.municipality.pk,
            "profession": User.Profession.SOCIAL_WORKER,
        },
    )
    admin_client.logout()
    user = User.objects.get(username="ny.kurator")
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Mitt-eget-losen-42", "new_password2": "Mitt-eget-losen-42"},
    )
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Mitt-eget-losen-42")
    [row] = AccessLogEntry.objects.filter(action="security", id__gt=start)
    assert (
        row.user_id == user.pk and row.what == f"user changed: ny.kurator (id {user.pk}): password"
    )
    response = client.post(
        reverse("login"), {"username": "ny.kurator", "password": "Mitt-eget-losen-42"}
    )
    assert response.status_code == 302


def test_a_link_asked_for_on_the_login_page_is_sent_and_logged_as_the_admins_is(
    client, county, django_capture_on_commit_callbacks
):
    county.nurse.email = "nurse@example.test"
    county.nurse.save()
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nurse@example.test"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["nurse@example.test"]
    assert [w for w in security_whats(start) if w.startswith("password link sent: nurse")]


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(
    client, county, django_capture_on_commit_callbacks
):
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == [] and security_whats(start) == []


def test_a_used_link_does_not_work_again(client, county, django_capture_on_commit_callbacks):
    county.nurse.email = "nurse@example.test"
    county.nurse.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "nurse@example.test"})
    assert mail.outbox[0].subject == "Set your password for testserver"
    link = link_in(mail.outbox[0])
    url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(url, {"new_password1": "Mitt-eget-losen-42", "new_password2": "Mitt-eget-losen-42"})
    response = client.get(link, follow=True)
    assert response.status_code == 200 and not response.context["validlink"]


def change_form_data(admin_client, user) -> dict:
    """The admin change form of USER as it stands, ready to post back."""
    page = admin_client.get(reverse("admin:core_user_change", args=[user.pk]))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = field.widget
        if hasattr(widget, "widgets"):  # split date and time
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif value is None or value is False:
            continue
        else:
            data[name] = value
    return data


def test_an_account_given_an_employer_loses_the_password_the_admin_chose(admin_client, county):
    """No way around it: an administrator sets the password of an account without an employer,
    then gives it one; the password no longer works and the user gets a link."""
    other = User.objects.create_user("blivande", "blivande@example.test", "Chosen-by-admin-1")
    data = change_form_data(admin_client, other) | {"organisation": county.region.pk}
    response = admin_client.post(reverse("admin:core_user_change", args=[other.pk]), data)
    assert response.status_code == 302, response.content
    other.refresh_from_db()
    assert other.organisation_id == county.region.pk
    assert not other.has_usable_password()
    assert [m.to for m in mail.outbox] == [["blivande@example.test"]]


def test_an_account_without_an_employer_keeps_its_password_on_other_changes(admin_client, county):
    other = User.objects.create_user("admin3", "admin3@example.test", "Chosen-by-admin-1")
    data = change_form_data(admin_client, other) | {"first_name": "Ny"}
    response = admin_client.post(reverse("admin:core_user_change", args=[other.pk]), data)
    assert response.status_code == 302, response.content
    other.refresh_from_db()
    assert other.check_password("Chosen-by-admin-1") and mail.outbox == []
