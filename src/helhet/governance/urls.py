from django.urls import path

from . import consultation_views, disputes_views, steering_views, target_views, views

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
    path(
        "governance/agreements/<id:agreement_id>/targets/",
        target_views.target_list,
        name="targets",
    ),
    path("governance/targets/<id:target_id>/", target_views.target, name="target"),
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
    # --- the steering group's work: meetings, decisions, the year's cycle ---
    path(
        "governance/steering-groups/<id:group_id>/meetings/new/",
        steering_views.meeting_new,
        name="meeting_new",
    ),
    path("governance/meetings/<id:meeting_id>/", steering_views.meeting, name="meeting"),
    path(
        "governance/meetings/<id:meeting_id>/edit/",
        steering_views.meeting_edit,
        name="meeting_edit",
    ),
    path("governance/meetings/<id:meeting_id>/minutes/", steering_views.minutes, name="minutes"),
    path(
        "governance/meetings/<id:meeting_id>/minutes/pdf/",
        steering_views.minutes_pdf,
        name="minutes_pdf",
    ),
    path(
        "governance/meetings/<id:meeting_id>/decisions/new/",
        steering_views.decision_new,
        name="decision_new",
    ),
    path("governance/decisions/<id:decision_id>/", steering_views.decision, name="decision"),
    path(
        "governance/steering-groups/<id:group_id>/cycle/new/",
        steering_views.cycle_step_new,
        name="cycle_step_new",
    ),
    path("governance/cycle/<id:step_id>/", steering_views.cycle_step, name="cycle_step"),
    path(
        "governance/cycle/<id:step_id>/done/",
        steering_views.cycle_step_done,
        name="cycle_step_done",
    ),
]
urlpatterns += [
    path("governance/disputes/", disputes_views.dispute_list, name="disputes"),
    path("governance/disputes/new/", disputes_views.dispute_new, name="dispute_new"),
    path(
        "persons/<id:person_id>/disputes/new/",
        disputes_views.person_dispute_new,
        name="person_dispute_new",
    ),
    path("governance/disputes/<id:dispute_id>/", disputes_views.dispute, name="dispute"),
    path(
        "governance/disputes/<id:dispute_id>/settlement/",
        disputes_views.dispute_settlement,
        name="dispute_settlement",
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
