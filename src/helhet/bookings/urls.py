from django.urls import path

from . import calendar_views, views

app_name = "bookings"
person = "persons/<id:person_id>/bookings"
urlpatterns = [
    path(f"{person}/", views.person_bookings, name="person"),
    path(f"{person}/new/", views.booking_new, name="new"),
    path(f"{person}/<id:booking_id>/change/", views.booking_edit, name="edit"),
    path(f"{person}/<id:booking_id>/cancel/", views.booking_cancel, name="cancel"),
    path(f"{person}/<id:booking_id>/move/", views.booking_rebook, name="rebook"),
    path(f"{person}/<id:booking_id>/attended/", views.booking_attended, name="attended"),
    path(f"{person}/<id:booking_id>/no-show/", views.booking_no_show, name="no_show"),
    path("calendar/", calendar_views.my_calendar, name="calendar"),
    path("calendar/unit/<id:unit_id>/", calendar_views.unit_calendar, name="unit_calendar"),
    path("calendar/group-sessions/new/", calendar_views.session_new, name="session_new"),
    path("calendar/group-sessions/<id:session_id>/", calendar_views.session, name="session"),
    path(
        "calendar/group-sessions/<id:session_id>/cancel/",
        calendar_views.session_cancel,
        name="session_cancel",
    ),
    path(
        "calendar/group-sessions/<id:session_id>/move/",
        calendar_views.session_move,
        name="session_move",
    ),
    path("calendar/feed/", calendar_views.feed_page, name="feed_page"),
    # Public: the private address a calendar program reads (a token, no login).
    path("calendar/feed/<str:token>.ics", calendar_views.feed, name="feed"),
]
