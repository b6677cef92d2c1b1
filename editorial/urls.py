"""URLs: the admin, the API (v1) with its schema and docs, the public site and the editorial app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter, SimpleRouter
from rest_framework.urlpatterns import format_suffix_patterns

from editorial.api_docs import RedocView, SwaggerUIView
from editorial.health import HealthView
from editorial.metrics import metrics_view
from public.api import PublicArticleViewSet
from public.review_record import ReviewRecordView
from reviews.api.articles import EditorialArticleViewSet
from reviews.api.auth import ObtainTokenView, TokenDetailView, TokenListView
from reviews.api.sources import ArticleReferencesView, SourceViewSet

API_PREFIX = "api/v1/"

# The public API is the hottest route: at the top of the URLconf it resolves in one step rather
# than through the API's include() and router, four levels of matches. Same URLs, names and
# format suffixes as a registration on ``router``.
public_router = SimpleRouter()
public_router.register(f"{API_PREFIX}articles", PublicArticleViewSet, basename="public-article")
public_routes = format_suffix_patterns(public_router.urls)


class APIRouter(DefaultRouter):
    """The v1 API's router. Its root lists the public routes first, although ``public_router``
    routes them at the top of the URLconf."""

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        registered = [(prefix.removeprefix(API_PREFIX), name) for prefix, _, name in public_router.registry]
        registered += [(prefix, name) for prefix, _, name in self.registry]
        roots = {prefix: list_name.format(basename=name) for prefix, name in registered}
        return self.APIRootView.as_view(api_root_dict=roots)


router = APIRouter()
router.register("editorial/articles", EditorialArticleViewSet, basename="editorial-article")
router.register("editorial/sources", SourceViewSet, basename="editorial-source")

api_v1 = [
    path(
        "articles/<slug:slug>/review-record/",
        ReviewRecordView.as_view(),
        name="public-article-review-record",
    ),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerUIView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
    path(
        "editorial/articles/<int:pk>/references/",
        ArticleReferencesView.as_view(),
        name="editorial-article-references",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    *public_routes,
    # The public pages next: they share no prefix with what follows.
    path("", include("public.urls")),
    path("admin/", admin.site.urls),
    path(API_PREFIX, include(api_v1)),
    # Someone already signed in who opens the login page goes straight to their dashboard.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("editorial/", include("reviews.urls")),
    # Operations: the balancer's health check, and Prometheus' metrics (local addresses only).
    path("-/health/", HealthView.as_view(), name="health"),
    path("-/metrics", metrics_view, name="metrics"),
]

handler404 = "editorial.refusals.page_not_found"
