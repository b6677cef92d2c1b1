"""Input and output shapes of the editorial API (names as in DESIGN.md's payload table)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, Audience, Specialty
from reviews import workflow
from reviews.models import BoardMember, Decision, ReviewAssignment, SignOff, TransitionLog


class ArticleSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Specialty.objects.all())
    status_label = serializers.CharField(read_only=True)
    authors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "body",
            "audience",
            "topic",
            "authors",
            "status",
            "status_label",
            "content_hash",
            "created_at",
            "updated_at",
            "content_modified_at",
            "first_published_at",
            "last_reviewed_at",
            "next_review_due",
            "retraction_notice",
            "review_due_reason",
            "allowed_actions",
        ]
        read_only_fields = [
            "id",
            "status",
            "content_hash",
            "created_at",
            "updated_at",
            "content_modified_at",
            "first_published_at",
            "last_reviewed_at",
            "next_review_due",
            "retraction_notice",
            "review_due_reason",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, article) -> list[str]:
        request = self.context.get("request")
        return workflow.available_actions(request.user, article) if request else []


class ArticleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    body = serializers.CharField(required=False, allow_blank=True, default="")
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.PATIENT)
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Specialty.objects.all())
    slug = serializers.SlugField(required=False, allow_blank=True, max_length=255)

    def validate_slug(self, value):
        if value and Article.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"An article with the slug '{value}' already exists.")
        return value


class ArticleUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Specialty.objects.all(), required=False)
    content_hash = serializers.CharField(
        required=False, help_text="The content hash your edit is based on; a stale one answers 409."
    )


class SubmittedArticleSerializer(ArticleSerializer):
    warnings = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = ArticleSerializer.Meta.fields + ["warnings"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, article) -> list[str]:
        return self.context.get("warnings", [])


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RetractSerializer(serializers.Serializer):
    notice = serializers.CharField(max_length=5000)


class FlagForRereviewSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class AssignmentInputSerializer(serializers.Serializer):
    reviewer = serializers.SlugRelatedField(
        slug_field="user__username",
        queryset=BoardMember.objects.select_related("user"),
        help_text="The reviewer's username.",
    )
    due_date = serializers.DateField(required=False)


class AssignmentSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.user.username", read_only=True)
    reviewer_name = serializers.CharField(source="reviewer.display_name", read_only=True)
    credentials = serializers.CharField(source="reviewer.credentials", read_only=True)
    round = serializers.IntegerField(source="round.number", read_only=True)
    assigned_by = serializers.CharField(source="assigned_by.username", read_only=True, default=None)

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "round",
            "reviewer",
            "reviewer_name",
            "credentials",
            "assigned_by",
            "assigned_at",
            "due_date",
            "status",
            "conflict_of_interest",
            "conflict_statement",
        ]


class SignOffInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    attestation = serializers.BooleanField(
        help_text="true: I have reviewed this content and its sources for medical accuracy."
    )
    conflict_of_interest = serializers.BooleanField()
    conflict_statement = serializers.CharField(required=False, allow_blank=True, default="")
    content_hash = serializers.CharField(required=False, help_text="The content you reviewed; stale → 409.")

    def validate(self, attrs):
        if attrs["conflict_of_interest"] and not attrs.get("conflict_statement", "").strip():
            raise serializers.ValidationError({"conflict_statement": "Describe the conflict of interest."})
        return attrs


class SignOffSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="assignment.reviewer.user.username", read_only=True)
    reviewer_name = serializers.CharField(source="assignment.reviewer.display_name", read_only=True)
    credentials = serializers.CharField(source="assignment.reviewer.credentials", read_only=True)
    history_id = serializers.IntegerField(source="article_history_id", read_only=True)
    article_status = serializers.SerializerMethodField()

    class Meta:
        model = SignOff
        fields = [
            "id",
            "reviewer",
            "reviewer_name",
            "credentials",
            "decision",
            "comments",
            "attestation",
            "content_hash",
            "history_id",
            "signed_at",
            "article_status",
        ]

    def get_article_status(self, signoff) -> str:
        article = self.context.get("article")
        return article.status if article is not None else ""


class RevisionSerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_user = serializers.SerializerMethodField()
    history_type = serializers.CharField()
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True)
    status = serializers.CharField()
    content_hash = serializers.CharField()
    title = serializers.CharField()

    def get_history_user(self, record) -> str | None:
        return record.history_user.get_username() if record.history_user else None


class TransitionLogSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TransitionLog
        fields = ["id", "action", "from_status", "to_status", "actor", "at", "comment", "content_hash"]

    def get_actor(self, entry) -> str | None:
        return entry.actor.get_username() if entry.actor else None


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField()
    new = serializers.JSONField()
    words = serializers.ListField(child=serializers.DictField(), required=False)


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField(source="from_id")
    to_revision = serializers.IntegerField(source="to_id")
    changes = FieldChangeSerializer(many=True)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    content_hash = serializers.CharField(allow_blank=True)
