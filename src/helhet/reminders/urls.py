from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("tasks/", views.mine, name="mine"),
]
