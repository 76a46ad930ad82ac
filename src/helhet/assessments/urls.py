from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("persons/<int:person_id>/assessments/", views.history, name="history"),
    path("persons/<int:person_id>/assessments/latest/", views.latest, name="latest"),
    path(
        "persons/<int:person_id>/assessments/new/<slug:instrument>/",
        views.assessment_new,
        name="new",
    ),
    path(
        "persons/<int:person_id>/assessments/<int:assessment_id>/correct/",
        views.assessment_correct,
        name="correct",
    ),
]
