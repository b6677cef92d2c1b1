"""The public API's stored documents answer exactly what the serializers' declarations render.

``PublicArticleSerializer`` and ``PublicationListSerializer``, run field by field by DRF, are the
reference here. The API answers instead from what was stored at publication with the live fields
appended (``public.documents``): an article's document, and each list row's. The two
must be the same bytes for every kind of article, with or without stored documents, in any time
zone and for any content.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import fields as dataclass_fields
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.request import Request

from articles import services
from articles.models import Publication, PublicationDocument
from public import documents, notices, publications
from public import listing as public_listing
from public.api import PublicPagination
from public.serializers import PublicArticleSerializer, PublicationListSerializer
from reviews import workflow
from tests import states


def detail(slug: str) -> str:
    return f"/api/v1/articles/{slug}/"


def reference_answer(slug: str) -> bytes:
    """What DRF renders from the serializer's declaration for the article at ``slug``."""
    request = RequestFactory().get(detail(slug))
    article = publications.public_article(slug)
    return documents.render_json(PublicArticleSerializer(article, context={"request": request}).data)


def current_document(article) -> PublicationDocument:
    return PublicationDocument.objects.get(
        publication__article=article, publication__superseded_at__isnull=True
    )


LIST = "/api/v1/articles/"


def reference_list_answer(query: dict) -> bytes:
    """What DRF renders for the list page ``query`` asks for, from the list serializer's declaration."""
    request = RequestFactory().get(LIST, query)
    pagination = PublicPagination()
    filterset = public_listing.PublicationFilter(request.GET, queryset=public_listing.listed_publications())
    rows = pagination.paginate_queryset(filterset.listing(), Request(request))
    for row in rows:
        row.public_status = notices.public_status(row)
    data = PublicationListSerializer(rows, many=True, context={"request": request}).data
    return documents.render_json(pagination.get_paginated_response(data).data)


def test_publishing_stores_the_document_in_the_current_format(published):
    document = current_document(published)

    assert document.format == documents.document_format()
    assert document.json == documents.render_document(document.publication)
    assert document.list_row == documents.render_list_row(document.publication)


def test_the_answer_is_the_stored_document_and_the_live_fields(client, published):
    response = client.get(detail(published.slug))

    assert response.content == reference_answer(published.slug)


def test_a_stored_document_is_what_is_served(client, published):
    # Proof that the answer comes from the stored row: edit it behind the publication's back.
    document = current_document(published)
    document.json = document.json.replace(published.title, "Rendered at publication")
    document.save()

    assert client.get(detail(published.slug)).json()["title"] == "Rendered at publication"


def test_a_document_of_another_format_is_never_served(client, published, django_assert_num_queries):
    document = current_document(published)
    document.json = document.json.replace(published.title, "Rendered by older code")
    document.format = "older-code"
    document.save()

    with django_assert_num_queries(2):  # the article, then its publication to render the snapshot
        response = client.get(detail(published.slug))

    assert response.json()["title"] == published.title
    assert response.content == reference_answer(published.slug)


def test_without_a_document_the_snapshot_is_rendered_per_request(
    client, published, django_assert_num_queries
):
    PublicationDocument.objects.all().delete()

    # The publication and its facts, its snapshot, and its purge keys (stored with the document).
    with django_assert_num_queries(3):
        response = client.get(detail(published.slug))

    assert response.content == reference_answer(published.slug)
    assert not PublicationDocument.objects.exists()  # a read never writes


def test_a_document_is_rendered_in_the_time_zone_it_is_served_in(client, published):
    with override_settings(TIME_ZONE="America/New_York"):
        assert documents.document_format() != current_document(published).format
        body = client.get(detail(published.slug)).json()
        assert body["created_at"].endswith("-05:00") or body["created_at"].endswith("-04:00")
        assert client.get(detail(published.slug)).content == reference_answer(published.slug)


