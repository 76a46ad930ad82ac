from django.urls import path

from . import views

app_name = "access"
urlpatterns: list = []
urlpatterns += [
    path("emergency/", views.emergency, name="emergency"),
    path("log/", views.log_review, name="log_review"),
]
