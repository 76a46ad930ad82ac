from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from helhet.core import oidc_views
from helhet.core.accounts import PasswordLinkRequestForm, SetPasswordView

# Login is required by default (LoginRequiredMiddleware); the public views are marked
# @login_not_required: the login page and the links that set a password (Django's own), the
# language switch, the self-referral page (intake/public.py) and the admin's login.
urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Login through an identity provider (core/oidc_views.py): public, as the login page.
    path("accounts/oidc/<slug:slug>/login/", oidc_views.oidc_login, name="oidc_login"),
    path("accounts/oidc/<slug:slug>/callback/", oidc_views.oidc_callback, name="oidc_callback"),
    # Setting one's own password through a link (core/accounts.py): Django's reset views.
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordLinkRequestForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/<uidb64>/<token>/",
        SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Public: the login page's footer changes the language too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # --- second factor (core/mfa/): its pages, and django-otp-webauthn's passkey endpoints ---
    path("accounts/mfa/", include("helhet.core.mfa.urls")),
    path("accounts/mfa/passkeys/", include("django_otp_webauthn.urls")),
    path("admin/", admin.site.urls),
    path("", include("helhet.core.urls")),
    path("", include("helhet.people.urls")),
    path("", include("helhet.care.urls")),
    path("", include("helhet.access.urls")),
    path("", include("helhet.intake.urls")),
    path("", include("helhet.assessments.urls")),
    path("", include("helhet.outcomes.urls")),
    path("", include("helhet.contacts.urls")),
    path("", include("helhet.bookings.urls")),
    path("", include("helhet.plans.urls")),
    path("", include("helhet.reminders.urls")),
    path("", include("helhet.timeline.urls")),
    path("", include("helhet.alerts.urls")),
    path("", include("helhet.followup.urls")),
    path("", include("helhet.governance.urls")),
    path("", include("helhet.conference.urls")),
    path("", include("helhet.surveys.urls")),
]
