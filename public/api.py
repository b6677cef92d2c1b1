"""The public, read-only API: current Publications only, anonymous, cacheable.

Each request runs a fixed number of queries (list: the page with the count, but a search reads
the page's keys with the count, then its rows; detail: the publication, and its retracted
sources while it cites any), computes ``ETag`` and ``Last-Modified`` from those rows and answers a matching
conditional GET with 304 before serialising anything. Whole responses are kept in the response
cache (``public.caching``).

GET and HEAD are answered by ``article_list`` and ``article_detail`` without DRF's dispatch:
the public endpoints use none of what it does per request (authentication, permissions,
throttles, parsers, content negotiation; its cost is in bench/README.md). Errors are
still answered by the API's exception handler, in the same JSON. ``PublicArticleViewSet`` routes
them, documents them in the OpenAPI schema, and answers the other methods (405, OPTIONS).
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from editorial.refusals import exception_handler
from public import caching, documents, listing, notices, positions, publications
from public.purging import keys
from public.serializers import (
    NotFoundSerializer,
    PublicArticleSerializer,
    PublicationListSerializer,
    RetractedArticleSerializer,
)

NOT_FOUND = "No approved article has this address."
AFTER = "after"  # the query parameter of a list's position (``positions.Position``)
SEARCH_PAGED_BY_NUMBER = "A search is paged by page number: leave out after."
FILTER_PARAMETERS = frozenset(listing.PublicationFilter.base_filters)


class PublicPagination(PageNumberPagination):
    django_paginator_class = listing.PublicationPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def envelope(self, results: list) -> dict:
        """The paginated body, as DRF's ``get_paginated_response`` writes it (without building a
        response around it): ``count``, ``next``, ``previous``, then ``results``."""
        return {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }

    # DRF's links, parsing the request's address once rather than once per link. Tests hold
    # them to DRF's. The next page of a list that is not a search starts after this page's last
    # row (``positions.Position``): a client that follows the links reads the 1,000th page as
    # fast as the first. The previous page is read by number.
    def get_next_link(self) -> str | None:
        if not self.page.has_next():
            return None
        listed = self.page.paginator.object_list
        if isinstance(listed, listing.PublicationListing) and self.page.object_list:
            position = positions.Position.of_row(self.page.object_list[-1], listed.ordering)
            return self._page_link(self.page.next_page_number(), after=position.token())
        return self._page_link(self.page.next_page_number())

    def get_previous_link(self) -> str | None:
        return self._page_link(self.page.previous_page_number()) if self.page.has_previous() else None

    def _page_link(self, number: int, *, after: str | None = None) -> str:
        """The request's address with ``page=number`` (without it for the first page) and
        ``after`` (or without it), its query sorted and encoded again, as DRF's
        ``replace_query_param`` writes it."""
        scheme, netloc, path, first, before, rest, fragment = self._address_parts
        position = urlencode({AFTER: after}) if after else ""
        page = f"{self.page_query_param}={number}" if number != 1 else ""
        query = "&".join(part for part in (first, position, before, page, rest) if part)
        return urlunsplit((scheme, netloc, path, query, fragment))

    @functools.cached_property
    def _address_parts(self) -> tuple[str, str, str, str, str, str, str]:
        # The query's other parameters, sorted by name, encoded around ``after`` and the page's.
        # The Django request under DRF's: the response cache has already built its URL.
        url = caching.absolute_url(getattr(self.request, "_request", self.request))
        scheme, netloc, path, query, fragment = urlsplit(url)
        others = parse_qs(query, keep_blank_values=True)
        others.pop(self.page_query_param, None)
        others.pop(AFTER, None)
        ordered = sorted(others.items())
        first = urlencode([(k, v) for k, v in ordered if k < AFTER], doseq=True)
        before = urlencode([(k, v) for k, v in ordered if AFTER < k < self.page_query_param], doseq=True)
        rest = urlencode([(k, v) for k, v in ordered if k > self.page_query_param], doseq=True)
        return scheme, netloc, path, first, before, rest, fragment


_NOT_MODIFIED = OpenApiResponse(description="Not modified: the If-None-Match / If-Modified-Since matched.")


def _text_parameter(name: str, **schema) -> OpenApiParameter:
    """A text filter as its form field validates it: no NUL character (Django refuses them)."""
    declared = listing.PublicationFilter.base_filters[name]
    return OpenApiParameter(
        name,
        {"type": "string", "pattern": r"^[^\x00]*$", **schema},
        description=str(declared.extra.get("help_text", "")),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Approved articles",
        description="Live publications, newest review first. Supports conditional GET (ETag).",
        parameters=[
            _text_parameter("q", maxLength=listing.PublicationFilter.base_filters["q"].extra["max_length"]),
            _text_parameter("topic"),
            OpenApiParameter(
                AFTER,
                {"type": "string", "maxLength": positions.Position.LONGEST},
                description=(
                    "Where the page starts: written by the list into its `next` link, which reads any "
                    "page as fast as the first. Not used with `q`."
                ),
            ),
        ],
        responses={
            200: PublicationListSerializer(many=True),
            304: _NOT_MODIFIED,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filters: their messages by name."),
            404: OpenApiResponse(NotFoundSerializer, description="No such page."),
        },
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
    filter_backends = [DjangoFilterBackend]
    filterset_class = listing.PublicationFilter
    pagination_class = PublicPagination
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    serializer_class = PublicationListSerializer

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        """GET and HEAD answered directly, behind the response cache (a hit never gets further)."""
        drf_view = super().as_view(actions, **initkwargs)
        detail = "retrieve" in (actions or {}).values()
        answer = article_detail if detail else article_list

        @functools.wraps(drf_view)
        def view(request, *args, **kwargs):
            # A format suffix (``/articles/x.json``) is DRF's to check and refuse.
            if request.method in ("GET", "HEAD") and "format" not in kwargs:
                return answer(request, *args, **kwargs)
            return drf_view(request, *args, **kwargs)

        if detail:
            return caching.public_response(view, uses_query=False)
        return caching.public_response(view, cache_if=caching.not_searching)

    def get_queryset(self):
        return listing.listed_publications()

    def get_serializer_class(self):
        return PublicArticleSerializer if self.action == "retrieve" else PublicationListSerializer

    def list(self, request, *args, **kwargs):
        return article_list(request._request)

    def retrieve(self, request, slug=None, *args, **kwargs):
        return article_detail(request._request, slug)


def _json(data, status_code: int = status.HTTP_200_OK) -> HttpResponse:
    """``data`` as the API's JSON (DRF's renderer: the same bytes as a DRF response)."""
    return HttpResponse(documents.render_json(data), status=status_code, content_type=JSONRenderer.media_type)


def _answers_errors(view):
    """Answer an ``APIException`` (400, 404) as the API's exception handler does."""

    @functools.wraps(view)
    def answered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except APIException as exc:
            refusal = exception_handler(exc, {"request": request, "view": None})
            return _json(refusal.data, refusal.status_code)

    return answered


