from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class HomePage(Page):
    pass


# Added for bench/wagtail/run.sh: the article page as the independent comparison describes it.
class ReferenceBlock(blocks.StructBlock):
    authors = blocks.CharBlock()
    title = blocks.CharBlock()
    source = blocks.CharBlock()
    year = blocks.IntegerBlock()
    doi = blocks.CharBlock(required=False)
    url = blocks.URLBlock(required=False)


class ArticlePage(Page):
    summary = models.TextField(blank=True)
    body = RichTextField(blank=True)
    audience = models.CharField(max_length=100, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    references = StreamField([("reference", ReferenceBlock())], blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("audience"),
        FieldPanel("last_reviewed"),
        FieldPanel("references"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("body"),
        APIField("audience"),
        APIField("last_reviewed"),
        APIField("references"),
    ]
