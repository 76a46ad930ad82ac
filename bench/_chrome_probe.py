import statistics, sys, time
from run import profiling_setup  # noqa
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template import engines
from django.urls import path, clear_url_caches
import bench.urls as bu

tpl = engines["django"].from_string('{% extends "base.html" %}{% block content %}<p>x</p>{% endblock %}')
@login_required
def chrome(request):
    from django.http import HttpResponse
    return HttpResponse(tpl.render({}, request))
bu.urlpatterns.insert(0, path("bench/chrome/", chrome))
clear_url_caches()
args, client, pages, page = profiling_setup("probe")
for url in ("/bench/minimal/", "/bench/chrome/"):
    for _ in range(20): client.get(url)
def med(url):
    ts=[]
    for _ in range(200):
        t=time.perf_counter(); client.get(url); ts.append(time.perf_counter()-t)
    return statistics.median(ts)*1000
for r in range(2):
    print("minimal", round(med("/bench/minimal/"),2), "chrome", round(med("/bench/chrome/"),2))
