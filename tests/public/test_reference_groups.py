"""The page lists references as the source pages do: guidelines, then research, then the rest,
each with its first-appearance number and a link back to where it is first cited."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def grouped(publish):
    trial = factories.SourceFactory(
        key="trial", type="randomized_trial", doi="10.1000/trial", title="A trial"
    )
    blog = factories.SourceFactory(
        key="blog", type="website", publication_type="webpage", url="https://example.org/blog", title="A blog"
    )
    nice = factories.SourceFactory(
        key="nice",
        type="guideline",
        publication_type="report",
        title="Low back pain guideline",
        publisher="NICE",
        container_title="",
    )
    body = "Exercise helps [@trial]. Patients read [@blog]. The guideline agrees [@nice; @trial]."
    return publish(sources=[trial, blog, nice], body=body)


def test_the_page_groups_references_and_keeps_their_numbers(client, grouped):
    html = client.get(reverse("public:article-detail", kwargs={"slug": grouped.slug})).content.decode()

    headings = re.findall(r'<h3 class="reference-group-title"[^>]*>([^<]+)</h3>', html)
    assert headings == ["From the guidelines", "From the research", "Other sources"]
    assert re.findall(r'<li id="ref-([0-9]+)"', html) == ["3", "1", "2"]
    # Each reference links back to the superscript that first cites it, which exists.
    for number in ("1", "2", "3"):
        assert f'href="#cite-{number}"' in html
        assert f'id="cite-{number}"' in html


def test_the_api_gives_each_reference_its_types_and_group(client, grouped):
    body = client.get(reverse("public-article-detail", kwargs={"slug": grouped.slug})).json()

    assert [
        (ref["number"], ref["publication_type"], ref["evidence_type"], ref["group"])
        for ref in body["references"]
    ] == [
        (1, "article-journal", "randomized_trial", "research"),
        (2, "webpage", "website", "other"),
        (3, "report", "guideline", "guidelines"),
    ]
    assert body["references"][2]["formatted"] == "Will JS. Low back pain guideline. NICE; 2018."
