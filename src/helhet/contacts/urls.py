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
    path(
        f"{person}/contacts/<id:contact_id>/correct/", views.contact_correct, name="contact_correct"
    ),
    path(
        f"{person}/contacts/<id:contact_id>/versions/",
        views.contact_versions,
        name="contact_versions",
    ),
    path(
        f"{person}/medication/drug-tests/<id:drug_test_id>/correct/",
        views.drug_test_correct,
        name="drug_test_correct",
    ),
    path(
        f"{person}/medication/drug-tests/<id:drug_test_id>/versions/",
        views.drug_test_versions,
        name="drug_test_versions",
    ),
    path(
        f"{person}/medication/dispensing/<id:dispensing_id>/correct/",
        views.dispensing_correct,
        name="dispensing_correct",
    ),
    path(
        f"{person}/medication/dispensing/<id:dispensing_id>/versions/",
        views.dispensing_versions,
        name="dispensing_versions",
    ),
    path("drop-in/", views.drop_in, name="drop_in"),
]
