"""The public, read-only API: current Publications only, anonymous, cacheable.

Each request runs a fixed number of queries (list: the count and the page, and for a search the
page's keys first; detail: the publication, and its retracted sources while it cites any),
computes ``ETag`` and ``Last-Modified`` from those rows and answers a matching conditional GET
with 304 before serialising anything. Whole responses are kept in the response cache (``articles.caching``).
"""

from __future__ import annotations

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from articles import caching, selectors
from articles.public_serializers import (
    NotFoundSerializer,
    PublicArticleSerializer,
    PublicationListSerializer,
    RetractedArticleSerializer,
)

NOT_FOUND = "No approved article has this address."
FILTER_PARAMETERS = frozenset(selectors.PublicationFilter.base_filters)


class JSONNegotiation(DefaultContentNegotiation):
    """DRF's content negotiation, answered at once for what nearly every client accepts.

    Parsing and ranking the ``Accept`` header was a tenth of an uncached request. Any other
    header, or a ``?format=``, still goes through DRF (an unacceptable one answers 406).
    """

    COMMON_ACCEPT = frozenset({"*/*", "application/json"})

    def select_renderer(self, request, renderers, format_suffix=None):
        if (
            request.META.get("HTTP_ACCEPT", "*/*") in self.COMMON_ACCEPT
            and not format_suffix
            and self.settings.URL_FORMAT_OVERRIDE not in request.query_params
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class PublicPagination(PageNumberPagination):
    django_paginator_class = selectors.PublicationPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _not_searching(request) -> bool:
    # Searches are a long tail: caching each one would push the popular pages out of the cache.
    return not request.GET.get("q")


_NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match / If-Modified-Since matched.")


@extend_schema_view(
    list=extend_schema(
        summary="Approved articles",
        description="Live publications, newest review first. Supports conditional GET (ETag).",
        responses={200: PublicationListSerializer(many=True), 304: _NOT_MODIFIED},
    ),
    retrieve=extend_schema(
        summary="One approved article",
        description=(
            "The current publication: everything its page shows. A retracted article answers 410 "
            "with its notice; a slug never approved answers 404."
        ),
        responses={
            200: PublicArticleSerializer,
            304: _NOT_MODIFIED,
            404: NotFoundSerializer,
            410: RetractedArticleSerializer,
        },
    ),
)
class PublicArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved articles. Anything never approved is a 404; a retracted article is a 410."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONNegotiation
    filter_backends = [DjangoFilterBackend]
    filterset_class = selectors.PublicationFilter
    pagination_class = PublicPagination
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    serializer_class = PublicationListSerializer

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """The view behind the response cache; a hit never reaches DRF."""
        view = super().as_view(actions, **initkwargs)
        if "retrieve" in (actions or {}).values():
            return caching.public_response(view, uses_query=False)
        return caching.public_response(view, cache_if=_not_searching)

    def get_queryset(self):
        return selectors.listed_publications()

    def filter_queryset(self, queryset):
        """The list to page through (``PublicationFilter.listing``); 400 when a filter is invalid."""
        # Most requests ask for a plain page; building the filter form is then wasted work.
        if not self.request.query_params.keys() & FILTER_PARAMETERS:
            return selectors.PublicationListing()
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.listing()

    def get_serializer_class(self):
        return PublicArticleSerializer if self.action == "retrieve" else PublicationListSerializer

    def list(self, request, *args, **kwargs):
        publications = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        today = timezone.localdate()
        for publication in publications:
            publication.public_status = selectors.public_status(publication, today)
        etag = caching.etag_for(
            "api-list",
            request.build_absolute_uri(),
            self.paginator.page.paginator.count,
            [(p.pk, p.public_status) for p in publications],
        )
        last_modified = max((selectors.last_modified(p, today=today) for p in publications), default=None)
        if response := caching.not_modified(request, etag, last_modified):
            return response
        response = self.get_paginated_response(self.get_serializer(publications, many=True).data)
        caching.set_validators(response, etag, last_modified)
        return response

    def retrieve(self, request, slug=None, *args, **kwargs):
        article = selectors.public_article(slug)
        if article is None:
            # Unknown and never-approved slugs are the same query and the same answer.
            raise NotFound(NOT_FOUND)
        if article.is_retracted:
            publication = article.publication
            return Response(
                RetractedArticleSerializer(
                    {
                        "detail": "This article has been retracted.",
                        "slug": publication.slug,
                        "title": publication.title,
                        "retracted_at": publication.retracted_at,
                        "notice": publication.retraction_notice,
                        "notices": article.notices,
                    }
                ).data,
                status=status.HTTP_410_GONE,
            )
        etag = caching.etag_for(
            "api-detail",
            request.build_absolute_uri(request.path),
            article.publication.pk,
            article.status,
            [(notice.kind, notice.message) for notice in article.notices],
            [reference["retracted"] for reference in article.references],
        )
        if response := caching.not_modified(request, etag, article.last_modified):
            return response
        response = Response(PublicArticleSerializer(article, context=self.get_serializer_context()).data)
        caching.set_validators(response, etag, article.last_modified)
        return response
