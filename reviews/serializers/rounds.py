"""Input and output shapes of the review round endpoints: decisions, comments, form answers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.models import Comment, CommentState, Decision, FormAnswer
from reviews.serializers.base import MAX_ID, SignedInputSerializer, StrictInputSerializer


class FormItemAnswerSerializer(StrictInputSerializer):
    answer = serializers.ChoiceField(choices=FormAnswer.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FormAnswersField(serializers.DictField):
    """``{item_id: {"answer": "yes"/"no"/"na", "note"}}``; the workflow checks the items."""

    def __init__(self, **kwargs):
        super().__init__(child=FormItemAnswerSerializer(), **kwargs)


class ResponseInputSerializer(StrictInputSerializer):
    comment = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A forwarded comment's id.")
    reply = serializers.CharField(max_length=20000)
    resolved = serializers.BooleanField(required=False, default=False)


class SubmitInputSerializer(StrictInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    responses = ResponseInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="After a decision letter: a reply to each comment it forwarded.",
    )


class DecisionInputSerializer(SignedInputSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    letter = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text="The decision letter to the authors; required when requesting changes.",
    )
    forward = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=500,
        help_text="Ids of this round's comments to send the authors with the letter.",
    )


class QuoteSerializer(serializers.Serializer):
    # The selector's text as selected: spaces at its edges belong to the context.
    exact = serializers.CharField(max_length=5000, trim_whitespace=False)
    prefix = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, trim_whitespace=False
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, trim_whitespace=False
    )


class CommentInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=20000)
    revision = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="A history id; the current revision by default.",
    )
    quote = QuoteSerializer(required=False, help_text="W3C TextQuoteSelector of the passage.")
    parent = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Reply in this comment's thread."
    )


class ReplyInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=20000)


class ReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = fields

    def get_author_name(self, comment) -> str:
        return comment.author.get_full_name() or comment.author.get_username()


class ReviewCommentSerializer(ReplySerializer):
    """A thread: its first comment with the quote and state, and its replies."""

    revision = serializers.IntegerField(source="revision_id", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True, allow_null=True, default=None)
    quote = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, default=None)
    replies = ReplySerializer(many=True, read_only=True, source="reply_list")

    class Meta(ReplySerializer.Meta):
        fields = [
            "id",
            "revision",
            "round",
            "quote",
            "author",
            "author_name",
            "body",
            "created_at",
            "state",
            "resolved_at",
            "resolved_by",
            "replies",
        ]
        read_only_fields = fields

    @extend_schema_field(QuoteSerializer(allow_null=True))
    def get_quote(self, comment):
        if not comment.quote_exact:
            return None
        return {"exact": comment.quote_exact, "prefix": comment.quote_prefix, "suffix": comment.quote_suffix}

    @extend_schema_field(serializers.ChoiceField(choices=CommentState.choices))
    def get_state(self, comment) -> str:
        return self.context["states"].get(comment.pk, CommentState.OPEN)
