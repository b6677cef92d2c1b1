"""The editorial sources API: the shared library, file import and export, and retractions.

Thin on purpose: each endpoint validates its input serializer and calls one service
(``articles.library`` for library writes, ``reviews.retractions`` for retractions); refusals map
to 400/403/404/409 in ``editorial.refusals``.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView

from articles import roles
from articles.library import exporting, importing
from articles.library.bibliography import reference_entry
from articles.library.citations import MalformedFile
from articles.library.exporting import EXPORT_FORMATS
from articles.library.sources import (
    DuplicateSource,
    articles_citing,
    publications_citing,
    source_create,
    source_update,
)
from articles.models import Source
from articles.publishing import cited_sources
from reviews import retractions
from reviews.filters import SourceFilter
from reviews.selectors import articles_visible_to
from reviews.serializers.base import ErrorSerializer
from reviews.serializers.sources import (
    ImportSummarySerializer,
    RetractedSourceSerializer,
    SourceDetailSerializer,
    SourceImportSerializer,
    SourceInputSerializer,
    SourceRetractSerializer,
    SourceSerializer,
)

MAX_EXPORT_IDS = 1000


class ExportNegotiation(DefaultContentNegotiation):
    """Here ``?format=`` names the file format of the export, not one of DRF's renderers."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=list(EXPORT_FORMATS), required=True, description="The file format of the export."
)
EXPORT_RESPONSES = {
    (200, "application/x-bibtex"): OpenApiTypes.STR,
    (200, "application/x-research-info-systems"): OpenApiTypes.STR,
    (200, "application/vnd.citationstyles.csl+json"): OpenApiTypes.STR,
    400: OpenApiResponse(description="Unknown format or ids."),
}


def export_format(request) -> str:
    fmt = request.query_params.get("format", "")
    if fmt not in exporting.EXPORTS:
        raise ValidationError({"format": [f"Choose one of {', '.join(EXPORT_FORMATS)}."]})
    return fmt


