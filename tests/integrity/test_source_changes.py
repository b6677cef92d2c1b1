"""Sources cited beyond drafting are the editors'; an editor's change voids the sign-offs on it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from articles import roles
from articles.library import sources as library
from articles.models import Publication, Source, Status
from reviews import quorum
from reviews.models import AuditEntry, AuditKind, Notification, NotificationKind, RoundStatus
from tests import factories, states

pytestmark = pytest.mark.django_db

BODY = "Spasms are common [@will2018]."


@pytest.fixture
def source(db):
    return factories.SourceFactory(key="will2018", url="https://example.org/will")


@pytest.fixture
def citing(author, topic, source):
    return factories.ArticleFactory(author=author, topic=topic, body=BODY)


@pytest.fixture
def reviewing(citing, author, editor, reviewers):
    return states.under_review(states.submitted(citing, author), editor, reviewers[:2])


def test_an_author_edits_a_source_only_drafts_cite(citing, author, source):
    assert roles.can_edit_source(author, source)

    library.source_update(actor=author, source=source, changes={"title": "Corrected title"})

    source.refresh_from_db()
    assert source.title == "Corrected title"


def test_another_author_cannot_rewrite_a_source_cited_under_review(reviewing, coauthor, source, reviewers):
    """The report of issue 19: bob PATCHed the source of alice's article after one approval."""
    states.sign(reviewing, reviewers[0])
    client = APIClient()
    client.force_authenticate(coauthor)

    response = client.patch(
        f"/api/v1/editorial/sources/{source.pk}/",
        {"title": "Bob's text", "url": "https://bob.example/"},
        format="json",
    )

    assert response.status_code == 403
    source.refresh_from_db()
    assert (source.title, source.url) != ("Bob's text", "https://bob.example/")
    assert not roles.can_edit_source(coauthor, source)


def test_even_the_articles_author_cannot_once_it_left_drafting(reviewing, author, source):
    with pytest.raises(PermissionDenied):
        library.source_update(actor=author, source=source, changes={"title": "Mine"})


def test_an_editors_change_voids_the_signoffs_under_review(reviewing, editor, source, reviewers):
    states.sign(reviewing, reviewers[0])
    first_round = reviewing.review_rounds.get()
    before = reviewing.content_hash

    library.source_update(actor=editor, source=source, changes={"url": "https://example.org/fixed"})

    reviewing.refresh_from_db()
    assert reviewing.status == Status.UNDER_REVIEW
    assert reviewing.content_hash != before
    assert quorum.quorum_for(reviewing).approvals == 0
    first_round.refresh_from_db()
    assert first_round.status == RoundStatus.CANCELLED
    new_round = reviewing.review_rounds.get(status=RoundStatus.IN_PROGRESS)
    assert {a.reviewer for a in new_round.assignments.all()} == set(reviewers[:2])
    told = Notification.objects.filter(kind=NotificationKind.SOURCE_CHANGED, article=reviewing)
    assert {n.recipient for n in told} == {r.user for r in reviewers[:2]}
    payload = told.first().payload
    assert payload["source"] == "will2018"
    assert payload["changes"] == {"url": ["https://example.org/will", "https://example.org/fixed"]}
    assert AuditEntry.objects.filter(article=reviewing, kind=AuditKind.SOURCE_CHANGE).count() == 1
    # The reviewers can sign the new content, and then it is approved.
    states.sign(reviewing, reviewers[0])
    result = states.sign(reviewing, reviewers[1])
    assert result.article.status == Status.APPROVED


def test_an_editors_change_flags_approved_articles_and_leaves_the_publication_as_signed(
    citing, author, editor, reviewers, source
):
    article = states.approved(
        states.under_review(states.submitted(citing, author), editor, reviewers[:2]), reviewers[:2]
    )
    publication = Publication.objects.get(article=article)
    public_before = APIClient().get(f"/api/v1/articles/{article.slug}/").json()

    library.source_update(actor=editor, source=source, changes={"title": "A corrected title"})

    flagged = Notification.objects.get(kind=NotificationKind.SOURCE_CHANGED, article=article)
    assert flagged.recipient == editor
    assert flagged.payload["since_review"] is True
    fresh = Publication.objects.get(pk=publication.pk)
    assert (fresh.content_hash, fresh.body_html, fresh.references) == (
        publication.content_hash,
        publication.body_html,
        publication.references,
    )
    public_after = APIClient().get(f"/api/v1/articles/{article.slug}/").json()
    assert public_after["references"] == public_before["references"]
    assert "A corrected title" not in str(public_after["references"])


def test_a_source_keeps_its_history(citing, author, editor, source):
    library.source_update(actor=author, source=source, changes={"title": "First fix"})

    latest = Source.history.filter(id=source.pk).latest()

    assert latest.history_user == author
    assert latest.title == "First fix"
    assert latest.history_change_reason == "edited: title"
    assert latest.history_date is not None
