from django.urls import path

from . import views

app_name = "conference"
person = "persons/<id:person_id>"
urlpatterns = [
    path("conference/", views.board, name="board"),
    path("conference/new/", views.conference_new, name="new"),
    path("conference/past/", views.past, name="past"),
    path("conference/<id:conference_id>/", views.conference, name="conference"),
    path("conference/<id:conference_id>/minutes/", views.minutes, name="minutes"),
    path("conference/<id:conference_id>/minutes/pdf/", views.minutes_pdf, name="minutes_pdf"),
    path("conference/<id:conference_id>/add/", views.item_new, name="item_new"),
    path(f"{person}/conference/add/", views.person_add, name="person_add"),
    path(f"{person}/conference/<id:item_id>/", views.item, name="item"),
]