@pytest.mark.parametrize(
    "kind", ["corrected", "flagged", "overdue", "retracted source", "two retracted sources"]
)
def test_every_kind_of_live_article_answers_as_the_declaration_renders(
    client, published, author, editor, reviewers, monkeypatch, kind
):
    if kind == "corrected":
        workflow.revise(actor=author, article=published)
        published.refresh_from_db()
        published.body += "\nA corrected sentence.\n"
        services.save_content(published, actor=author, reason="correct the body")
        states.submitted(published, author)
        # Resubmitted: the previous reviewers are invited again and the round starts at once.
        states.approved(published, reviewers[:2])
    elif kind == "flagged":
        workflow.flag_for_rereview(actor=editor, article=published, reason="A new guideline.")
    elif kind == "overdue":
        due = Publication.objects.get(article=published).next_review_due
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: due + timedelta(days=1))
    else:
        for citation in published.citations.order_by("number")[: 2 if kind.startswith("two") else 1]:
            citation.source.retracted_on = timezone.localdate()
            citation.source.save()

    body = client.get(detail(published.slug))

    assert body.content == reference_answer(published.slug)
    assert body.json()["notices"]


# The list's rows ------------------------------------------------------------------------------


@pytest.fixture
def listed(publish, editor):
    """Five live articles, one of them flagged for review."""
    articles = [publish(f"Listed {n}", references=1) for n in range(5)]
    workflow.flag_for_rereview(actor=editor, article=articles[1], reason="A new guideline.")
    return articles


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page_size": 2, "page": 2},
        {"ordering": "title", "page_size": 3},
        {"audience": "patient", "page_size": 100},
    ],
)
def test_the_list_answers_as_the_declaration_renders(client, listed, query):
    response = client.get(LIST, query)

    assert response.content == reference_list_answer(query)


def test_overdue_and_flagged_rows_answer_as_the_declaration_renders(client, listed, monkeypatch):
    due = Publication.objects.get(article=listed[0]).next_review_due
    for today, statuses in ((due, {"approved", "review_due"}), (due + timedelta(days=1), {"review_due"})):
        monkeypatch.setattr(timezone, "localdate", lambda *args, today=today, **kwargs: today)
        cache.clear()  # the response cache keeps the day's answer until it expires
        response = client.get(LIST)

        assert response.content == reference_list_answer({})
        assert {row["status"] for row in response.json()["results"]} == statuses


def test_a_stored_list_row_is_what_is_listed(client, listed):
    PublicationDocument.objects.filter(publication__article=listed[3]).update(
        list_row=current_document(listed[3]).list_row.replace("Listed 3", "Rendered at publication")
    )

    titles = [row["title"] for row in client.get(LIST).json()["results"]]

    assert "Rendered at publication" in titles and "Listed 3" not in titles


def test_list_rows_missing_or_of_another_format_are_rendered_per_request(
    client, listed, django_assert_num_queries
):
    PublicationDocument.objects.filter(publication__article=listed[0]).delete()
    PublicationDocument.objects.filter(publication__article=listed[1]).update(
        format="older-code", list_row='{"title":"Rendered by older code"}'
    )

    with django_assert_num_queries(1):
        response = client.get(LIST)

    assert response.content == reference_list_answer({})
    assert PublicationDocument.objects.count() == 4  # a read never writes


def test_list_rows_are_rendered_in_the_time_zone_they_are_served_in(client, listed):
    with override_settings(TIME_ZONE="Asia/Kolkata"):
        body = client.get(LIST).json()
        assert all(row["last_reviewed_at"].endswith("+05:30") for row in body["results"])
        assert client.get(LIST).content == reference_list_answer({})


def test_a_new_approval_replaces_the_document(published, author, editor, reviewers):
    first = current_document(published).publication_id
    workflow.flag_for_rereview(actor=editor, article=published, reason="Yearly review.")
    workflow.start_review(actor=editor, article=published)
    states.approved(published, reviewers[:2])

    assert list(PublicationDocument.objects.values_list("publication_id", flat=True)) == [
        Publication.objects.current().get(article=published).pk
    ]
    assert current_document(published).publication_id != first


# render_public_documents -----------------------------------------------------------------------


