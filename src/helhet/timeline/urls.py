from django.urls import path

from . import views

app_name = "timeline"
person = "persons/<id:person_id>"
urlpatterns = [
    path(f"{person}/timeline/", views.page, name="page"),
    path(f"{person}/timeline/latest/", views.latest, name="latest"),
]
