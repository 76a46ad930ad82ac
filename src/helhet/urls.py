from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("helhet.core.urls")),
    path("", include("helhet.people.urls")),
    path("", include("helhet.care.urls")),
    path("", include("helhet.access.urls")),
    path("", include("helhet.intake.urls")),
    path("", include("helhet.assessments.urls")),
    path("", include("helhet.contacts.urls")),
    path("", include("helhet.plans.urls")),
    path("", include("helhet.reminders.urls")),
    path("", include("helhet.timeline.urls")),
    path("", include("helhet.followup.urls")),
]