def render_command(*args) -> str:
    out = io.StringIO()
    call_command("render_public_documents", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_the_command_renders_missing_and_stale_documents_only(publish):
    missing, stale, current = (publish(f"Article {n}", references=1) for n in range(3))
    PublicationDocument.objects.filter(publication__article=missing).delete()
    PublicationDocument.objects.filter(publication__article=stale).update(format="older-code", json="{}")
    untouched = current_document(current).rendered_at

    assert "Rendered 2 document(s)" in render_command()

    for article in (missing, stale, current):
        document = current_document(article)
        assert document.format == documents.document_format()
        assert document.json == documents.render_document(document.publication)
        assert document.list_row == documents.render_list_row(document.publication)
    assert current_document(current).rendered_at == untouched
    assert "Rendered 0 document(s)" in render_command()


def test_the_command_renders_every_document_again_when_asked(publish):
    publish("One")
    publish("Two")

    assert "Rendered 2 document(s)" in render_command("--all")


def test_the_command_refuses_an_empty_batch(published):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        render_command("--batch-size", "0")


# Any content -----------------------------------------------------------------------------------

# Text a JSON encoder must escape or may mangle: quotes, backslashes, controls, the line
# separators DRF escapes, astral characters, HTML.
awkward_text = st.lists(
    st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=8),
        st.sampled_from(['"', "\\", "\u2028", "\u2029", "</script>", "\x00", "😷"]),
    ),
    max_size=6,
).map("".join)
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC))


