"""Publications link their numbered references to library sources (``PublishedCitation``)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from articles.models import PublishedCitation

migration = importlib.import_module("articles.migrations.0005_published_citations")


def _links(publication) -> list[tuple[int, int]]:
    return list(publication.published_citations.order_by("number").values_list("number", "source_id"))


def test_publishing_links_each_reference_number_to_its_source(published):
    publication = published.publications.get()

    expected = list(published.citations.order_by("number").values_list("number", "source_id"))
    assert _links(publication) == expected
    assert [ref["number"] for ref in publication.references] == [number for number, _ in expected]


def test_published_citations_are_immutable(published):
    link = PublishedCitation.objects.filter(publication__article=published).first()

    with pytest.raises(ValidationError, match="immutable"):
        link.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        PublishedCitation.objects.all().delete()


def test_the_migration_links_earlier_publications_by_key_doi_or_pmid(publish):
    article = publish(references=3)
    publication = article.publications.get()
    expected = _links(publication)
    by_doi, by_pmid = (article.citations.get(number=n).source for n in (2, 3))
    by_doi.key = "renamed-after-publication"
    by_doi.save()
    by_pmid.key, by_pmid.doi = "renamed-too", ""
    by_pmid.save()
    PublishedCitation._base_manager.all().delete()  # as before the migration

    migration.link_published_references(apps, schema_editor=None)

    assert _links(publication) == expected
