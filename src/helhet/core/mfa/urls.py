from django.urls import path

from . import views

app_name = "mfa"
urlpatterns = [
    path("", views.index, name="index"),
    path("app/", views.totp, name="totp"),
    path("recovery-codes/", views.recovery, name="recovery"),
    path("app/<id:device_id>/remove/", views.remove, {"kind": "app"}, name="remove_app"),
    path(
        "passkey/<id:device_id>/remove/", views.remove, {"kind": "passkey"}, name="remove_passkey"
    ),
]
