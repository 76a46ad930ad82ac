from django.urls import path

from . import views

app_name = "plans"
person = "persons/<id:person_id>"
urlpatterns = [
    path(f"{person}/sip/", views.sip, name="sip"),
    path(f"{person}/sip/new/", views.sip_new, name="sip_new"),
    path(f"{person}/sip/meetings/new/", views.sip_meeting_new, name="sip_meeting_new"),
    path(f"{person}/sip/print/", views.sip_print, name="sip_print"),
    path(f"{person}/sip/pdf/", views.sip_pdf, name="sip_pdf"),
    path(f"{person}/plans/", views.plans, name="plans"),
    path(f"{person}/plans/edit/", views.plan_edit, name="plan_edit"),
]
