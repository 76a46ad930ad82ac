from django.urls import path

from . import views

app_name = "contacts"
person = "persons/<id:person_id>"
urlpatterns = [
    path(f"{person}/contacts/", views.contact_list, name="list"),
    path(f"{person}/contacts/new/", views.contact_new, name="new"),
    path(f"{person}/contacts/latest/", views.latest, name="latest"),
    path(f"{person}/medication/", views.medication, name="medication"),
    path(f"{person}/medication/drug-tests/new/", views.drug_test_new, name="drug_test_new"),
    path(f"{person}/medication/dispensing/new/", views.dispensing_new, name="dispensing_new"),
    path("drop-in/", views.drop_in, name="drop_in"),
]
