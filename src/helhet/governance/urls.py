from django.urls import path

from . import consultation_views, views

app_name = "governance"
urlpatterns = [
    path("governance/", views.index, name="index"),
    path("governance/steering-groups/<id:group_id>/", views.steering_group, name="steering_group"),
    path("governance/agreements/<id:agreement_id>/", views.agreement, name="agreement"),
    path("governance/agreements/<id:agreement_id>/propose/", views.propose, name="propose"),
    path("governance/agreements/<id:agreement_id>/pdf/", views.agreement_pdf, name="pdf"),
    path("governance/agreements/<id:agreement_id>/checklist/", views.checklist, name="checklist"),
    path("governance/agreements/<id:agreement_id>/staffing/", views.staffing, name="staffing"),
    path("governance/agreements/<id:agreement_id>/costs/", views.costs, name="costs"),
    path("governance/agreements/<id:agreement_id>/costs/key/", views.cost_key, name="cost_key"),
    path(
        "governance/agreements/<id:agreement_id>/costs/xlsx/",
        views.statement_xlsx,
        name="statement_xlsx",
    ),
    path(
        "governance/agreements/<id:agreement_id>/costs/pdf/",
        views.statement_pdf,
        name="statement_pdf",
    ),
    path("governance/versions/<id:version_id>/", views.version, name="version"),
    path("governance/versions/<id:version_id>/approve/", views.approve, name="approve"),
    path("governance/checklist/<id:check_id>/", views.checklist_item, name="checklist_item"),
    path("governance/positions/<id:position_id>/", views.position, name="position"),
    path("governance/costs/<id:cost_id>/", views.cost, name="cost"),
    path("governance/deviations/", views.deviation_list, name="deviations"),
    path("governance/deviations/new/", views.deviation_new, name="deviation_new"),
    path(
        "persons/<id:person_id>/deviations/new/",
        views.person_deviation_new,
        name="person_deviation_new",
    ),
    path("governance/deviations/<id:deviation_id>/", views.deviation, name="deviation"),
    path(
        "governance/deviations/<id:deviation_id>/close/",
        views.deviation_close,
        name="deviation_close",
    ),
    # --- consultation across the boundary ---
    path("governance/contacts/", consultation_views.contact_list, name="contacts"),
    path(
        "governance/contacts/<id:named_contact_id>/remove/",
        consultation_views.contact_remove,
        name="contact_remove",
    ),
    path("governance/consultations/", consultation_views.consultation_list, name="consultations"),
    path(
        "governance/consultations/new/",
        consultation_views.consultation_new,
        name="consultation_new",
    ),
    path(
        "persons/<id:person_id>/consultations/new/",
        consultation_views.person_consultation_new,
        name="person_consultation_new",
    ),
    path(
        "governance/consultations/<id:consultation_id>/",
        consultation_views.consultation,
        name="consultation",
    ),
    path(
        "governance/consultations/<id:consultation_id>/close/",
        consultation_views.consultation_close,
        name="consultation_close",
    ),
    path(
        "governance/consultations/<id:consultation_id>/deviation/",
        consultation_views.consultation_deviation,
        name="consultation_deviation",
    ),
]