@st.composite
def published_pages(draw):
    numbers = range(1, draw(st.integers(0, 6)) + 1)
    references = [
        {
            "number": n,
            "key": f"k{n}",
            "formatted": draw(awkward_text),
            "formatted_html": draw(awkward_text),
            "doi": draw(awkward_text),
            "pmid": draw(st.from_regex(r"\A[0-9]{0,8}\Z")),
            "url": draw(awkward_text),
            "retracted": draw(st.booleans()),
        }
        for n in numbers
    ]
    return publications.PublishedPage(
        id=draw(st.integers(1, 10**6)),
        slug=draw(st.from_regex(r"\A[a-z0-9-]{1,30}\Z")),
        title=draw(awkward_text),
        approved_at=draw(moments),
        first_published_at=draw(moments),
        last_modified_at=draw(moments),
        next_review_due=draw(st.dates(min_value=date(2000, 1, 1))),
        cites_retracted_source=False,
        article_status="approved",
        review_due_reason="",
        review_due_since=None,
        article_updated_at=draw(moments),
        retraction_notice="",
        retracted_at=None,
        cache_keys=None,
        counterpart_slug=draw(st.sampled_from([None, "the-other-version"])),
        counterpart_audience="professional",
        own_audience="patient",
        article_id=1,
        version=draw(st.integers(1, 99)),
        summary=draw(awkward_text),
        body_html=draw(awkward_text),
        audience=draw(st.sampled_from(["patient", "professional"])),
        topic_name=draw(awkward_text),
        topic_slug=draw(st.from_regex(r"\A[a-z-]{1,20}\Z")),
        authors=[{"name": draw(awkward_text)} for _ in range(draw(st.integers(0, 3)))],
        reviewers=[
            {
                "name": draw(awkward_text),
                "credentials": draw(awkward_text),
                "specialties": draw(st.lists(awkward_text, max_size=2)),
                "signed_at": draw(moments).isoformat(),
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
        references=references,
        created_at=draw(moments),
        last_reviewed_at=draw(moments),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=published_pages(),
    status=st.sampled_from(list(notices.PublicStatus.LABELS)),
    notices=st.lists(
        st.builds(
            notices.Notice, st.sampled_from(notices.Notice.KINDS), awkward_text, st.none() | st.dates()
        ),
        max_size=3,
    ),
    retracted_numbers=st.sets(st.integers(1, 6), max_size=3),
    zone=st.sampled_from(["UTC", "Europe/Paris", "Asia/Kolkata"]),
)
def test_any_content_answers_as_the_declaration_renders(page, status, notices, retracted_numbers, zone):
    retracted = [
        publications.RetractedSource(
            ref["number"], "A source", date(2026, 1, 1), datetime(2026, 1, 1, tzinfo=UTC)
        )
        for ref in page.references
        if ref["number"] in retracted_numbers
    ]
    request = RequestFactory().get(detail(page.slug))
    with timezone.override(zone):
        stored = publications.StoredArticle(
            **{
                field.name: getattr(page, field.name)
                for field in dataclass_fields(publications.PublicationFacts)
            },
            document=documents.render_document(page),
        )
        answered = publications.PublicArticle(stored, status, notices, retracted, page.approved_at)
        declared = publications.PublicArticle(page, status, notices, retracted, page.approved_at)

        assert documents.article_json(answered, request) == documents.render_json(
            PublicArticleSerializer(declared, context={"request": request}).data
        )


@st.composite
def listed_rows(draw):
    return public_listing.ListRow(
        id=draw(st.integers(1, 10**6)),
        slug=draw(st.from_regex(r"\A[-a-zA-Z0-9_]{1,50}\Z")),  # a SlugField's alphabet
        title=draw(awkward_text),
        summary=draw(awkward_text),
        audience=draw(st.sampled_from(["patient", "professional"])),
        topic_slug=draw(st.from_regex(r"\A[a-z-]{1,20}\Z")),
        topic_name=draw(awkward_text),
        approved_at=draw(moments),
        last_reviewed_at=draw(moments),
        next_review_due=draw(st.dates(min_value=date(2000, 1, 1))),
        article_status="approved",
        review_due_reason="",
        article_updated_at=draw(moments),
        public_status=draw(st.sampled_from(list(notices.PublicStatus.LABELS))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(listed_rows(), max_size=4),
    stored=st.lists(st.booleans(), min_size=4, max_size=4),
    count=st.integers(0, 10**6),
    zone=st.sampled_from(["UTC", "Europe/Paris", "Asia/Kolkata"]),
)
def test_any_list_rows_answer_as_the_declaration_renders(rows, stored, count, zone):
    request = RequestFactory().get(LIST, {"page": 2})
    envelope = {"count": count, "next": f"http://testserver{LIST}?page=3", "previous": None}
    with timezone.override(zone):
        for row, keep in zip(rows, stored, strict=False):
            row.stored_row = documents.render_list_row(row) if keep else None
        declared = PublicationListSerializer(rows, many=True, context={"request": request}).data

        answered = documents.ListAnswer(request).render({**envelope, "results": []}, rows)

        assert answered == documents.render_json({**envelope, "results": declared})


# What a fixed publication's stored documents hash to, by ``documents.DOCUMENT_VERSION``. A change
# to what a document holds must come with a new version (documents of the old one are then
# rendered again, never served): bump it, run this test, and record the digest it names.
DOCUMENT_DIGESTS = {1: "7a4db62f16227c4f", 2: "3c6f99bd882725a5"}


@override_settings(TIME_ZONE="UTC")
def test_a_change_to_what_a_document_holds_comes_with_a_new_version():
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    publication = Publication(
        id=7,
        version=2,
        slug="back-pain",
        title="Back pain <and> “quotes”",
        summary="What helps.",
        body="Heat helps [@will2018].",
        body_html='<p>Heat helps<sup class="citation"><a href="#ref-1">1</a></sup>.</p>',
        audience="patient",
        topic_name="Oncology",
        topic_slug="oncology",
        authors=[{"name": "Alice Author"}],
        reviewers=[{"name": "Dr. Baker", "credentials": "MD", "specialties": ["Oncology"], "signed_at": "x"}],
        references=[{"number": 1, "formatted": "Will JS. Back pain.", "doi": "10.1/x", "retracted": False}],
        created_at=moment,
        first_published_at=moment,
        last_modified_at=moment,
        last_reviewed_at=moment,
        approved_at=moment,
        next_review_due=date(2027, 3, 1),
    )

    rendered = documents.render_document(publication) + documents.render_list_row(publication)
    digest = hashlib.sha256(rendered.encode()).hexdigest()[:16]

    assert DOCUMENT_DIGESTS.get(documents.DOCUMENT_VERSION) == digest, (
        f"The stored documents now render differently: set DOCUMENT_VERSION to a new number and "
        f"record {digest!r} for it in DOCUMENT_DIGESTS."
    )
