from django.urls import path

from . import views

app_name = "outcomes"
urlpatterns = [
    path("persons/<id:person_id>/outcomes/", views.outcomes, name="list"),
    path("persons/<id:person_id>/outcomes/latest/", views.latest, name="latest"),
    path("persons/<id:person_id>/outcomes/new/", views.outcome_new, name="new"),
    path(
        "persons/<id:person_id>/outcomes/<id:outcome_id>/correct/",
        views.outcome_correct,
        name="correct",
    ),
]