def _listing(request: HttpRequest):
    """The list to page through (``PublicationFilter.listing``), from ``after`` when the request
    carries a position; 400 when a filter or the position is invalid."""
    document_format = documents.document_format()
    after = request.GET.get(AFTER)
    try:
        # Most requests ask for a plain page; building the filter form is then wasted work.
        if not request.GET.keys() & FILTER_PARAMETERS:
            return listing.PublicationListing(document_format=document_format, after=after)
        filterset = listing.PublicationFilter(request.GET, queryset=listing.listed_publications())
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        if after and filterset.form.cleaned_data.get("q"):
            raise ValidationError({"after": [SEARCH_PAGED_BY_NUMBER]})
        return filterset.listing(document_format, after=after)
    except ValidationError as refused:
        raise serializers.ValidationError(refused.message_dict) from None


@_answers_errors
def article_list(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/articles/``: one page of live publications (``PublicPagination``)."""
    pagination = PublicPagination()
    publications = pagination.paginate_queryset(_listing(request), Request(request))
    today = timezone.localdate()
    for publication in publications:
        publication.public_status = notices.public_status(publication, today)
    etag = caching.etag_for(
        "api-list",
        caching.absolute_url(request),
        pagination.page.paginator.count,
        [(p.pk, p.public_status) for p in publications],
    )
    last_modified = max((notices.last_modified(p, today=today) for p in publications), default=None)
    response = caching.answer(
        request,
        etag=etag,
        last_modified=last_modified,
        render=lambda: HttpResponse(
            documents.ListAnswer(request).render(pagination.envelope([]), publications),
            content_type=JSONRenderer.media_type,
        ),
    )
    return caching.tag(response, keys.list_keys(request.GET.get("topic")))


@_answers_errors
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """``GET /api/v1/articles/{slug}/``: the current publication, 410 if retracted, else 404."""
    article = publications.stored_public_article(slug, documents.document_format())
    if article is None:
        # Unknown and never-approved slugs are the same query and the same answer.
        raise NotFound(NOT_FOUND)
    publication = article.publication
    if article.is_retracted:
        retracted = {
            "detail": "This article has been retracted.",
            "slug": publication.slug,
            "title": publication.title,
            "retracted_at": publication.retracted_at,
            "notice": publication.retraction_notice,
            "notices": article.notices,
        }
        response = _json(RetractedArticleSerializer(retracted).data, status.HTTP_410_GONE)
        return caching.tag(response, publication.surrogate_keys)
    etag = caching.etag_for(
        "api-detail",
        caching.absolute_url(request, with_query=False),
        publication.pk,
        article.status,
        [(notice.kind, notice.message) for notice in article.notices],
        # The publication fixes its references; only a source retracted since changes them.
        [source.number for source in article.retracted_sources],
    )
    response = caching.answer(
        request,
        etag=etag,
        last_modified=article.last_modified,
        render=lambda: HttpResponse(
            documents.article_json(article, request), content_type=JSONRenderer.media_type
        ),
    )
    return caching.tag(response, publication.surrogate_keys)
