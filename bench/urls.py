"""The site's URLs plus the bare view (bench settings only)."""

from django.urls import path

from bench.views import bare
from editorial.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("__bench__/bare/<slug:name>", bare), *site_urlpatterns]
