from django.urls import path

from . import export_views, views

app_name = "followup"
urlpatterns = [
    path("followup/", views.index, name="index"),
    path("followup/units/<id:unit_id>/", views.unit, name="unit"),
    path("followup/units/<id:unit_id>/trend/", views.trend, name="trend"),
    path("followup/county/", views.county, name="county"),
    path("followup/definitions/", views.definitions, name="definitions"),
    path("followup/exports/", export_views.exports, name="exports"),
    path("followup/exports/new/", export_views.new_export, name="export_new"),
    path("followup/exports/<id:job_id>/", export_views.export_status, name="export_status"),
    path(
        "followup/exports/<id:job_id>/download/",
        export_views.export_download,
        name="export_download",
    ),
]
