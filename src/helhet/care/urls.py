from django.urls import path

from . import views

app_name = "care"
urlpatterns: list = []
urlpatterns += [path("caseload/", views.caseload, name="caseload")]
