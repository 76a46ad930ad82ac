from django.urls import path

from . import council_views, public, views

app_name = "surveys"

urlpatterns = [
    path("surveys/", views.index, name="index"),
    path("surveys/units/<id:unit_id>/", views.unit, name="unit"),
    path("surveys/units/<id:unit_id>/kiosk/start/", views.kiosk_start, name="kiosk_start"),
    path("surveys/units/<id:unit_id>/kiosk/stop/", views.kiosk_stop, name="kiosk_stop"),
    path("surveys/units/<id:unit_id>/codes/", views.code_new, name="code_new"),
    path("surveys/units/<id:unit_id>/codes/slip/", views.code_slip, name="code_slip"),
    path("surveys/units/<id:unit_id>/paper/<slug:questionnaire>/", views.paper, name="paper"),
    path("surveys/units/<id:unit_id>/comments/", views.comments, name="comments"),
    path("surveys/units/<id:unit_id>/results/", views.results_page, name="results"),
    path("surveys/units/<id:unit_id>/council/", council_views.council, name="council"),
    path(
        "surveys/units/<id:unit_id>/council/meetings/new/",
        council_views.meeting_new,
        name="meeting_new",
    ),
    path(
        "surveys/units/<id:unit_id>/council/proposals/new/",
        council_views.proposal_new,
        name="proposal_new",
    ),
    path(
        "surveys/council/meetings/<id:meeting_id>/edit/",
        council_views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "surveys/proposals/<id:proposal_id>/edit/",
        council_views.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "surveys/proposals/<id:proposal_id>/answer/",
        council_views.proposal_answer,
        name="proposal_answer",
    ),
    # public (no login): the kiosk on the unit's tablet, the one-time code's page
    path("kiosk/", public.kiosk, name="kiosk"),
    path("kiosk/answer/", public.kiosk_answer, name="kiosk_answer"),
    path("kiosk/thanks/", public.kiosk_thanks, name="kiosk_thanks"),
    path("s/", public.code_enter, name="code_enter"),
    path("s/thanks/", public.code_thanks, name="code_thanks"),
    path("s/<str:code>/", public.code_answer, name="code_answer"),
]
