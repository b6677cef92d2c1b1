"""The editorial API: articles, their review actions and their records.

Thin on purpose: each action validates its input serializer and calls one function of
``reviews.workflow``; refusals map to 400/403/404/409 in ``editorial.api_errors``.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import services
from articles.diffing import field_changes
from articles.models import CONTENT_FIELDS
from reviews import selectors, workflow
from reviews.serializers import (
    ArticleCreateSerializer,
    ArticleSerializer,
    ArticleUpdateSerializer,
    AssignmentInputSerializer,
    AssignmentSerializer,
    AuditEntrySerializer,
    CommentSerializer,
    DiffSerializer,
    FlagForRereviewSerializer,
    RetractSerializer,
    RevisionSerializer,
    SignOffInputSerializer,
    SignOffSerializer,
    SubmittedArticleSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    TransitionLogSerializer,
)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(request, **payload.validated_data)
        if user is None or not user.is_active:
            raise AuthenticationFailed("Unable to log in with the username and password given.")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class EditorialArticleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Articles as the editorial team sees them; each review step is its own POST action."""

    serializer_class = ArticleSerializer
    filterset_fields = ["status", "audience", "topic__slug"]

    def get_queryset(self):
        # Scoped per caller: anything outside the scope is a 404, never a 403, so that the
        # existence of someone else's draft is not revealed.
        return selectors.articles_visible_to(self.request.user)

    def _respond(
        self, article, *, status_code=status.HTTP_200_OK, serializer_class=ArticleSerializer, **context
    ):
        article.refresh_from_db()
        data = serializer_class(article, context={"request": self.request, **context}).data
        return Response(data, status=status_code)

    @extend_schema(request=ArticleCreateSerializer, responses={201: ArticleSerializer})
    def create(self, request, *args, **kwargs):
        payload = ArticleCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        article = services.article_create_draft(actor=request.user, **payload.validated_data)
        return self._respond(article, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=ArticleUpdateSerializer, responses={200: ArticleSerializer})
    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        payload = ArticleUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        expected = changes.pop("content_hash", None) or _if_match(request)
        article = services.article_update_content(
            actor=request.user, article=article, changes=changes, expected_hash=expected
        )
        return self._respond(article)

    @extend_schema(request=CommentSerializer, responses={200: SubmittedArticleSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        payload = _valid(CommentSerializer, request)
        article, warnings = workflow.submit(actor=request.user, article=self.get_object(), **payload)
        return self._respond(article, serializer_class=SubmittedArticleSerializer, warnings=warnings)

    @extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["get", "post"])
    def assignments(self, request, pk=None):
        article = self.get_object()
        if request.method == "GET":
            rounds = selectors.article_rounds(article)
            current = rounds.first()
            data = AssignmentSerializer(current.assignments.all() if current else [], many=True).data
            return Response(data)
        payload = _valid(AssignmentInputSerializer, request)
        assignment = workflow.assign_reviewer(actor=request.user, article=article, **payload)
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses={200: ArticleSerializer})
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        payload = _valid(CommentSerializer, request)
        return self._respond(workflow.start_review(actor=request.user, article=self.get_object(), **payload))

    @extend_schema(request=SignOffInputSerializer, responses={201: SignOffSerializer})
    @action(detail=True, methods=["post"])
    def signoffs(self, request, pk=None):
        article = self.get_object()
        payload = _valid(SignOffInputSerializer, request)
        if payload["conflict_of_interest"]:
            # The declaration is recorded (its own step) and the sign-off refused.
            assignment = workflow.signable_assignment(request.user, article)
            if assignment is not None:
                workflow.declare_conflict(
                    actor=request.user,
                    assignment=assignment,
                    has_conflict=True,
                    statement=payload["conflict_statement"],
                )
        payload.pop("conflict_statement")
        result = workflow.sign_off(actor=request.user, article=article, **payload)
        data = SignOffSerializer(result.signoff, context={"article": result.article}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses={200: ArticleSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        payload = _valid(CommentSerializer, request)
        return self._respond(workflow.approve(actor=request.user, article=self.get_object(), **payload))

    @extend_schema(request=CommentSerializer, responses={200: ArticleSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        payload = _valid(CommentSerializer, request)
        return self._respond(workflow.revise(actor=request.user, article=self.get_object(), **payload))

    @extend_schema(request=FlagForRereviewSerializer, responses={200: ArticleSerializer})
    @action(detail=True, methods=["post"], url_path="flag-for-rereview")
    def flag_for_rereview(self, request, pk=None):
        payload = _valid(FlagForRereviewSerializer, request)
        return self._respond(
            workflow.flag_for_rereview(actor=request.user, article=self.get_object(), **payload)
        )

    @extend_schema(request=RetractSerializer, responses={200: ArticleSerializer})
    @action(detail=True, methods=["post"])
    def retract(self, request, pk=None):
        payload = _valid(RetractSerializer, request)
        return self._respond(workflow.retract(actor=request.user, article=self.get_object(), **payload))

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.CharField())})
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        """The actions the caller may take on this article now."""
        return Response(workflow.available_actions(request.user, self.get_object()))

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        revisions = selectors.article_revisions(self.get_object())
        return Response(RevisionSerializer(revisions, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="history_id of the older revision"),
            OpenApiParameter("to", int, required=True, description="history_id of the newer revision"),
        ],
        responses={200: DiffSerializer},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        article = self.get_object()
        ids = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name, "")
            if not raw.isdigit():
                raise ValidationError(
                    {name: f"Give the history_id of a revision of this article as ?{name}=."}
                )
            ids[name] = int(raw)
        revisions = {r.history_id: r for r in article.history.filter(history_id__in=ids.values())}
        missing = [name for name, value in ids.items() if value not in revisions]
        if missing:
            raise ValidationError({name: "No such revision of this article." for name in missing})
        old, new = revisions[ids["from"]], revisions[ids["to"]]
        fields = [f if f != "topic" else "topic_id" for f in CONTENT_FIELDS] + ["status"]
        changes = field_changes(_revision_values(old, fields), _revision_values(new, fields), fields)
        data = {
            "from_id": ids["from"],
            "to_id": ids["to"],
            "changes": [
                {
                    "field": change.field,
                    "old": change.old,
                    "new": change.new,
                    "words": [{"op": chunk.op, "text": chunk.text} for chunk in (change.words or [])],
                }
                for change in changes
            ],
        }
        return Response(DiffSerializer(data).data)

    @extend_schema(responses={200: TransitionLogSerializer(many=True)})
    @action(detail=True, methods=["get"], url_path="transition-log")
    def transition_log(self, request, pk=None):
        entries = selectors.article_transitions(self.get_object())
        return Response(TransitionLogSerializer(entries, many=True).data)

    @extend_schema(responses={200: AuditEntrySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def audit(self, request, pk=None):
        """Everything that happened to the article, oldest first: edits, steps, sign-offs."""
        entries = selectors.article_audit_trail(self.get_object())
        return Response(AuditEntrySerializer(entries, many=True).data)


def _valid(serializer_class, request) -> dict:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


def _if_match(request) -> str | None:
    value = request.headers.get("If-Match", "").strip()
    return value.strip('"') or None


def _revision_values(record, fields) -> dict:
    return {name: getattr(record, name) for name in fields}
