from django.urls import path

from . import idle, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/", views.switch_unit, name="switch_unit"),
    path("session/stay/", idle.stay_signed_in, name="stay_signed_in"),
]
