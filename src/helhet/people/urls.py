from django.urls import path

from . import views

app_name = "people"
urlpatterns: list = []
urlpatterns += [
    path("persons/", views.search, name="search"),
    path("persons/new/", views.register, name="register"),
]
