"""The admin shows reference data only: django-tasks-db's task results (arguments, return
values, tracebacks) are taken off it; the worker's log shows failed tasks."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
