"""The public, read-only API: current Publications only, anonymous."""

from __future__ import annotations

from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from articles import selectors
from articles.public_serializers import PublicationDetailSerializer, PublicationListSerializer


class PublicArticleViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved articles. Anything never approved is a 404; a retracted article is a 410."""

    authentication_classes = []
    permission_classes = [AllowAny]
    lookup_field = "slug"
    serializer_class = PublicationListSerializer

    def get_queryset(self):
        return selectors.live_publications().order_by("-last_reviewed_at", "pk")

    def get_serializer_class(self):
        return PublicationDetailSerializer if self.action == "retrieve" else PublicationListSerializer

    def retrieve(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        retracted = selectors.retracted_article_for_slug(slug)
        if retracted is not None:
            return Response(
                {
                    "detail": "This article has been retracted.",
                    "notice": retracted.retraction_notice,
                    "retracted_at": retracted.retracted_at,
                },
                status=status.HTTP_410_GONE,
            )
        return super().retrieve(request, *args, **kwargs)
