from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


class ArticleIndexPage(Page):
    subpage_types = ["wagtail_articles.ArticlePage"]


class ArticlePage(Page):
    AUDIENCES = [("patient", "Patient"), ("clinician", "Clinician")]

    summary = models.TextField(blank=True)
    body = RichTextField(blank=True)
    audience = models.CharField(max_length=16, choices=AUDIENCES, default="patient")
    topic = models.CharField(max_length=100, blank=True)
    status_label = models.CharField(max_length=50, default="Approved")
    last_reviewed = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    first_published = models.DateTimeField(null=True, blank=True)

    parent_page_types = ["wagtail_articles.ArticleIndexPage"]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("audience"),
        FieldPanel("topic"),
        FieldPanel("status_label"),
        FieldPanel("last_reviewed"),
        FieldPanel("next_review_due"),
        FieldPanel("first_published"),
        InlinePanel("reviewers"),
        InlinePanel("references"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("body"),
        APIField("audience"),
        APIField("topic"),
        APIField("status_label"),
        APIField("last_reviewed"),
        APIField("next_review_due"),
        APIField("first_published"),
        APIField("reviewers"),  # nested list of Reviewer.api_fields
        APIField("references"),  # nested list of Reference.api_fields
    ]


class Reviewer(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="reviewers")
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    api_fields = [APIField("name"), APIField("credentials"), APIField("signed_at")]


class Reference(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveIntegerField()
    formatted = models.TextField()
    doi = models.CharField(max_length=200, blank=True)
    pmid = models.CharField(max_length=20, blank=True)
    url = models.URLField(max_length=500, blank=True)
    retracted = models.BooleanField(default=False)

    api_fields = [
        APIField("number"),
        APIField("formatted"),
        APIField("doi"),
        APIField("pmid"),
        APIField("url"),
        APIField("retracted"),
    ]
