from django.urls import path

from . import views

app_name = "care"
episode = "persons/<id:person_id>/episodes/<id:episode_id>"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("persons/<id:person_id>/episodes/new/", views.episode_open, name="episode_open"),
    path(f"{episode}/close/", views.episode_close, name="episode_close"),
    path(f"{episode}/reactivate/", views.episode_reactivate, name="episode_reactivate"),
    path(f"{episode}/case-team/", views.case_team_add, name="case_team_add"),
]
