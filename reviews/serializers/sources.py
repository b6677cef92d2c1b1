"""Input and output shapes of the sources API (names as in DESIGN.md's payload table).

Input serializers check the shape of a request only; identifiers, duplicates and permissions
are checked by ``articles.library.importing`` and ``reviews.workflow``, so that the API, the admin and
the management commands cannot disagree.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.library.bibliography import source_to_csl
from articles.library.citations import FORMATS, format_reference
from articles.library.sources import EDITABLE_SOURCE_FIELDS
from articles.models import PublicationType, Source, SourceNotice, SourceType, Status
from reviews.serializers.base import StrictInputSerializer

# Output --------------------------------------------------------------------------------------


class SourceNoticeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = SourceNotice
        fields = ["kind", "kind_label", "date", "notice", "reason", "record_id", "created_at"]
        read_only_fields = fields


class SourceSerializer(serializers.ModelSerializer):
    """A library source with its AMA reference; no per-row queries (lists use it)."""

    type_label = serializers.CharField(source="get_type_display", read_only=True)
    missing_facts = serializers.ListField(
        child=serializers.ChoiceField(choices=["authors", "year"]),
        read_only=True,
        help_text="What the reference lacks (authors, year): shown to editors as a flag.",
    )
    formatted = serializers.SerializerMethodField(help_text="The AMA reference, as articles render it.")
    retracted = serializers.BooleanField(source="is_retracted", read_only=True)

    class Meta:
        model = Source
        # The editable fields, with the type's label beside the type.
        fields = [
            "id",
            *EDITABLE_SOURCE_FIELDS[:2],
            "type_label",
            *EDITABLE_SOURCE_FIELDS[2:],
            "formatted",
            "missing_facts",
            "retracted",
            "retracted_on",
            "retraction_notice",
            "retraction_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_formatted(self, source: Source) -> str:
        return format_reference(source_to_csl(source))


class CitingArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)


class CitingPublicationSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    approved_at = serializers.DateTimeField()


class CitedBySerializer(serializers.Serializer):
    articles = CitingArticleSerializer(many=True, help_text="Articles you may see whose content cites it.")
    publications = CitingPublicationSerializer(many=True, help_text="Live publications citing it.")


class SourceDetailSerializer(SourceSerializer):
    """One source with its notices and who cites it (``cited_by`` comes from the view's context)."""

    notices = SourceNoticeSerializer(many=True, read_only=True)
    cited_by = serializers.SerializerMethodField()

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "notices", "cited_by"]
        read_only_fields = fields

    @extend_schema_field(CitedBySerializer)
    def get_cited_by(self, source: Source) -> dict:
        cited_by = self.context.get("cited_by", {"articles": [], "publications": []})
        return CitedBySerializer(cited_by).data


class RetractedSourceSerializer(SourceDetailSerializer):
    """The retracted source and the approved articles its retraction sent back to review."""

    flagged_articles = serializers.SerializerMethodField()

    class Meta(SourceDetailSerializer.Meta):
        fields = [*SourceDetailSerializer.Meta.fields, "flagged_articles"]
        read_only_fields = fields

    @extend_schema_field(CitingArticleSerializer(many=True))
    def get_flagged_articles(self, source: Source) -> list[dict]:
        return CitingArticleSerializer(self.context.get("flagged_articles", []), many=True).data


# Input ---------------------------------------------------------------------------------------


class AuthorNameSerializer(StrictInputSerializer):
    """A person (``family``, ``given``) or an organisation (``literal``)."""

    family = serializers.CharField(required=False, max_length=200)
    given = serializers.CharField(required=False, allow_blank=True, max_length=200)
    suffix = serializers.CharField(required=False, allow_blank=True, max_length=40)
    literal = serializers.CharField(required=False, max_length=300)

    def validate(self, attrs):
        if bool(attrs.get("family")) == bool(attrs.get("literal")):
            raise serializers.ValidationError(
                "Give a person's family name (and given names), or an organisation as literal."
            )
        return {name: value for name, value in attrs.items() if value}


class SourceInputSerializer(StrictInputSerializer):
    """The fields of a source as a client sends them; identifiers are normalised by the model."""

    key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Cite it as [@key]. Made from the first author and year (will2018) when empty.",
    )
    type = serializers.ChoiceField(
        choices=SourceType.choices,
        required=False,
        help_text="The evidence type: decides the reference's group.",
    )
    publication_type = serializers.ChoiceField(
        choices=PublicationType.choices,
        required=False,
        help_text="How it was published (CSL names): decides how AMA prints it; inferred when not given.",
    )
    title = serializers.CharField(max_length=1000)
    authors = AuthorNameSerializer(many=True, required=False)
    container_title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    container_title_short = serializers.CharField(required=False, allow_blank=True, max_length=200)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=9999)
    volume = serializers.CharField(required=False, allow_blank=True, max_length=40)
    issue = serializers.CharField(required=False, allow_blank=True, max_length=40)
    pages = serializers.CharField(required=False, allow_blank=True, max_length=40)
    doi = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=255,
        help_text="10.xxxx/..., doi:... or https://doi.org/...",
    )
    pmid = serializers.CharField(required=False, allow_blank=True, max_length=20)
    pmcid = serializers.CharField(required=False, allow_blank=True, max_length=20)
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300)
    accessed = serializers.DateField(required=False, allow_null=True)


class SourceImportSerializer(StrictInputSerializer):
    file = serializers.FileField(help_text="A BibTeX, RIS, PubMed (MEDLINE/.nbib) or CSL-JSON file, UTF-8.")
    format = serializers.ChoiceField(
        choices=FORMATS, required=False, help_text="Detected from the content when not given."
    )
    partial = serializers.BooleanField(
        default=False, help_text="Import the good entries even when some are rejected."
    )
    dry_run = serializers.BooleanField(default=False, help_text="Report what would happen; write nothing.")


class ImportCreatedSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    id = serializers.IntegerField(allow_null=True, help_text="Empty when nothing was written.")
    key = serializers.CharField()
    title = serializers.CharField()


class ImportMatchedSerializer(ImportCreatedSerializer):
    by = serializers.ChoiceField(choices=["doi", "pmid", "key"])
    value = serializers.CharField()
    in_file = serializers.BooleanField(help_text="Matched an entry earlier in the same file.")


class ImportRejectedSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class ImportSummarySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=FORMATS)
    dry_run = serializers.BooleanField()
    partial = serializers.BooleanField()
    imported = serializers.BooleanField(help_text="Whether anything was written.")
    read = serializers.IntegerField()
    created_count = serializers.IntegerField()
    matched_count = serializers.IntegerField()
    matched_by = serializers.DictField(child=serializers.IntegerField())
    rejected_count = serializers.IntegerField()
    created = ImportCreatedSerializer(many=True)
    matched = ImportMatchedSerializer(many=True)
    rejected = ImportRejectedSerializer(many=True)
    truncated = serializers.BooleanField(help_text="The lists stop at 1,000 rows each; the counts do not.")
    detail = serializers.CharField(required=False)


class SourceRetractSerializer(StrictInputSerializer):
    date = serializers.DateField(help_text="When the source was retracted.")
    notice = serializers.CharField(max_length=1000, help_text="DOI or URL of the retraction notice.")
    reason = serializers.CharField(help_text="Why it was retracted, for editors and readers.")
