"""What the public API shows of a Publication."""

from __future__ import annotations

from rest_framework import serializers

from articles.models import Publication


class ReviewerSerializer(serializers.Serializer):
    name = serializers.CharField()
    credentials = serializers.CharField()
    signed_at = serializers.DateTimeField()


class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    formatted = serializers.CharField()
    doi = serializers.CharField(allow_blank=True)
    pmid = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    retracted = serializers.BooleanField()


class PublicationListSerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="topic_slug")
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "slug",
            "title",
            "summary",
            "audience",
            "topic",
            "status_label",
            "last_reviewed_at",
            "next_review_due",
        ]

    def get_status_label(self, publication) -> str:
        return "Approved"


class PublicationDetailSerializer(PublicationListSerializer):
    topic_name = serializers.CharField()
    reviewers = ReviewerSerializer(many=True)
    references = ReferenceSerializer(many=True)
    authors = serializers.ListField(child=serializers.DictField())

    class Meta(PublicationListSerializer.Meta):
        fields = PublicationListSerializer.Meta.fields + [
            "topic_name",
            "body_html",
            "reviewers",
            "authors",
            "references",
            "created_at",
            "first_published_at",
            "last_modified_at",
            "approved_at",
            "version",
        ]
