"""Look up a DOI (Crossref) or a PMID (NCBI E-utilities) to fill a new source, answered by a
local stub server from recorded responses (tests/sources/data/lookup), never the internet."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from django.urls import reverse

from articles.library import lookup
from tests.sources.stub_server import StubServer

DATA = Path(__file__).parent / "data" / "lookup"
CROSSREF_WORK = (DATA / "crossref-work-10.7326-M16-2367.json").read_bytes()
PUBMED_RECORD = (DATA / "pubmed-efetch-28192789.txt").read_bytes()
ROUTES = {
    "/works/10.7326%2Fm16-2367": (200, {"Content-Type": "application/json"}, CROSSREF_WORK),
    "/efetch.fcgi": (200, {"Content-Type": "text/plain"}, PUBMED_RECORD),
    "/works/10.1000%2Fbusy": (429, {"Retry-After": "7"}, b""),
}


@pytest.fixture
def services(settings):
    with StubServer(ROUTES) as stub:
        settings.CROSSREF_API_URL = stub.url
        settings.NCBI_EUTILS_URL = stub.url
        settings.LOOKUP_CONTACT_EMAIL = "editors@example.org"
        settings.NCBI_API_KEY = "test-key"
        yield stub


def test_a_doi_fills_a_journal_article_from_crossref(services):
    fields = lookup.lookup_identifier("https://doi.org/10.7326/M16-2367")

    assert fields["publication_type"] == "article-journal"
    assert fields["container_title"] == "Annals of Internal Medicine"
    assert fields["container_title_short"] == "Ann Intern Med"
    assert (fields["year"], fields["volume"], fields["issue"], fields["pages"]) == (2017, "166", "7", "514")
    assert fields["doi"] == "10.7326/m16-2367"
    assert fields["authors"][0] == {"family": "Qaseem", "given": "Amir"}
    assert fields["authors"][-1] == {
        "literal": "Clinical Guidelines Committee of the American College of Physicians"
    }
    path, headers = services.requests[0]
    assert "mailto=editors%40example.org" in path
    assert "mailto:editors@example.org" in headers["User-Agent"]


def test_a_pmid_fills_a_source_from_pubmed_with_its_evidence_type(services):
    fields = lookup.lookup_identifier("28192789")

    assert (fields["publication_type"], fields["type"]) == ("article-journal", "guideline")
    assert fields["pmid"] == "28192789" and fields["doi"] == "10.7326/m16-2367"
    assert fields["pages"] == "514-530"
    path, headers = services.requests[0]
    assert "api_key=test-key" in path and "email=editors%40example.org" in path and "db=pubmed" in path


def test_an_unknown_identifier_is_a_clear_error(services):
    with pytest.raises(lookup.LookupFailed, match="Crossref does not know this identifier"):
        lookup.lookup_identifier("10.1000/nothing-here")


def test_a_rate_limit_answer_says_when_to_try_again(services):
    with pytest.raises(lookup.LookupFailed, match="try again in 7 seconds"):
        lookup.lookup_identifier("10.1000/busy")


def test_an_unreachable_service_is_a_clear_error(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once it is closed
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(lookup.LookupFailed, match="Crossref could not be reached"):
        lookup.lookup_identifier("10.7326/M16-2367")


def test_neither_a_doi_nor_a_pmid_is_refused_without_a_request(services):
    with pytest.raises(lookup.LookupFailed, match="neither a DOI"):
        lookup.lookup_identifier("not an identifier")
    assert services.requests == []


def test_the_add_a_source_form_is_filled_from_a_pmid(client, author, services):
    client.force_login(author)
    html = client.get(reverse("editorial:source_create") + "?lookup=28192789").content.decode()
    assert 'value="Annals of internal medicine"' in html
    assert "Qaseem, Amir" in html
    assert 'value="28192789"' in html


def test_the_form_shows_the_error_when_the_service_is_down(client, author, settings):
    settings.NCBI_EUTILS_URL = "http://127.0.0.1:9"
    client.force_login(author)
    response = client.get(reverse("editorial:source_create") + "?lookup=28192789")
    assert response.status_code == 200
    assert "PubMed could not be reached" in response.content.decode()
