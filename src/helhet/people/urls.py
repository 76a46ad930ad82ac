from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("persons/", views.search, name="search"),
    path("persons/new/", views.register, name="register"),
    path("persons/<id:person_id>/", views.overview, name="overview"),
    path("persons/<id:person_id>/history/", views.history, name="history"),
    path("persons/<id:person_id>/edit/", views.person_edit, name="edit"),
    path("persons/<id:person_id>/changes/", views.changes_page, name="changes"),
    path("persons/<id:person_id>/relatives/new/", views.relative_add, name="relative_add"),
    path(
        "persons/<id:person_id>/relatives/<id:relative_id>/edit/",
        views.relative_edit,
        name="relative_edit",
    ),
]
