"""The public API: what it shows, what it hides, filters and ordering (query counts: test_api_queries)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from articles.models import Publication
from public.api import NOT_FOUND, PublicPagination
from public.listing import DEFAULT_ORDERING
from public.positions import Position
from reviews import workflow
from tests import factories, states

LIST = "/api/v1/articles/"


def detail(slug: str) -> str:
    return f"/api/v1/articles/{slug}/"


# Lists ---------------------------------------------------------------------------------------


def test_list_is_paginated_with_one_result_per_live_publication(client, published):
    response = client.get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    [result] = body["results"]
    publication = Publication.objects.get(article=published)
    assert result == {
        "slug": published.slug,
        "title": published.title,
        "summary": published.summary,
        "audience": "patient",
        "topic": "oncology",
        "topic_name": "Oncology",
        "status": "approved",
        "status_label": "Approved",
        "last_reviewed_at": publication.last_reviewed_at.isoformat().replace("+00:00", "Z"),
        "next_review_due": publication.next_review_due.isoformat(),
        "url": f"http://testserver/articles/{published.slug}/",
        "api_url": f"http://testserver/api/v1/articles/{published.slug}/",
    }


def test_list_shows_only_approved_content(client, publish, author, topic, editor, reviewers):
    live = publish("Live article")
    retracted = publish("Retracted article")
    workflow.retract(actor=editor, article=retracted, notice="Dosage error.")
    factories.ArticleFactory(author=author, topic=topic, title="Only a draft")
    states.submitted(factories.ArticleFactory(author=author, topic=topic, title="Only submitted"), author)

    slugs = [r["slug"] for r in client.get(LIST).json()["results"]]

    assert slugs == [live.slug]


def test_a_revision_in_progress_keeps_the_approved_version_live(client, published, author):
    workflow.revise(actor=author, article=published)

    [result] = client.get(LIST).json()["results"]

    assert result["title"] == published.title
    assert result["status"] == "approved"


def test_pagination_links_and_page_size(client, publish):
    for n in range(3):
        publish(f"Article {n}")

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2
    # The next page starts after this page's last row (tests/public/test_list_positions.py).
    last = Publication.objects.get(slug=first["results"][-1]["slug"])
    after = Position(DEFAULT_ORDERING, [last.last_reviewed_at, last.pk]).token()
    assert first["next"] == f"http://testserver/api/v1/articles/?after={after}&page=2&page_size=2"
    assert len(second["results"]) == 1 and second["previous"] is not None and second["next"] is None


def test_default_ordering_is_newest_review_first_and_title_is_available(client, publish):
    titles = ["Bravo", "Alpha", "Charlie"]
    for title in titles:
        publish(title)

    newest_first = [r["title"] for r in client.get(LIST).json()["results"]]
    by_title = [r["title"] for r in client.get(LIST, {"ordering": "title"}).json()["results"]]
    oldest_first = [r["title"] for r in client.get(LIST, {"ordering": "last_reviewed"}).json()["results"]]

    assert newest_first == list(reversed(titles))
    assert by_title == ["Alpha", "Bravo", "Charlie"]
    assert oldest_first == titles


def test_unknown_ordering_is_a_field_error(client, published):
    response = client.get(LIST, {"ordering": "body"})

    assert response.status_code == 400
    assert "ordering" in response.json()


def test_filter_by_topic_and_audience(client, publish, other_topic):
    oncology = publish("Oncology for patients")
    pharmacology = publish("Drug interactions", on_topic=other_topic, audience="professional")

    def slugs(**params):
        return [r["slug"] for r in client.get(LIST, params).json()["results"]]

    assert slugs(topic="pharmacology") == [pharmacology.slug]
    assert slugs(topic="oncology") == [oncology.slug]
    assert slugs(audience="professional") == [pharmacology.slug]
    assert slugs(audience="patient", topic="pharmacology") == []
    assert client.get(LIST, {"audience": "everyone"}).status_code == 400


def test_filter_updated_since(client, publish):
    older = publish("Older")
    threshold = timezone.now()
    newer = publish("Newer")

    def slugs(since):
        return [r["slug"] for r in client.get(LIST, {"updated_since": since}).json()["results"]]

    assert slugs(threshold.isoformat()) == [newer.slug]
    assert set(slugs((threshold - timedelta(days=1)).date().isoformat())) == {older.slug, newer.slug}
    assert client.get(LIST, {"updated_since": "last tuesday"}).status_code == 400


@pytest.mark.parametrize("query", [{}, {"q": "nausea"}], ids=["list", "search"])
@pytest.mark.parametrize(
    "since,listed",
    [("0001-01-01T00:00:00+00:29", 1), ("9999-12-31T23:59:59-00:29", 0)],
    ids=["before-utc", "after-utc"],
)
def test_a_moment_beyond_utc_lists_everything_or_nothing(client, publish, query, since, listed):
    # Year 1 at +00:29 is before the first moment UTC can hold (found by schemathesis): a valid
    # date-time, so an answer, not a 400 and never a 500.
    publish("Nausea")

    response = client.get(LIST, {**query, "updated_since": since})

    assert response.status_code == 200
    assert response.json()["count"] == listed
    assert client.get("/articles/", {**query, "updated_since": since}).status_code == 200


def test_search_matches_title_summary_and_body(client, publish):
    by_title = publish("Nausea after chemotherapy", summary="Managing it.")
    by_summary = publish("Eating well", summary="Appetite loss and nausea during treatment.")
    by_body = publish("Sleep", summary="Rest.", body="Some patients feel nausea at night.")
    publish("Unrelated", summary="Nothing here.", body="Back pain only.")

    found = {r["slug"] for r in client.get(LIST, {"q": "nausea"}).json()["results"]}

    assert found == {by_title.slug, by_summary.slug, by_body.slug}


def test_search_needs_every_word(client, publish):
    both = publish("Nausea and fatigue")
    publish("Nausea alone")

    found = [r["slug"] for r in client.get(LIST, {"q": "nausea fatigue"}).json()["results"]]

    assert found == [both.slug]


# Detail --------------------------------------------------------------------------------------


def test_detail_has_everything_a_page_needs(client, published, reviewers):
    response = client.get(detail(published.slug))

    assert response.status_code == 200
    body = response.json()
    publication = Publication.objects.get(article=published)
    assert body["title"] == published.title and body["summary"] == published.summary
    assert '<sup class="citation" id="cite-1"><a href="#ref-1">1</a></sup>' in body["body_html"]
    assert body["status"] == "approved" and body["status_label"] == "Approved"
    assert body["audience"] == "patient" and body["topic"] == "oncology"
    assert [(r["name"], r["credentials"]) for r in body["reviewers"]] == [
        (member.display_name, member.credentials) for member in reviewers[:2]
    ]
    assert all(r["signed_at"] for r in body["reviewers"])
    assert body["authors"] == [{"name": published.authors.get().get_full_name()}]
    for field in ("created_at", "first_published_at", "last_modified_at", "last_reviewed_at"):
        assert body[field]
    assert body["next_review_due"] == publication.next_review_due.isoformat()
    assert [ref["number"] for ref in body["references"]] == [1, 2, 3]
    first, source = body["references"][0], published.citations.get(number=1).source
    assert (first["doi"], first["pmid"]) == (source.doi, source.pmid)
    assert first["formatted"].startswith(f"Will JS. {source.title}.")
    assert first["retracted"] is False
    assert body["notices"] == []
    assert body["url"] == f"http://testserver/articles/{published.slug}/"


def test_addresses_follow_the_script_prefix_of_each_request(client, published):
    # Mounted under a path (WSGI's SCRIPT_NAME, which the test client does not pass on), every
    # address carries that path; the next request at the root does not.
    set_script_prefix("/guide/")
    try:
        mounted = client.get(detail(published.slug)).json()
        listed = client.get(LIST).json()["results"][0]
    finally:
        set_script_prefix("/")
    cache.clear()  # the test client's paths leave the prefix out: the stored responses would match
    plain = client.get(detail(published.slug)).json()

    assert mounted["url"] == f"http://testserver/guide/articles/{published.slug}/"
    assert listed["url"] == mounted["url"]
    assert listed["api_url"] == f"http://testserver/guide/api/v1/articles/{published.slug}/"
    assert plain["url"] == f"http://testserver/articles/{published.slug}/"


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/html"])
def test_the_api_answers_json_whatever_the_client_accepts(client, published, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    for url in (LIST, detail(published.slug)):
        response = client.get(url, **headers)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json()


def test_other_methods_are_refused_in_json(client, published):
    for url in (LIST, detail(published.slug)):
        refused = client.post(url, {}, content_type="application/json")

        assert refused.status_code == 405
        assert refused["Allow"] == "GET, HEAD, OPTIONS"
        assert refused.json() == {"detail": 'Method "POST" not allowed.', "code": "method_not_allowed"}
        assert client.options(url).status_code == 200


def test_format_suffixes_are_drfs(client, published):
    assert client.get(f"/api/v1/articles/{published.slug}.json").json()["slug"] == published.slug
    assert client.get("/api/v1/articles.json").json()["count"] == 1
    assert client.get("/api/v1/articles/0.5/").status_code == 404


def test_refusals_carry_the_api_error_format(client, published):
    assert client.get(detail("unknown")).json() == {"detail": NOT_FOUND, "code": "not_found"}
    assert client.get(LIST, {"page": 99}).json() == {"detail": "Invalid page.", "code": "not_found"}
    invalid = client.get(LIST, {"audience": "everyone", "updated_since": "last tuesday"})
    assert invalid.status_code == 400
    assert set(invalid.json()) == {"audience", "updated_since"}
    assert all(isinstance(messages, list) for messages in invalid.json().values())


def test_unknown_and_never_approved_slugs_get_the_same_404(client, article, author, topic):
    submitted = states.submitted(
        factories.ArticleFactory(author=author, topic=topic, title="Pending"), author
    )

    unknown = client.get(detail("no-such-article"))
    draft = client.get(detail(article.slug))
    pending = client.get(detail(submitted.slug))

    assert unknown.status_code == draft.status_code == pending.status_code == 404
    assert unknown.content == draft.content == pending.content


def test_retracted_article_answers_410_with_its_notice(client, published, editor):
    workflow.retract(actor=editor, article=published, notice="The dosage table was wrong.")

    response = client.get(detail(published.slug))

    assert response.status_code == 410
    body = response.json()
    assert body["notice"] == "The dosage table was wrong."
    assert body["notices"][0]["kind"] == "retracted"
    assert body["title"] == published.title
    assert "body_html" not in body
    assert (
        response["Cache-Control"]
        == "public, max-age=300, s-maxage=86400, stale-while-revalidate=60, stale-if-error=86400"
    )


# Notices -------------------------------------------------------------------------------------


def test_a_source_retracted_after_review_shows_a_notice_and_the_flag(client, published):
    source = published.citations.get(number=2).source
    source.retracted_on = timezone.localdate()
    source.save()

    body = client.get(detail(published.slug)).json()

    [notice] = body["notices"]
    assert notice["kind"] == "retracted_source"
    assert "Reference 2" in notice["message"] and source.title in notice["message"]
    assert [ref["retracted"] for ref in body["references"]] == [False, True, False]


def test_a_retracted_source_is_found_when_its_key_and_doi_were_edited_since(client, published):
    source = published.citations.get(number=1).source
    source.key = "renamed2024"
    source.doi = "10.1000/corrected.1"
    source.retracted_on = timezone.localdate()
    source.save()

    body = client.get(detail(published.slug)).json()

    assert [n["kind"] for n in body["notices"]] == ["retracted_source"]
    assert body["references"][0]["retracted"] is True


def test_an_article_flagged_for_rereview_tells_readers_when_never_the_editors_reason(
    client, published, editor
):
    workflow.flag_for_rereview(actor=editor, article=published, reason="Note to the board: see [@pub1].")

    body = client.get(detail(published.slug)).json()

    assert body["status"] == "review_due" and body["status_label"] == "Under Re-review"
    [notice] = body["notices"]
    assert notice["kind"] == "review_overdue"
    assert "Note to the board" not in notice["message"] and "[@" not in notice["message"]
    assert notice["message"].startswith("Since ") and "reviewing this article again" in notice["message"]
    assert notice["date"] == timezone.localdate().isoformat()


def test_a_review_date_that_passed_makes_the_article_overdue(client, published, monkeypatch):
    due = Publication.objects.get(article=published).next_review_due
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + timedelta(days=1))

    body = client.get(detail(published.slug)).json()
    [listed] = client.get(LIST).json()["results"]

    assert body["status"] == "review_due" and listed["status"] == "review_due"
    assert [n["kind"] for n in body["notices"]] == ["review_overdue"]


def test_a_corrected_article_says_so_and_a_routine_rereview_does_not(
    client, published, author, editor, reviewers
):
    workflow.flag_for_rereview(actor=editor, article=published, reason="Yearly review.")
    workflow.start_review(actor=editor, article=published)
    states.approved(published, reviewers[:2])
    assert client.get(detail(published.slug)).json()["notices"] == []

    workflow.revise(actor=author, article=published)
    published.refresh_from_db()
    published.summary = "Corrected summary."
    from articles import services

    services.save_content(published, actor=author, reason="correct the summary")
    states.submitted(published, author)
    # Resubmitted: the previous reviewers are invited again and the round starts at once.
    states.approved(published, reviewers[:2])

    body = client.get(detail(published.slug)).json()
    assert body["summary"] == "Corrected summary." and body["version"] == 3
    assert [n["kind"] for n in body["notices"]] == ["correction"]


def test_the_output_has_exactly_the_documented_fields(client, published, editor):
    from public import serializers as s

    workflow.flag_for_rereview(actor=editor, article=published, reason="Yearly review.")
    listed = client.get(LIST).json()["results"][0]
    body = client.get(detail(published.slug)).json()

    assert set(listed) == set(s.PublicationListSerializer().fields)
    assert set(body) == set(s.PublicArticleSerializer().fields)
    for key, serializer in (
        ("authors", s.AuthorSerializer),
        ("reviewers", s.ReviewerSerializer),
        ("references", s.ReferenceSerializer),
        ("notices", s.NoticeSerializer),
    ):
        assert body[key], key
        assert all(set(item) == set(serializer().fields) for item in body[key]), key


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
@pytest.mark.parametrize(
    "moment", [datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 11, 21, 9, 5, 7, 123456, tzinfo=UTC)]
)
def test_public_times_are_written_exactly_as_drf_writes_them(zone, moment):
    from rest_framework.fields import DateTimeField

    from public.serializers import datetime_text

    with timezone.override(zone):
        assert datetime_text(moment, timezone.get_current_timezone()) == DateTimeField().to_representation(
            moment
        )


# Pagination links ------------------------------------------------------------------------------

query_values = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6)
query_names = st.sampled_from(
    ["page", "page_size", "q", "topic", "audience", "ordering", "a", "pag", "pagez", "zz"]
)


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(query_names, query_values), max_size=6),
    number=st.integers(1, 5),
    pages=st.integers(1, 5),
)
def test_page_links_are_the_ones_drf_writes(pairs, number, pages):
    request = Request(RequestFactory().get("/api/v1/articles/?" + urlencode(pairs)))
    rows = list(range(pages * 2))
    ours, drfs = PublicPagination(), PageNumberPagination()
    for pagination in (ours, drfs):
        pagination.request = request
        pagination.page = Paginator(rows, 2).page(min(number, pages))

    assert ours.get_next_link() == PageNumberPagination.get_next_link(drfs)
    assert ours.get_previous_link() == PageNumberPagination.get_previous_link(drfs)
