from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("persons/<id:person_id>/assessments/", views.history, name="history"),
    path("persons/<id:person_id>/assessments/latest/", views.latest, name="latest"),
    path(
        "persons/<id:person_id>/assessments/new/<slug:instrument>/",
        views.assessment_new,
        name="new",
    ),
    path(
        "persons/<id:person_id>/assessments/<id:assessment_id>/correct/",
        views.assessment_correct,
        name="correct",
    ),
]
