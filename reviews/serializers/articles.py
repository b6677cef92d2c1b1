"""Input and output shapes of the editorial API (names as in DESIGN.md's payload table).

Input serializers only check the shape of a request; every editorial rule (who may, in which
state) is checked by ``reviews.workflow`` or ``articles.services``. Output serializers read
what the selectors prefetched and never query per row, except ``allowed_actions``, which asks
the workflow and is therefore left out of list responses.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles import roles
from articles.models import Article, Audience, Specialty
from reviews import workflow
from reviews.models import BoardMember, Decision, ReviewAssignment, Signature, SignOff, TransitionLog
from reviews.serializers.base import MAX_ID, SignedInputSerializer, StrictInputSerializer
from reviews.serializers.rounds import FormAnswersField


def topic_field(**kwargs) -> serializers.SlugRelatedField:
    """A specialty chosen by its slug, with an error that names the unknown slug."""
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Specialty.objects.all(),
        error_messages={"does_not_exist": "No specialty has the slug '{value}'."},
        help_text="The specialty slug, e.g. oncology.",
        **kwargs,
    )


# Articles ------------------------------------------------------------------------------------


class ArticleSummarySerializer(serializers.ModelSerializer):
    """An article in a list: what a dashboard shows, without the body and without per-row queries."""

    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    authors = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    status_label = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "slug",
            "title",
            "summary",
            "audience",
            "topic",
            "authors",
            "status",
            "status_label",
            "content_hash",
            "created_at",
            "updated_at",
            "content_modified_at",
            "last_reviewed_at",
            "next_review_due",
        ]
        read_only_fields = fields


class ArticleSerializer(ArticleSummarySerializer):
    """One article as its authors, reviewers and editors see it, with what the caller may do now."""

    allowed_actions = serializers.SerializerMethodField()

    class Meta(ArticleSummarySerializer.Meta):
        fields = [
            *ArticleSummarySerializer.Meta.fields,
            "body",
            "first_published_at",
            "retraction_notice",
            "review_due_reason",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(workflow.ACTION_CHECKS)))
    )
    def get_allowed_actions(self, article) -> list[str]:
        request = self.context.get("request")
        return workflow.available_actions(request.user, article) if request else []


class SubmittedArticleSerializer(ArticleSerializer):
    """The submitted article with the citation check's warnings (e.g. a source attached but never cited)."""

    warnings = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "warnings"]
        read_only_fields = fields

    def get_warnings(self, article) -> list[str]:
        return list(self.context.get("warnings", []))


class ArticleCreateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=255)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    body = serializers.CharField(required=False, allow_blank=True, default="", help_text="Markdown.")
    audience = serializers.ChoiceField(choices=Audience.choices, default=Audience.PATIENT)
    topic = topic_field()
    slug = serializers.SlugField(
        required=False, allow_blank=True, max_length=255, help_text="Made from the title when empty."
    )

    def validate_slug(self, value):
        if value and Article.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"An article with the slug '{value}' already exists.")
        return value


class ArticleUpdateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=255, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    topic = topic_field(required=False)
    content_hash = serializers.CharField(
        required=False,
        help_text="The content hash your edit is based on (or send it as If-Match); a stale one answers 409.",
    )


# Workflow steps ------------------------------------------------------------------------------


class CommentSerializer(StrictInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class SignedCommentSerializer(SignedInputSerializer):
    """An editor's approval: an optional comment, signed."""

    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class RetractSerializer(StrictInputSerializer):
    notice = serializers.CharField(max_length=5000, help_text="Shown to readers in place of the article.")


class FlagForRereviewSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=5000)


