"""Passwords are set by their owners: an administrator sends a link, never a password.

The link is Django's own password reset (token generator, `PasswordResetForm`'s e-mail, the
confirm view under /accounts/reset/). A user created in the admin site gets an unusable
password and the link; the admin's "send a link to set the password" action sends it again.
Sending is a security event (access/security.py); the mail goes after the commit, so that the
link's token is made from the password the database holds.
"""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from helhet.access import security
from helhet.access.what import what

from .forms import ModelChoiceField
from .models import User

EMAIL_TEMPLATE = "registration/password_link_email.txt"
SUBJECT_TEMPLATE = "registration/password_link_subject.txt"


class NewUserForm(forms.ModelForm):
    """The admin's form for a new user: no password; the user sets their own from the link."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name", "organisation", "profession"]
        field_classes = {"organisation": ModelChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "The new user receives a link here to set their own password."
        )

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class _LinkForm(PasswordResetForm):
    """Django's reset e-mail, sent to one chosen user (who may have no usable password yet)."""

    def __init__(self, user: User):
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user]


def password_link_send(*, user: User, request) -> bool:
    """Send USER a link to set their password, after the commit; log it as a security event.

    False (nothing sent, nothing logged) when USER is inactive or has no e-mail address.
    """
    if not (user.is_active and user.email):
        return False
    security.record(
        [
            security.Event(
                what("password link sent", f"{user.username} (id {user.pk})"),
                frozenset({user.organisation_id}),
            )
        ]
    )

    def send() -> None:
        form = _LinkForm(user)
        form.is_valid()
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
        )

    transaction.on_commit(send)
    return True


class PasswordLinkRequestForm(PasswordResetForm):
    """The login page's "set or forgot your password": the link goes as the admin's does
    (`password_link_send`: after the commit, logged as a security event)."""

    def save(self, *args, request=None, **_options) -> None:
        # Django's view passes its e-mail options; the link is password_link_send's.
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                password_link_send(user=user, request=request)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's reset confirmation; the password change it saves names the user as its actor."""

    def form_valid(self, form):
        # the new password and its security row stand or fall together
        with transaction.atomic(), security.acting_as(self.user):
            return super().form_valid(form)
