"""URLs: the admin, the API (v1) with its schema and docs, the public site and the editorial app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from articles.api import ArticleReferencesView, SourceViewSet
from articles.public_api import PublicArticleViewSet
from reviews.api import EditorialArticleViewSet, ObtainTokenView

router = DefaultRouter()
router.register("articles", PublicArticleViewSet, basename="public-article")
router.register("editorial/articles", EditorialArticleViewSet, basename="editorial-article")
router.register("editorial/sources", SourceViewSet, basename="editorial-source")

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path(
        "editorial/articles/<int:pk>/references/",
        ArticleReferencesView.as_view(),
        name="editorial-article-references",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # Someone already signed in who opens the login page goes straight to their dashboard.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("editorial/", include("reviews.urls")),
    path("", include("articles.urls")),
]

handler404 = "editorial.api_errors.page_not_found"
