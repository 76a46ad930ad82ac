from django.urls import path

from . import block_views, views

app_name = "access"
urlpatterns = [
    path("persons/<id:person_id>/consents/new/", views.consent_new, name="consent_new"),
    path(
        "persons/<id:person_id>/consents/<id:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "persons/<id:person_id>/consents/<id:consent_id>/print/",
        views.consent_print,
        name="consent_print",
    ),
    path(
        "persons/<id:person_id>/consents/<id:consent_id>/pdf/",
        views.consent_pdf,
        name="consent_pdf",
    ),
    path("persons/<id:person_id>/blocks/", block_views.block_list, name="blocks"),
    path(
        "persons/<id:person_id>/blocks/<id:block_id>/lift/",
        block_views.block_lift,
        name="block_lift",
    ),
    path("blocks/", block_views.unit_block_list, name="unit_blocks"),
    path("blocks/<id:block_id>/lift/", block_views.unit_block_lift, name="unit_block_lift"),
    path("persons/<id:person_id>/log-extract/", views.log_extract, name="log_extract"),
    path("emergency/", views.emergency, name="emergency"),
    path("log/", views.log_review, name="log_review"),
]
