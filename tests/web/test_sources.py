"""The source library from the author's side: the picker's search, adding by hand, importing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Source
from tests import factories

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "citations" / "data"


@pytest.mark.parametrize(
    "query",
    [
        "will2018",
        "mechanical low",
        "Will",
        "10.1000/BACK.2018",
        "https://doi.org/10.1000/back.2018",
        "30252425",
    ],
)
def test_the_picker_finds_a_source_by_key_title_author_or_identifier(author_client, sources, query):
    response = author_client.get(reverse("editorial:sources"), {"q": query}, HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert 'data-cite-key="will2018"' in content
    assert "<html" not in content  # htmx gets the results only


def test_without_javascript_the_search_is_a_full_page(author_client, sources):
    response = author_client.get(reverse("editorial:sources"), {"q": "sciatica"})

    content = response.content.decode()
    assert "<html" in content
    assert "[@nice2020]" in content
    assert "[@will2018]" not in content
    assert "data-cite-key" not in content  # the buttons need the script


def test_retracted_sources_are_flagged_and_cannot_be_cited(author_client, db):
    factories.SourceFactory(key="gone2001", retracted_on="2020-01-01")

    content = author_client.get(
        reverse("editorial:sources"), {"q": "gone"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "Retracted" in content
    assert 'title="Retracted sources cannot be cited"' in content


def test_reviewers_without_the_author_role_do_not_use_the_library(reviewer_clients):
    assert reviewer_clients[0].get(reverse("editorial:sources")).status_code == 403


def test_adding_a_source_normalises_its_identifiers(author_client, db):
    response = author_client.post(
        reverse("editorial:source_create"),
        {
            "key": "chou2017",
            "type": "guideline",
            "title": "Noninvasive treatments for low back pain",
            "authors": "Chou, Roger\nAmerican College of Physicians",
            "year": "2017",
            "doi": "https://doi.org/10.7326/M16-2367",
            "pmid": "PMID: 28192789",
            "pmcid": "5390005",
            "next": reverse("editorial:article_create"),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:article_create")
    source = Source.objects.get(key="chou2017")
    assert (source.doi, source.pmid, source.pmcid) == ("10.7326/m16-2367", "28192789", "PMC5390005")
    assert source.authors == [
        {"family": "Chou", "given": "Roger"},
        {"literal": "American College of Physicians"},
    ]


def test_a_duplicate_doi_is_refused_naming_the_existing_source(author_client, sources):
    response = author_client.post(
        reverse("editorial:source_create"),
        {
            "key": "copy2018",
            "type": "review",
            "title": "A copy",
            "doi": "doi:10.1000/BACK.2018",
            "accept_incomplete": "on",
        },
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_doi_error"' in content
    assert "[@will2018] Mechanical low back pain" in content
    assert not Source.objects.filter(key="copy2018").exists()


def test_a_bad_identifier_is_shown_next_to_its_field(author_client, db):
    response = author_client.post(
        reverse("editorial:source_create"),
        {"key": "bad", "type": "review", "title": "x", "pmid": "abc", "accept_incomplete": "on"},
    )

    assert response.status_code == 400
    assert "is not a PMID" in response.content.decode()


def test_an_unsafe_next_address_is_ignored(author_client, db):
    response = author_client.post(
        reverse("editorial:source_create"),
        {
            "key": "safe1",
            "type": "review",
            "title": "Safe",
            "next": "https://evil.example/",
            "accept_incomplete": "on",
        },
    )

    assert response["Location"] == reverse("editorial:sources") + "?q=safe1"


def test_importing_a_bibtex_file(author_client, db):
    upload = SimpleUploadedFile("refs.bib", (DATA / "low_back_pain.bib").read_bytes())

    response = author_client.post(reverse("editorial:source_import"), {"file": upload, "partial": "on"})

    assert response.status_code == 200
    assert Source.objects.exists()
    assert "Imported:" in response.content.decode()


def test_an_unreadable_file_is_an_error_on_the_field(author_client, db):
    upload = SimpleUploadedFile("notes.txt", b"just some words")

    response = author_client.post(reverse("editorial:source_import"), {"file": upload})

    assert response.status_code == 400
    assert "Cannot tell the format" in response.content.decode()
