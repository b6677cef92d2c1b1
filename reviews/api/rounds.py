"""The editorial API of a review round: the editor's decision and the comments on passages.

A mixin of ``EditorialArticleViewSet``: each action validates its input serializer and calls one
function of ``reviews.workflow``; who sees which thread is ``reviews.comments``.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from reviews import comments, workflow
from reviews.api.common import refusals, valid
from reviews.models import Comment
from reviews.serializers.articles import ArticleSerializer
from reviews.serializers.rounds import (
    CommentInputSerializer,
    DecisionInputSerializer,
    ReplyInputSerializer,
    ReviewCommentSerializer,
)

THREAD_ACTION = {"detail": True, "methods": ["post"], "filter_backends": [], "pagination_class": None}


def _thread_data(request, article, thread_ids=None) -> list[dict] | dict:
    """Threads the caller may read, with their state now; one thread when ``thread_ids`` names it."""
    threads = comments.threads_for(request.user, article)
    if thread_ids is not None:
        threads = [t for t in threads if t.comment.pk in thread_ids]
    for thread in threads:
        thread.comment.reply_list = thread.replies
    context = {"request": request, "states": {t.comment.pk: t.state for t in threads}}
    data = ReviewCommentSerializer([t.comment for t in threads], many=True, context=context).data
    return data if thread_ids is None else data[0]


class ReviewRoundActions:
    """``decision/``, ``comments/``, ``comments/{id}/reply/`` and ``comments/{id}/resolve/``."""

    @extend_schema(
        summary="Decide the round (editor): approve or request changes with a decision letter",
        request=DecisionInputSerializer,
        responses={200: ArticleSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """End the running round. ``approve`` needs the quorum; ``request_changes`` needs a
        ``letter`` and sends the authors it with the comments named in ``forward``."""
        payload = valid(DecisionInputSerializer, request)
        return self._article_response(
            workflow.decide(actor=request.user, article=self.get_object(), **payload)
        )

    @extend_schema(
        methods=["GET"],
        summary="Comment threads you may read",
        responses={200: ReviewCommentSerializer(many=True), **refusals()},
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a passage (or reply with parent)",
        request=CommentInputSerializer,
        responses={201: ReviewCommentSerializer, **refusals(400, 403, 409)},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def comments(self, request, pk=None):
        """GET: threads with ``state`` (``open``, ``resolved``, ``outdated``). POST: a new thread on
        ``quote`` of ``revision``, or, with ``parent``, a reply in that thread."""
        article = self.get_object()
        if request.method == "GET":
            return Response(_thread_data(request, article))
        payload = valid(CommentInputSerializer, request)
        if "parent" in payload:
            parent = self._comment(article, payload["parent"])
            made = workflow.reply(actor=request.user, comment=parent, body=payload["body"])
        else:
            made = workflow.add_comment(actor=request.user, article=article, **payload)
        thread_id = made.parent_id or made.pk
        return Response(_thread_data(request, article, {thread_id}), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reply in a thread",
        request=ReplyInputSerializer,
        responses={200: ReviewCommentSerializer, **refusals(400, 403)},
    )
    @action(**THREAD_ACTION, url_path=r"comments/(?P<comment_id>[0-9]{1,18})/reply")
    def reply(self, request, pk=None, comment_id=None):
        """Answer in the thread; its commenter is told."""
        article = self.get_object()
        payload = valid(ReplyInputSerializer, request)
        made = workflow.reply(actor=request.user, comment=self._comment(article, comment_id), **payload)
        return Response(_thread_data(request, article, {made.parent_id}))

    @extend_schema(
        summary="Resolve a thread (its commenter, the authors or an editor)",
        request=None,
        responses={200: ReviewCommentSerializer, **refusals(403)},
    )
    @action(**THREAD_ACTION, url_path=r"comments/(?P<comment_id>[0-9]{1,18})/resolve")
    def resolve(self, request, pk=None, comment_id=None):
        article = self.get_object()
        thread = workflow.resolve(actor=request.user, comment=self._comment(article, comment_id))
        return Response(_thread_data(request, article, {thread.pk}))

    def _comment(self, article, comment_id) -> Comment:
        """A comment of ``article`` that the caller may read; a 404 otherwise."""
        comment = Comment.objects.filter(article=article, pk=comment_id).select_related("parent").first()
        if comment is None or not comments.may_read(self.request.user, comment):
            raise Http404("No such comment.")
        return comment
