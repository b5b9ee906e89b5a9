"""The project's URLs plus one bare view, the yardstick for page latency."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from lumytic.urls import urlpatterns as project_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