def export_response(sources: Iterable[Source], fmt: str, filename: str) -> StreamingHttpResponse:
    """Stream ``sources`` as a file in ``fmt``: one entry is written at a time."""
    _write, media_type, extension = exporting.EXPORTS[fmt]
    response = StreamingHttpResponse(
        exporting.export_chunks(sources, fmt), content_type=f"{media_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


class CanAddSources(BasePermission):
    """Everyone signed in reads the library; adding to it (one source or a file) is for writers.

    Checked before the request body is parsed, so a refused upload is never read.
    """

    message = "You may not add sources to the library."

    def has_permission(self, request, view) -> bool:
        if view.action in ("create", "import_file"):
            return roles.can_add_sources(request.user)
        return True


def _duplicate_response(error: DuplicateSource) -> Response:
    """400 naming the field and the source that already holds the identifier or key."""
    existing = error.existing
    data = as_serializer_error(error)
    data["existing_source"] = {"id": existing.pk, "key": existing.key, "title": existing.title}
    return Response(data, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(summary="Search the source library"),
    retrieve=extend_schema(summary="A source, its notices and who cites it"),
)
class SourceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The shared source library: every signed-in member of the team reads it; writers add to it."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    permission_classes = [IsAuthenticated, CanAddSources]
    queryset = Source.objects.all()
    # Ids beyond a 64-bit integer are a 404 here, not a database overflow.
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        if self.action in ("retrieve", "retract", "update", "partial_update"):
            return Source.objects.prefetch_related("notices")
        return Source.objects.order_by("key")

    def get_serializer_class(self):
        if self.action == "list":
            return SourceSerializer
        if self.action in ("create", "update", "partial_update"):
            return SourceInputSerializer  # the form of the browsable API
        return SourceDetailSerializer

    def _detail(self, source: Source, *, status_code=status.HTTP_200_OK, serializer_class=None, **context):
        """The source as the detail shows it, with the articles (visible to the caller) citing it."""
        source = self.get_queryset().get(pk=source.pk)
        articles = articles_citing(source).filter(pk__in=articles_visible_to(self.request.user).values("pk"))
        cited_by = {
            "articles": list(articles.values("id", "title", "status")),
            "publications": publications_citing(source),
        }
        serializer_class = serializer_class or SourceDetailSerializer
        data = serializer_class(
            source, context={"request": self.request, "cited_by": cited_by, **context}
        ).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        request=SourceInputSerializer,
        responses={
            201: SourceDetailSerializer,
            400: OpenApiResponse(description="Bad or duplicate identifier."),
        },
    )
    def create(self, request, *args, **kwargs):
        payload = SourceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            source = source_create(actor=request.user, data=dict(payload.validated_data))
        except DuplicateSource as error:
            return _duplicate_response(error)
        return self._detail(source, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=SourceInputSerializer, responses={200: SourceDetailSerializer})
    def update(self, request, *args, partial=False, **kwargs):
        source = self.get_object()
        payload = SourceInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        try:
            source = source_update(actor=request.user, source=source, changes=dict(payload.validated_data))
        except DuplicateSource as error:
            return _duplicate_response(error)
        return self._detail(source)

    @extend_schema(
        request={"multipart/form-data": SourceImportSerializer},
        responses={
            200: ImportSummarySerializer,
            400: OpenApiResponse(
                ImportSummarySerializer,
                description="Rejected entries (nothing imported) or a malformed file.",
            ),
            413: OpenApiResponse(
                ErrorSerializer, description="The upload is larger than the limit (MAX_UPLOAD_SIZE)."
            ),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        """Import a BibTeX, RIS, MEDLINE or CSL-JSON file: all or nothing unless ``partial``.

        200 with the summary when the file was imported (or on a dry run); 400 with the same
        summary when an entry was rejected and nothing was imported, or naming the problem when
        the file is not in the format at all; 413, unread, when the upload is over
        ``MAX_UPLOAD_SIZE`` (``editorial.limits``).
        """
        payload = SourceImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            summary = importing.import_upload(
                upload,
                filename=upload.name,
                fmt=payload.validated_data.get("format"),
                actor=request.user,
                partial=payload.validated_data["partial"],
                dry_run=payload.validated_data["dry_run"],
            )
        except MalformedFile as exc:
            raise ValidationError({"file": [str(exc)]}) from None
        data = summary.as_dict()
        if summary.imported or summary.dry_run:
            return Response(data)
        data["detail"] = (
            f"{summary.rejected_count} entries were rejected, so nothing was imported. "
            "Correct them, or send partial=true to import the others."
        )
        return Response(data, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(request=SourceRetractSerializer, responses={200: RetractedSourceSerializer})
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        """Mark the source retracted (editors): every approved article citing it goes to review_due."""
        source = self.get_object()
        payload = SourceRetractSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            flagged = retractions.retract_source(
                actor=request.user,
                source=source,
                retracted_on=payload.validated_data["date"],
                notice=payload.validated_data["notice"],
                reason=payload.validated_data["reason"],
            )
        except DjangoValidationError as exc:
            errors = as_serializer_error(exc)
            if "retracted_on" in errors:
                errors["date"] = errors.pop("retracted_on")
            raise ValidationError(errors) from None
        flagged_rows = [{"id": a.pk, "title": a.title, "status": a.status} for a in flagged]
        return self._detail(source, serializer_class=RetractedSourceSerializer, flagged_articles=flagged_rows)

    @extend_schema(
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter(
                "ids",
                str,
                description="Comma-separated source ids (default: every source matching the filters).",
            ),
        ],
        responses=EXPORT_RESPONSES,
    )
    @action(detail=False, methods=["get"], content_negotiation_class=ExportNegotiation)
    def export(self, request):
        """Download sources as BibTeX, RIS or CSL-JSON: the ones in ``ids``, or all that match the filters."""
        fmt = export_format(request)
        sources = self.filter_queryset(self.get_queryset())
        raw_ids = request.query_params.get("ids", "").strip()
        if raw_ids:
            ids = _parse_ids(raw_ids)
            missing = sorted(set(ids) - set(Source.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if missing:
                raise ValidationError({"ids": [f"No source has the id {', '.join(map(str, missing))}."]})
            sources = sources.filter(pk__in=ids)
        return export_response(sources.iterator(chunk_size=500), fmt, "sources")


def _parse_ids(raw: str) -> list[int]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() and len(part) <= 18 for part in parts):
        raise ValidationError({"ids": ["Give source ids as numbers separated by commas, e.g. ids=1,2."]})
    if len(parts) > MAX_EXPORT_IDS:
        raise ValidationError({"ids": [f"At most {MAX_EXPORT_IDS} ids at a time; use the filters for more."]})
    return [int(part) for part in parts]


class ArticleReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    source = serializers.IntegerField()
    key = serializers.CharField()
    formatted = serializers.CharField()
    doi = serializers.CharField(allow_blank=True)
    pmid = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    retracted = serializers.BooleanField()


class ArticleReferencesView(APIView):
    """The numbered references of an article's current content, as JSON or as a file.

    ``?format=bibtex|ris|csl-json`` downloads them (in citation order); without it the answer is
    the numbered list. An article the caller may not see is a 404.
    """

    content_negotiation_class = ExportNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(EXPORT_FORMATS), description="Download as a file instead of JSON."
            )
        ],
        responses={
            200: ArticleReferenceSerializer(many=True),
            **{k: v for k, v in EXPORT_RESPONSES.items() if k != 400},
        },
    )
    def get(self, request, pk: int):
        if pk >= 2**63:
            raise Http404
        article = get_object_or_404(articles_visible_to(request.user), pk=pk)
        sources = cited_sources(article)
        if "format" in request.query_params:
            return export_response(sources, export_format(request), f"{article.slug}-references")
        references = [
            {
                "number": number,
                "source": source.pk,
                "key": source.key,
                "formatted": reference_entry(source).formatted_text,
                "doi": source.doi,
                "pmid": source.pmid,
                "url": source.url,
                "retracted": source.is_retracted,
            }
            for number, source in enumerate(sources, start=1)
        ]
        return Response(ArticleReferenceSerializer(references, many=True).data)
