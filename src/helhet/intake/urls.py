from django.urls import path

from . import public, views

app_name = "intake"
referral = "referrals/<id:referral_id>"
urlpatterns = [
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/new/", views.register, name="register"),
    path("referrals/meeting/", views.meeting, name="meeting"),
    path(f"{referral}/", views.detail, name="detail"),
    path(f"{referral}/accept/", views.accept, name="accept"),
    path(f"{referral}/decline/", views.decline, name="decline"),
    path(f"{referral}/wait/", views.wait, name="wait"),
    path(f"{referral}/commission/", views.commission, name="commission"),
    path("persons/<id:person_id>/referrals/", views.person_referrals, name="person_referrals"),
    # The public way in: no login.
    path("in/<slug:slug>/", public.self_referral, name="self_referral"),
    path("in/<slug:slug>/thanks/", public.self_referral_thanks, name="self_referral_thanks"),
]
