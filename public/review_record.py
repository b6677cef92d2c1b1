"""The public review record of an article: what was signed, by whom, under which policy.

One document, read by ``GET /api/v1/articles/{slug}/review-record/`` and the "Review record"
page: the current publication's content hash and the canonical content it was taken of (so a
reader can recompute it, docs/api.md), the head of the article's audit chain and whether the
chain verifies now, each signature behind the approval and the review policy applied.
"""

from __future__ import annotations

import json

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Publication
from reviews import audit
from reviews.models import Decision, RoundStatus, SignOff
from reviews.quorum import policy_for

RECIPE = (
    "content_hash = SHA-256 (hex) of signed_content serialised as JSON with keys sorted, no "
    "whitespace between items (separators ',' and ':') and non-ASCII characters written as UTF-8."
)


def _signature(signoff: SignOff) -> dict:
    signature = signoff.signature
    member = signoff.assignment.reviewer
    return {
        "signature_id": str(signature.pk) if signature else None,
        "reviewer": signature.printed_name if signature else member.display_name,
        "credentials": signature.credentials if signature else member.credentials,
        "meaning": signature.meaning if signature else signoff.decision,
        "statement": signature.statement if signature else signoff.attestation,
        "signed_at": (signature.signed_at if signature else signoff.signed_at).isoformat(),
        "content_hash": signoff.content_hash,
    }


def _signatures(publication: Publication) -> list[dict]:
    """The approvals the publication rests on: of approved rounds, on exactly its content hash."""
    signoffs = (
        SignOff.objects.filter(
            assignment__round__article_id=publication.article_id,
            assignment__round__status=RoundStatus.APPROVED,
            decision=Decision.APPROVE,
            content_hash=publication.content_hash,
        )
        .select_related("signature", "assignment__reviewer")
        .order_by("signed_at")
    )
    return [_signature(signoff) for signoff in signoffs]


def review_record(slug: str) -> dict:
    """The review record of the article published at ``slug``; ``Http404`` when there is none."""
    current = Publication.objects.current().filter(slug=slug)
    publication = current.select_related("article__topic").first()
    if publication is None:
        raise Http404("No approved article has this address.")
    article = publication.article
    head = audit.chain_head(article)
    verification = audit.verify_article(article)
    policy = policy_for(article)
    return {
        "slug": publication.slug,
        "title": publication.title,
        "version": publication.version,
        "approved_at": publication.approved_at.isoformat(),
        "content_hash": publication.content_hash,
        "content_hash_version": publication.content_hash_version,
        "signed_content": json.loads(publication.signed_content) if publication.signed_content else None,
        "recipe": RECIPE,
        "chain": {
            "head": head.entry_hash if head else None,
            "entries": head.position if head else 0,
            "verified": verification.ok,
        },
        "signatures": _signatures(publication),
        "policy": {
            "approvals_required": policy.approvals_required,
            "specialty_match_required": policy.specialty_match_required,
            "review_interval_days": policy.review_interval_days,
            "decision": "quorum" if publication.approved_by_id is None else "editor",
        },
    }


class ReviewRecordView(APIView):
    """``GET /api/v1/articles/{slug}/review-record/``: the public review record, as JSON."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="The public review record of an approved article",
        description=str(
            _(
                "The content hash and the canonical content it is the SHA-256 of (recompute it: "
                "docs/api.md), the head of the article's audit chain and whether it verifies, each "
                "signature (reviewer, credentials, meaning, time, signature id) and the policy applied."
            )
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description="The review record."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No approved article has this address."),
        },
    )
    def get(self, request, slug: str):
        return Response(review_record(slug))
