"""Public HTML pages: the list, an article page, pending content and the editorial policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from reviews import workflow
from reviews.models import ReviewPolicy
from tests import factories, states

PENDING_BANNER = "Educational purpose only. Content is pending review by our medical advisory board."


class Outline(HTMLParser):
    """Collects ids, attributes by element and the text of elements with a class, for assertions."""

    VOID = {"meta", "link", "br", "hr", "img", "input", "source", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.ids: list[str] = []
        self.elements: list[tuple[str, dict]] = []
        self.open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def find(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def text(html: str) -> str:
    """The visible words: inline elements join their neighbours, block elements separate them."""
    inline = re.sub(r"</?(?:span|a|em|strong|time|sup|abbr)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


# Article page ----------------------------------------------------------------------------------


def test_an_article_page_shows_what_a_reader_needs_to_trust_it(client, published, reviewers, settings):
    settings.MEDICAL_DISCLAIMER = "Ask your care team before changing treatment."
    html = page(client, f"/articles/{published.slug}/")
    outline = Outline(html)
    words = text(html)

    assert f'<h1 id="article-title">{published.title}</h1>' in html
    assert published.summary in words
    for member in reviewers[:2]:
        assert f"Medically reviewed by {member.display_name}, {member.credentials} on" in words
    assert "Last updated" in words and "Next review due" in words and "Last reviewed" in words
    assert outline.find("a", href="/editorial-policy/")
    assert "Ask your care team before changing treatment." in words
    assert len(outline.ids) == len(set(outline.ids)), "duplicate ids"
    assert outline.open == [], "unclosed elements"


def test_the_review_tracker_marks_approved_as_the_current_step(client, published):
    html = page(client, f"/articles/{published.slug}/")

    tracker = re.search(r'<div class="review-tracker">.*?</div>', html, re.S).group(0)
    steps = re.findall(r"<li class=\"step step-(\w+)\"([^>]*)>\s*<span class=\"step-label\">([^<]+)", tracker)
    assert [(state, label) for state, _, label in steps] == [
        ("done", "Submitted"),
        ("done", "Under Review"),
        ("current", "Approved"),
    ]
    assert 'aria-current="step"' in steps[2][1]
    assert tracker.count("aria-current") == 1


def test_citations_link_to_the_numbered_references_with_doi_and_pubmed(client, published):
    html = page(client, f"/articles/{published.slug}/")
    outline = Outline(html)

    citation_targets = re.findall(r'<sup class="citation"(?: id="cite-\d+")?><a href="#(ref-\d+)">', html)
    assert citation_targets == ["ref-1", "ref-2", "ref-3"]
    assert all(target in outline.ids for target in citation_targets)
    for citation in published.citations.select_related("source"):
        source = citation.source
        item = re.search(rf'<li id="ref-{citation.number}" value="{citation.number}">(.*?)</li>', html).group(
            1
        )
        assert f'href="https://doi.org/{source.doi}"' in item
        assert f'href="https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/"' in item
        assert item.count("https://doi.org/") == 1


def test_notices_come_before_the_body(client, published, editor):
    source = published.citations.get(number=3).source
    source.retracted_on = timezone.localdate()
    source.save()
    workflow.flag_for_rereview(actor=editor, article=published, reason="A cited source was retracted.")

    html = page(client, f"/articles/{published.slug}/")

    body_at = html.index('class="article-body"')
    assert -1 < html.index("notice-retracted_source") < body_at
    # The retracted source's notice says the board is reviewing it again: no second notice, and
    # never the editors' reason.
    assert "notice-review_overdue" not in html
    assert "A cited source was retracted." not in html
    assert "badge-retracted" in html  # the reference itself is marked


def test_a_retracted_article_page_answers_410_with_the_notice(client, published, editor):
    workflow.retract(actor=editor, article=published, notice="Withdrawn: the dosage table was wrong.")

    html = page(client, f"/articles/{published.slug}/", status=410)

    assert "Withdrawn: the dosage table was wrong." in html
    assert "article-body" not in html


def test_unknown_and_unapproved_article_pages_are_the_same_404(client, article, author, topic):
    submitted = states.submitted(
        factories.ArticleFactory(author=author, topic=topic, title="Pending"), author
    )

    responses = [client.get(f"/articles/{slug}/") for slug in ("nothing-here", article.slug, submitted.slug)]

    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1


def test_an_article_page_costs_one_query_and_one_more_for_retracted_sources(
    client, publish, django_assert_num_queries
):
    article = publish(references=10)

    with django_assert_num_queries(1):
        assert client.get(f"/articles/{article.slug}/").status_code == 200

    source = article.citations.get(number=3).source
    source.retracted_on = timezone.localdate()
    source.save()
    with django_assert_num_queries(2):
        assert "Reference 3" in client.get(f"/articles/{article.slug}/").content.decode()


# Pending content -------------------------------------------------------------------------------


@pytest.fixture
def pending(author, topic, editor, reviewers):
    submitted = states.submitted(
        factories.ArticleFactory(author=author, topic=topic, title="Fatigue during radiotherapy"), author
    )
    in_review = states.under_review(
        states.submitted(factories.ArticleFactory(author=author, topic=topic, title="Mouth sores"), author),
        editor,
        reviewers[:2],
    )
    return submitted, in_review


def test_pending_content_is_hidden_by_default(client, pending, settings):
    assert settings.SHOW_PENDING_CONTENT is False
    for article in pending:
        page(client, f"/articles/{article.slug}/", status=404)
    assert PENDING_BANNER not in page(client, "/articles/")


@pytest.mark.parametrize("which, current", [(0, "Submitted"), (1, "Under Review")])
def test_pending_content_when_enabled_has_the_banner_and_its_step(client, pending, settings, which, current):
    settings.SHOW_PENDING_CONTENT = True
    article = pending[which]

    html = page(client, f"/articles/{article.slug}/")

    assert PENDING_BANNER in html
    assert 'name="robots" content="noindex"' in html
    assert "application/ld+json" not in html  # no claim of a review that has not happened
    current_step = re.search(
        r'<li class="step step-current" aria-current="step">\s*<span class="step-label">([^<]+)', html
    )
    assert current_step.group(1) == current
    assert article.title in html
    assert "Medically reviewed by" not in html


def test_pending_content_is_rendered_live_with_its_sources(client, author, topic, settings):
    settings.SHOW_PENDING_CONTENT = True
    source = factories.SourceFactory(key="will2018", doi="10.1000/pending.1", pmid="31111111")
    article = states.submitted(
        factories.ArticleFactory(
            author=author, topic=topic, title="Cited pending", body="A claim [@will2018]."
        ),
        author,
    )

    html = page(client, f"/articles/{article.slug}/")

    assert '<sup class="citation" id="cite-1"><a href="#ref-1">1</a></sup>' in html
    assert f'href="https://doi.org/{source.doi}"' in html
    assert "https://pubmed.ncbi.nlm.nih.gov/31111111/" in html


def test_drafts_stay_hidden_even_with_pending_content_shown(client, article, settings):
    settings.SHOW_PENDING_CONTENT = True

    page(client, f"/articles/{article.slug}/", status=404)


def test_the_list_shows_pending_articles_apart_under_the_banner(client, pending, published, settings):
    settings.SHOW_PENDING_CONTENT = True

    html = page(client, "/articles/")

    pending_section = re.search(r'<section class="pending-list".*?</section>', html, re.S).group(0)
    assert PENDING_BANNER in pending_section
    assert all(article.title in pending_section for article in pending)
    assert published.title not in pending_section


# The list ---------------------------------------------------------------------------------------


def test_the_list_searches_and_filters_by_topic(client, publish, other_topic):
    publish("Nausea after chemotherapy")
    publish("Drug interactions", on_topic=other_topic, summary="Warfarin and nausea.")
    publish("Sleep")

    everything = text(page(client, "/articles/"))
    nausea = text(page(client, "/articles/?q=nausea"))
    nausea_pharmacology = text(page(client, "/articles/?q=nausea&topic=pharmacology"))

    assert "3 articles" in everything
    assert "2 articles" in nausea and "Sleep" not in nausea
    assert "1 article" in nausea_pharmacology and "Drug interactions" in nausea_pharmacology


def test_the_list_form_is_labelled_and_offers_only_published_topics(client, publish, other_topic):
    publish("Oncology only")
    html = page(client, "/articles/")
    outline = Outline(html)

    assert outline.find("form", role="search")
    assert outline.find("label", **{"for": "search-q"}) and outline.find("input", id="search-q")
    assert outline.find("label", **{"for": "search-topic"})
    topic_select = html.split('id="search-topic"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', topic_select) == ["", "oncology"]
    assert outline.find("label", **{"for": "search-audience"})
    audience_select = html.split('id="search-audience"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', audience_select) == ["", "patient", "professional"]
    assert outline.open == []


def test_the_list_is_paginated(client, publish):
    for n in range(21):
        publish(f"Article {n:02d}")

    first, second = page(client, "/articles/"), page(client, "/articles/?page=2")

    assert first.count('class="article-card"') == 20 and 'rel="next"' in first
    assert second.count('class="article-card"') == 1 and 'rel="prev"' in second


@pytest.mark.parametrize("articles", [1, 20])
def test_a_list_page_costs_two_queries(client, publish, articles, django_assert_num_queries):
    for n in range(articles):
        publish(f"Article {n}")

    with django_assert_num_queries(2):  # the page with the count, topics
        client.get("/articles/")
    with django_assert_num_queries(3):  # a search: the page's keys with the count, its rows, topics
        client.get("/articles/", {"q": "article"})


# Editorial policy -------------------------------------------------------------------------------


def test_the_editorial_policy_comes_from_the_board_and_policy_rows(client, reviewers, topic, other_topic):
    ReviewPolicy.objects.create(specialty=None, approvals_required=3, review_interval_days=180)
    ReviewPolicy.objects.create(specialty=other_topic, approvals_required=2, review_interval_days=90)
    retired = factories.BoardMemberFactory(display_name="Dr. Retired", active=False)

    html = page(client, "/editorial-policy/")
    words = text(html)

    for member in reviewers:
        assert f"{member.display_name}, {member.credentials}" in words
    assert "Oncology" in words and "Pharmacology" in words
    assert retired.display_name not in words
    assert "at least 3 reviewers" in words and "every 180 days" in words
    assert "Pharmacology 2 Required 90 days" in words


def test_the_editorial_policy_falls_back_to_the_built_in_defaults(client, db):
    words = text(page(client, "/editorial-policy/"))

    assert "at least 2 reviewers" in words and "every 365 days" in words


def test_pending_content_costs_fixed_queries(client, pending, published, settings, django_assert_num_queries):
    settings.SHOW_PENDING_CONTENT = True

    with django_assert_num_queries(3):  # the page with the count, topics, pending articles
        client.get("/articles/")
    with django_assert_num_queries(4):  # no live publication, the article, its authors, its sources
        client.get(f"/articles/{pending[0].slug}/")


def test_a_deep_page_lists_the_right_rows_in_order(client, publish):
    titles = [f"Article {n:02d}" for n in range(23)]
    for title in titles:
        publish(title)

    listed = [
        r["title"]
        for p in (1, 2, 3)
        for r in client.get("/api/v1/articles/", {"page": p, "page_size": 10}).json()["results"]
    ]
    by_title = [
        r["title"]
        for r in client.get("/api/v1/articles/", {"page": 3, "page_size": 10, "ordering": "-title"}).json()[
            "results"
        ]
    ]

    assert listed == list(reversed(titles))
    assert by_title == ["Article 02", "Article 01", "Article 00"]


def test_the_front_door_leads_to_the_article_list(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/articles/"
