"""The Atom feed of approved articles, newest approval first."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from public import caching, listing
from public.purging import keys

FEED_LENGTH = 50


class _TextSummaryAtom1Feed(Atom1Feed):
    """Atom, with each entry's summary sent as text (Django sends it as ``type="html"``).

    A summary is the author's plain text: as HTML, a reader would render its markup, and run
    a ``<script>`` in it.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestArticlesFeed(Feed):
    """Each approval (first publication or re-review) puts the article at the top.

    An entry's id is the article's page, so a reader sees a re-reviewed article as updated rather
    than as a new one. One query.
    """

    feed_type = _TextSummaryAtom1Feed
    link = reverse_lazy("public:article-list")
    feed_url = reverse_lazy("public:articles-feed")

    def title(self) -> str:
        return f"{settings.SITE_NAME}: medically reviewed articles"

    def subtitle(self) -> str:
        return "Articles approved by our medical advisory board, newest approval first."

    def items(self):
        return listing.feed_publications(FEED_LENGTH)

    def item_title(self, publication) -> str:
        return publication.title

    def item_description(self, publication) -> str:
        return publication.summary

    def item_link(self, publication) -> str:
        return reverse("public:article-detail", kwargs={"slug": publication.slug})

    def item_pubdate(self, publication):
        return publication.first_published_at

    def item_updateddate(self, publication):
        return publication.approved_at

    def item_author_name(self, publication) -> str | None:
        return ", ".join(author["name"] for author in publication.authors) or None

    def item_categories(self, publication) -> list[str]:
        return [publication.topic_name]


latest_articles = caching.public_response(LatestArticlesFeed(), uses_query=False, keys=keys.LIST_KEYS)
