"""The editorial API: articles, their review actions and their records.

Thin on purpose: each action validates its input serializer and calls one function of
``reviews.workflow`` (or ``articles.services`` for content edits); refusals map to
400/403/404/409 in ``editorial.refusals``. What a caller may see is scoped in
``reviews.selectors``, so an article outside the scope is a 404 on every endpoint.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from articles import roles, services
from articles.diffing import revision_changes
from articles.models import CONTENT_FIELDS, Article
from reviews import audit, selectors, workflow
from reviews.api.common import READ_ACTION, if_match, refusals, valid
from reviews.api.rounds import ReviewRoundActions
from reviews.filters import EditorialArticleFilter
from reviews.serializers.articles import (
    ArticleCreateSerializer,
    ArticleSerializer,
    ArticleSummarySerializer,
    ArticleUpdateSerializer,
    AssignmentInputSerializer,
    AssignmentSerializer,
    AuditEntrySerializer,
    AuditVerificationSerializer,
    CommentSerializer,
    DiffQuerySerializer,
    DiffSerializer,
    FlagForRereviewSerializer,
    RetractSerializer,
    RevisionSerializer,
    SignedCommentSerializer,
    SignOffInputSerializer,
    SignOffSerializer,
    SubmittedArticleSerializer,
    TransitionLogSerializer,
)
from reviews.serializers.rounds import SubmitInputSerializer


class MayCreateArticles(BasePermission):
    """Only authors (and editors) create drafts: refused before the request body is read."""

    message = "You may not create articles."

    def has_permission(self, request, view):
        return view.action != "create" or roles.can_create_articles(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Articles you may see",
        description="Editors see every article, authors their own, reviewers those they were assigned. "
        "Filter with status, audience and topic.",
        responses={200: ArticleSummarySerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One article",
        description="The article with allowed_actions: what the caller may do with it now.",
        responses={200: ArticleSerializer, **refusals()},
    ),
)
class EditorialArticleViewSet(
    ReviewRoundActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles as the editorial team sees them; each review step is its own POST action."""

    permission_classes = [IsAuthenticated, MayCreateArticles]
    filterset_class = EditorialArticleFilter

    def get_queryset(self):
        # Scoped per caller: anything outside the scope is a 404, never a 403, so that the
        # existence of someone else's draft is not revealed.
        return selectors.articles_visible_to(self.request.user)

    def get_serializer_class(self):
        # allowed_actions asks the workflow per article; a list stays at a fixed number of queries.
        return ArticleSummarySerializer if self.action == "list" else ArticleSerializer

    def _article_response(
        self, article, *, status_code=status.HTTP_200_OK, serializer_class=ArticleSerializer, **context
    ):
        article.refresh_from_db()
        data = serializer_class(article, context={"request": self.request, **context}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="Create a draft",
        request=ArticleCreateSerializer,
        responses={201: ArticleSerializer, **refusals(400, 403)},
    )
    def create(self, request, *args, **kwargs):
        """Create a draft with the caller as its author."""
        payload = valid(ArticleCreateSerializer, request)
        article = services.article_create_draft(actor=request.user, **payload)
        return self._article_response(article, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit the content (Draft or Changes Requested only)",
        request=ArticleUpdateSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match",
                str,
                OpenApiParameter.HEADER,
                description="The content_hash your edit is based on; a stale one answers 409.",
            )
        ],
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change the content of a Draft or Changes Requested article.

        Send the content_hash you loaded (in the body or as If-Match) so that a co-author's edit
        made meanwhile is never overwritten: a stale hash answers 409.
        """
        article = self.get_object()
        changes = valid(ArticleUpdateSerializer, request)
        expected = changes.pop("content_hash", None) or if_match(request)
        article = services.article_update_content(
            actor=request.user, article=article, changes=changes, expected_hash=expected
        )
        return self._article_response(article)

    @extend_schema(
        summary="Submit for review",
        request=SubmitInputSerializer,
        responses={200: SubmittedArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the draft to the board (author). Citation errors answer 400; warnings come back.

        After a decision letter, ``responses`` answers each forwarded comment (400 naming any left
        unanswered). A resubmission invites the previous round's reviewers again and starts the
        round when they are enough for the policy.
        """
        payload = valid(SubmitInputSerializer, request)
        article, warnings = workflow.submit(actor=request.user, article=self.get_object(), **payload)
        return self._article_response(article, serializer_class=SubmittedArticleSerializer, warnings=warnings)

    @extend_schema(
        methods=["GET"],
        summary="Reviewers assigned in the current round",
        responses={200: AssignmentSerializer(many=True), **refusals()},
    )
    @extend_schema(
        methods=["POST"],
        summary="Assign a reviewer",
        request=AssignmentInputSerializer,
        responses={201: AssignmentSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def assignments(self, request, pk=None):
        """GET: the current round's reviewers. POST (editor): ask a board member to review by a due date."""
        article = self.get_object()
        if request.method == "GET":
            current = selectors.article_rounds(article).first()
            return Response(
                AssignmentSerializer(
                    current.assignments.all() if current else [], many=True, context={"request": request}
                ).data
            )
        payload = valid(AssignmentInputSerializer, request)
        assignment = workflow.assign_reviewer(actor=request.user, article=article, **payload)
        return Response(
            AssignmentSerializer(assignment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Start the review round",
        request=CommentSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        """Open the round (editor); needs the policy's number of eligible reviewers assigned."""
        payload = valid(CommentSerializer, request)
        article = workflow.start_review(actor=request.user, article=self.get_object(), **payload)
        return self._article_response(article)

    @extend_schema(
        summary="Recommend: approve or request changes, with the review form",
        request=SignOffInputSerializer,
        responses={201: SignOffSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def signoffs(self, request, pk=None):
        """Recommend approve or request changes on the exact content under review (assigned reviewer).

        The recommendation is an electronic signature: ``password`` (or ``otp`` once the
        reviewer has a device) is checked in this request; a wrong one answers 403
        ``signature_failed`` and records nothing. A request for changes leaves the round running
        (the colleagues are told, the editor decides). ``article_status`` tells the new state:
        ``approved`` when this approval completed the quorum and the policy decides automatically.
        ``form`` answers the policy's review form; its required items must be answered before an
        approval.
        """
        article = self.get_object()
        payload = valid(SignOffInputSerializer, request)
        statement = payload.pop("conflict_statement")
        if payload["conflict_of_interest"]:
            # The declaration is kept so the editor can reassign; sign_off then refuses (403).
            _record_conflict(request.user, article, statement)
        result = workflow.recommend(actor=request.user, article=article, **payload)
        data = SignOffSerializer(result.signoff, context={"article": result.article}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve (editor, once the quorum is met, signed); decision/ with approve",
        request=SignedCommentSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve and publish (editor), signed with ``password`` or ``otp`` as a decision is;
        refused with 409 while the quorum is not met."""
        payload = valid(SignedCommentSerializer, request)
        return self._article_response(
            workflow.approve(actor=request.user, article=self.get_object(), **payload)
        )

    @extend_schema(
        summary="Start a revision; the current publication stays live",
        request=CommentSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """Start a new working draft of a published article; the publication stays live meanwhile."""
        payload = valid(CommentSerializer, request)
        return self._article_response(
            workflow.revise(actor=request.user, article=self.get_object(), **payload)
        )

    @extend_schema(
        summary="Flag an approved article for re-review",
        request=FlagForRereviewSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"], url_path="flag-for-rereview")
    def flag_for_rereview(self, request, pk=None):
        """Bring an approved article back to the board (editor), saying why."""
        payload = valid(FlagForRereviewSerializer, request)
        article = workflow.flag_for_rereview(actor=request.user, article=self.get_object(), **payload)
        return self._article_response(article)

    @extend_schema(
        summary="Retract a published article",
        request=RetractSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        """Withdraw a published article (editor); the public API then answers 410 with the notice."""
        payload = valid(RetractSerializer, request)
        return self._article_response(
            workflow.retract(actor=request.user, article=self.get_object(), **payload)
        )

    @extend_schema(
        summary="What you may do now",
        responses={
            200: serializers.ListSerializer(
                child=serializers.ChoiceField(choices=list(workflow.ACTION_CHECKS))
            ),
            **refusals(),
        },
    )
    @action(**READ_ACTION)
    def transitions(self, request, pk=None):
        """The workflow actions the caller may take on this article now: exactly those that would succeed."""
        return Response(workflow.available_actions(request.user, self.get_object()))

    @extend_schema(
        summary="Revisions, newest first", responses={200: RevisionSerializer(many=True), **refusals()}
    )
    @action(**READ_ACTION)
    def history(self, request, pk=None):
        """Every saved revision, newest first; each ``history_id`` can be compared with diff/."""
        revisions = selectors.article_revisions(self.get_object())
        return Response(RevisionSerializer(revisions, many=True).data)

    @extend_schema(
        summary="What changed between two revisions",
        parameters=[DiffQuerySerializer],
        responses={200: DiffSerializer, **refusals(400)},
    )
    @action(**READ_ACTION)
    def diff(self, request, pk=None):
        """The fields that differ between two revisions, with a word-level diff of text fields."""
        article = self.get_object()
        query = DiffQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(DiffSerializer(_revision_diff(article, **query.validated_data)).data)

    @extend_schema(
        summary="Workflow steps, oldest first",
        responses={200: TransitionLogSerializer(many=True), **refusals()},
    )
    @action(**READ_ACTION, url_path="transition-log")
    def transition_log(self, request, pk=None):
        """The append-only log of workflow steps: from, to, actor, time, comment, content hash."""
        entries = selectors.article_transitions(self.get_object())
        return Response(TransitionLogSerializer(entries, many=True).data)

    @extend_schema(
        summary="Verify the article's audit chain and stored publications (editors)",
        responses={200: AuditVerificationSerializer, **refusals(403)},
    )
    @action(**READ_ACTION, url_path="audit/verify")
    def audit_verify(self, request, pk=None):
        """Recompute the article's hash chain and its publications: ``ok``, entries, first broken."""
        article = self.get_object()
        if refusal := roles.verify_audit_refusal(request.user):
            raise refusal
        return Response(AuditVerificationSerializer(audit.verify_article(article)).data)

    @extend_schema(
        summary="Audit trail: edits, steps and sign-offs, oldest first",
        responses={200: AuditEntrySerializer(many=True), **refusals()},
    )
    @action(**READ_ACTION)
    def audit(self, request, pk=None):
        """Edits, workflow steps and sign-offs as one timeline, oldest first."""
        entries = selectors.article_audit_trail(self.get_object())
        return Response(AuditEntrySerializer(entries, many=True).data)


# The fields a diff compares: the content a reviewer signs, and where the article stood.
DIFF_FIELDS = (*CONTENT_FIELDS, "status")


def _revision_diff(article: Article, **wanted: int) -> dict:
    """Compare revisions ``wanted["from"]`` and ``wanted["to"]`` of ``article`` (400 if not its own)."""
    revisions = article.history.select_related("topic").in_bulk(list(wanted.values()))
    missing = {
        name: ["No such revision of this article."] for name, pk in wanted.items() if pk not in revisions
    }
    if missing:
        raise ValidationError(missing)
    old, new = revisions[wanted["from"]], revisions[wanted["to"]]
    # The API names a topic by its slug.
    slugs = {record.topic_id: record.topic.slug for record in (old, new) if record.topic_id}
    changes = revision_changes(old, new, fields=DIFF_FIELDS, display={"topic": slugs.get})
    return {
        "from_revision": old.history_id,
        "to_revision": new.history_id,
        "changes": [
            {"field": change.field, "old": change.old, "new": change.new, "words": change.words}
            for change in changes
        ],
    }


def _record_conflict(user, article: Article, statement: str) -> None:
    assignment = workflow.signable_assignment(user, article)
    if assignment is not None:
        workflow.declare_conflict(actor=user, assignment=assignment, has_conflict=True, statement=statement)
