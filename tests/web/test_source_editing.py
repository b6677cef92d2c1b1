"""Editing a source in the web app: its page with history, delete for an uncited source, and
entries without authors or year flagged rather than silently accepted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.library.sources import source_create
from articles.models import Source
from tests import factories, states

FIELDS = {
    "title": "Mechanical low back pain",
    "authors": "Will, Jeffrey S",
    "container_title": "American Family Physician",
    "year": "2018",
    "volume": "98",
    "issue": "7",
    "pages": "421-428",
    "type": "review",
    "publication_type": "article-journal",
}


def test_a_source_without_authors_or_year_is_flagged_not_silently_accepted(client, author):
    client.force_login(author)
    url = reverse("editorial:source_create")

    refused = client.post(url, {"title": "Back pain", "type": "other"})
    assert refused.status_code == 400
    assert "no authors and no year" in refused.content.decode()
    assert not Source.objects.exists()

    client.post(url, {"title": "Back pain", "type": "other", "accept_incomplete": "on"})
    source = Source.objects.get()
    listing = client.get(reverse("editorial:sources")).content.decode()
    assert source.missing_facts == ["authors", "year"]
    assert "No authors" in listing and "No year" in listing


def test_the_edit_page_corrects_a_source_and_shows_its_history(client, author):
    source = source_create(actor=author, data={"title": "Mechanical back pain", "key": "will2018"})
    client.force_login(author)
    url = reverse("editorial:source_edit", kwargs={"pk": source.pk})

    response = client.post(url, {**FIELDS, "key": "will2018"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.container_title, source.volume, source.pages) == (
        "American Family Physician",
        "98",
        "421-428",
    )

    page = client.get(url).content.decode()
    assert "Will JS. Mechanical low back pain. American Family Physician. 2018;98(7):421-428." in page
    assert "created" in page and "edited: " in page


def test_an_uncited_source_can_be_deleted_and_a_cited_one_cannot(client, author, topic):
    spare = source_create(actor=author, data={"title": "Spare", "key": "spare2020", "year": 2020})
    cited = factories.SourceFactory(key="cited2018")
    factories.ArticleFactory(author=author, topic=topic, body="Claim [@cited2018].")
    client.force_login(author)

    client.post(reverse("editorial:source_delete", kwargs={"pk": spare.pk}))
    client.post(reverse("editorial:source_delete", kwargs={"pk": cited.pk}))

    assert list(Source.objects.values_list("key", flat=True)) == ["cited2018"]
    assert (
        "Delete this source"
        not in client.get(reverse("editorial:source_edit", kwargs={"pk": cited.pk})).content.decode()
    )


def test_an_author_may_not_change_a_source_cited_beyond_drafting(client, author, topic):
    cited = factories.SourceFactory(key="cited2018")
    article = factories.ArticleFactory(author=author, topic=topic, body="Claim [@cited2018].")
    states.submitted(article, author)
    client.force_login(author)
    url = reverse("editorial:source_edit", kwargs={"pk": cited.pk})

    assert "only an editor may change it" in client.get(url).content.decode()
    assert client.post(url, {**FIELDS, "key": "cited2018"}).status_code == 403
    cited.refresh_from_db()
    assert cited.title != FIELDS["title"]


@pytest.mark.parametrize("who", ["editor"])
def test_an_editor_may_change_a_cited_source(client, who, author, editor, topic):
    cited = factories.SourceFactory(key="cited2018")
    article = factories.ArticleFactory(author=author, topic=topic, body="Claim [@cited2018].")
    states.submitted(article, author)
    client.force_login(editor)

    response = client.post(
        reverse("editorial:source_edit", kwargs={"pk": cited.pk}), {**FIELDS, "key": "cited2018"}
    )
    assert response.status_code == 302
    cited.refresh_from_db()
    assert cited.title == FIELDS["title"]