@extend_schema_field(OpenApiTypes.STR)
class ReviewerField(serializers.RelatedField):
    """A board member named by their username."""

    default_error_messages = {
        "does_not_exist": "No board member has the username '{value}'.",
        "invalid": "Give the reviewer's username.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data.strip():
            self.fail("invalid")
        try:
            return self.get_queryset().get(user__username=data.strip())
        except BoardMember.DoesNotExist:
            self.fail("does_not_exist", value=data.strip())

    def to_representation(self, value):
        return value.user.get_username()


class AssignmentInputSerializer(StrictInputSerializer):
    reviewer = ReviewerField(
        queryset=BoardMember.objects.select_related("user"), help_text="The reviewer's username."
    )
    due_date = serializers.DateField(
        required=False, help_text="Defaults to the policy's assignment due days."
    )


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
        read_only_fields = fields

    def to_representation(self, assignment):
        data = super().to_representation(assignment)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # A conflict statement can be personal (a family member, a grant): only the reviewer and
        # the editors who must act on it read it; others see that a conflict was declared.
        if user is None or not (roles.is_editor(user) or assignment.reviewer.user_id == user.pk):
            data["conflict_statement"] = ""
        return data


class SignOffInputSerializer(SignedInputSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comments = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text="Required when requesting changes: what the authors should change.",
    )
    attestation = serializers.BooleanField(
        help_text="Must be true: I have reviewed this content and its sources for medical accuracy."
    )
    conflict_of_interest = serializers.BooleanField(
        help_text="true records your conflict (with conflict_statement) and refuses the sign-off (403)."
    )
    conflict_statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    content_hash = serializers.CharField(
        required=False, help_text="The content hash you reviewed; a stale one answers 409."
    )
    form = FormAnswersField(
        required=False,
        default=dict,
        help_text='The review form: {item_id: {"answer": "yes"/"no"/"na", "note"}}.',
    )

    def validate(self, attrs):
        if attrs["conflict_of_interest"] and not attrs["conflict_statement"].strip():
            raise serializers.ValidationError({"conflict_statement": "Describe the conflict of interest."})
        return attrs


class SignatureSerializer(serializers.ModelSerializer):
    """An electronic signature as its record shows it."""

    class Meta:
        model = Signature
        fields = [
            "id",
            "printed_name",
            "credentials",
            "meaning",
            "statement",
            "method",
            "content_hash",
            "signed_at",
        ]
        read_only_fields = fields


class SignOffSerializer(serializers.ModelSerializer):
    signature = SignatureSerializer(read_only=True, allow_null=True)
    reviewer = serializers.CharField(source="assignment.reviewer.user.username", read_only=True)
    reviewer_name = serializers.CharField(source="assignment.reviewer.display_name", read_only=True)
    credentials = serializers.CharField(source="assignment.reviewer.credentials", read_only=True)
    history_id = serializers.IntegerField(source="article_history_id", read_only=True)
    article_status = serializers.SerializerMethodField(
        help_text="The article's status after this sign-off (approved when it completed the quorum)."
    )

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
            "form",
            "signed_at",
            "signature",
            "article_status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Article._meta.get_field("status").choices))
    def get_article_status(self, signoff) -> str:
        return self.context["article"].status


class BrokenEntrySerializer(serializers.Serializer):
    article = serializers.IntegerField(source="article_id")
    position = serializers.IntegerField(allow_null=True, help_text="Null for a record outside the chain.")
    kind = serializers.CharField()
    record_id = serializers.CharField()
    reason = serializers.CharField()


class AuditVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    entries = serializers.IntegerField(help_text="How many chain entries were recomputed.")
    first_broken = BrokenEntrySerializer(allow_null=True)


# Records -------------------------------------------------------------------------------------


class RevisionSerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    history_date = serializers.DateTimeField()
    history_user = serializers.SerializerMethodField()
    history_type = serializers.CharField(help_text="+ created, ~ changed, - deleted")
    change_reason = serializers.CharField(source="history_change_reason", allow_null=True)
    status = serializers.CharField()
    content_hash = serializers.CharField()
    title = serializers.CharField()

    def get_history_user(self, record) -> str | None:
        return record.history_user.get_username() if record.history_user else None


class DiffQuerySerializer(serializers.Serializer):
    """``?from=&to=``: two revisions of the article, by ``history_id``."""

    def get_fields(self):
        # "from" is a Python keyword, so the fields cannot be declared as class attributes.
        return {
            name: serializers.IntegerField(
                min_value=1,
                max_value=MAX_ID,
                help_text=f"history_id of the {age} revision (see history/).",
                error_messages={"required": f"Give the history_id of a revision as ?{name}=."},
            )
            for name, age in (("from", "older"), ("to", "newer"))
        }


class WordChunkSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
    text = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField()
    new = serializers.JSONField()
    words = WordChunkSerializer(many=True, help_text="Word-level diff of a text field; empty otherwise.")


class DiffSerializer(serializers.Serializer):
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    changes = FieldChangeSerializer(many=True)


class TransitionLogSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = TransitionLog
        fields = ["id", "action", "from_status", "to_status", "actor", "at", "comment", "content_hash"]
        read_only_fields = fields

    def get_actor(self, entry) -> str | None:
        return entry.actor.get_username() if entry.actor else None


class AuditEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["revision", "transition", "signoff", "decision"])
    actor = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    content_hash = serializers.CharField(allow_blank=True)
