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
]
