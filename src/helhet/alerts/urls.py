from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("persons/<id:person_id>/warnings/new/", views.alert_new, name="new"),
    path("persons/<id:person_id>/warnings/<id:alert_id>/end/", views.alert_end, name="end"),
]
