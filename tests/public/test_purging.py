"""A CDN in front can keep public answers long because every change purges exactly what it altered.

Each public response names its purge keys (``Surrogate-Key``, ``Cache-Tag``): its article, its
topic, every source it cites, the lists, the board. Each change queues, in its own transaction,
the keys of what it altered (``public.PurgeRequest``); the outbox sends them after it commits.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from articles import services
from articles.models import NoticeKind, PublicationDocument, SourceNotice
from public.models import PurgeRequest
from public.purging.backends import PurgeBackend
from reviews import retractions, workflow
from reviews.models import ReviewPolicy
from tests import states


class Recording(PurgeBackend):
    """A backend that only remembers what it was asked to purge."""

    purged: list[list[str]] = []

    def purge(self, keys):
        Recording.purged.append(sorted(keys))


@pytest.fixture
def purging(settings):
    settings.PUBLIC_PURGE_BACKENDS = [{"BACKEND": "tests.public.test_purging.Recording"}]
    Recording.purged = []
    return settings


def queued(since: int = 0) -> set[str]:
    return set(PurgeRequest.objects.filter(id__gt=since).values_list("key", flat=True))


def last_id() -> int:
    return PurgeRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0


def source_keys(article) -> list[str]:
    return [f"source-{c.source_id}" for c in article.citations.order_by("source_id")]


# What each response names --------------------------------------------------------------------


def test_an_article_names_its_article_topic_and_every_cited_source(client, published):
    expected = " ".join(["public", f"article-{published.pk}", "topic-oncology", *source_keys(published)])
    for url in (f"/api/v1/articles/{published.slug}/", f"/articles/{published.slug}/"):
        first, stored = client.get(url), client.get(url)
        assert first["Surrogate-Key"] == expected, url
        assert first["Cache-Tag"] == expected.replace(" ", ","), url
        # The response cache's copy names them too.
        assert stored["Surrogate-Key"] == expected, url


def test_a_retracted_article_names_its_keys(client, published, editor):
    workflow.retract(actor=editor, article=published, notice="The dosage table was wrong.")

    for url in (f"/api/v1/articles/{published.slug}/", f"/articles/{published.slug}/"):
        response = client.get(url)
        assert response.status_code == 410
        assert f"article-{published.pk}" in response["Surrogate-Key"].split(), url


@pytest.mark.parametrize(
    "url,keys",
    [
        ("/api/v1/articles/", "public articles"),
        ("/articles/", "public articles"),
        ("/api/v1/articles/?topic=oncology", "public articles topic-oncology"),
        ("/articles/?topic=oncology&page=1", "public articles topic-oncology"),
        ("/articles/?q=spasms", "public articles"),
        ("/feeds/articles.atom", "public articles"),
        ("/editorial-policy/", "public board"),
        ("/board/", "public board"),
    ],
)
def test_lists_the_feed_and_the_policy_name_their_keys(client, published, url, keys):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Surrogate-Key"] == keys


def test_a_board_member_page_names_the_board_and_the_lists(client, published, reviewers):
    response = client.get(f"/board/{reviewers[0].slug}/")

    assert response.status_code == 200
    assert response["Surrogate-Key"] == "public board articles"


def test_a_response_that_names_no_keys_is_not_kept_longer_by_shared_caches(client, published, settings):
    settings.PUBLIC_CACHE_KEY_HEADERS = []

    response = client.get(f"/articles/{published.slug}/")

    assert response["Cache-Control"] == "public, max-age=300, stale-while-revalidate=60, stale-if-error=86400"


def test_a_topic_that_is_not_a_slug_never_becomes_a_key(client, published):
    response = client.get("/articles/", {"topic": "x\r\nSet-Cookie: a=b"})

    assert response["Surrogate-Key"] == "public articles"


def test_the_headers_follow_the_setting(client, published, settings):
    settings.PUBLIC_CACHE_KEY_HEADERS = ["Surrogate-Key"]

    response = client.get("/articles/")

    assert response["Surrogate-Key"] == "public articles"
    assert not response.has_header("Cache-Tag")


def test_a_document_rendered_before_keys_were_stored_is_given_them(published):
    PublicationDocument.objects.update(cache_keys="")
    call_command("render_public_documents", "--no-progress", verbosity=0)

    assert PublicationDocument.objects.get().cache_keys.startswith(f"public article-{published.pk} ")


# Which change purges what --------------------------------------------------------------------


def test_nothing_is_queued_without_a_purge_backend(publish, editor):
    article = publish(references=1)
    workflow.retract(actor=editor, article=article, notice="Withdrawn.")

    assert not PurgeRequest.objects.exists()


def test_a_publication_purges_its_article_its_topic_and_the_lists(purging, publish):
    since = last_id()

    article = publish(references=2)

    assert queued(since) == {f"article-{article.pk}", "topic-oncology", "articles"}


def test_a_new_publication_in_another_topic_purges_both_topics(
    purging, publish, author, editor, reviewers, other_topic
):
    article = publish(references=1)
    article = workflow.revise(actor=author, article=article)
    article = services.article_update_content(actor=author, article=article, changes={"topic": other_topic})
    article = states.submitted(article, author)
    if article.status != "under_review":  # a resubmission starts review when its reviewers return
        workflow.start_review(actor=editor, article=article)
    since = last_id()
    states.approved(article, reviewers[:2])

    assert queued(since) >= {"topic-oncology", "topic-pharmacology", f"article-{article.pk}", "articles"}


def test_a_retraction_purges_the_article_and_the_lists(purging, publish, editor):
    article = publish(references=1)
    since = last_id()

    workflow.retract(actor=editor, article=article, notice="A dosing error.")

    assert queued(since) == {f"article-{article.pk}", "articles"}


def test_a_review_coming_due_purges_the_article_and_the_lists(purging, publish, editor):
    article = publish(references=1)
    since = last_id()

    workflow.flag_for_rereview(actor=editor, article=article, reason="New guideline.")

    assert queued(since) == {f"article-{article.pk}", "articles"}


def test_a_transition_of_an_unpublished_article_purges_nothing(purging, article, author):
    since = last_id()

    states.submitted(article, author)

    assert queued(since) == set()


def test_a_source_retraction_purges_the_source_and_the_articles_it_sends_back(purging, publish, editor):
    article = publish(references=2)
    source = article.citations.get(number=1).source
    since = last_id()

    retractions.retract_source(
        actor=editor,
        source=source,
        retracted_on=datetime.date(2026, 1, 5),
        notice="10.1000/n.1",
        reason="Fraud.",
    )

    assert queued(since) == {f"source-{source.pk}", f"article-{article.pk}", "articles"}


def test_a_notice_about_a_source_purges_the_source(purging, published):
    source = published.citations.get(number=2).source
    since = last_id()

    SourceNotice.objects.record(source=source, kind=NoticeKind.CORRECTION, notice="https://doi.org/10.1000/c")

    assert queued(since) == {f"source-{source.pk}"}


def test_a_source_change_purges_the_source_only_when_a_page_shows_it(purging, published):
    source = published.citations.get(number=1).source
    since = last_id()

    source.title = "A better title, shown nowhere while the source stands"
    source.save()
    assert queued(since) == set()

    source.retracted_on = datetime.date(2026, 2, 1)
    source.save()
    assert queued(since) == {f"source-{source.pk}"}
    since = last_id()

    source.title = "Now named in the retraction notice"
    source.save()
    assert queued(since) == {f"source-{source.pk}"}


def test_a_topic_change_purges_the_old_and_new_topic_and_the_board(purging, topic):
    topic.slug, topic.name = "medical-oncology", "Medical oncology"
    topic.save()

    assert queued() == {"topic-oncology", "topic-medical-oncology", "board"}


def test_board_changes_purge_the_board(purging, reviewers, other_topic):
    member = reviewers[0]
    since = last_id()
    member.credentials = "MD, PhD"
    member.save()
    assert queued(since) == {"board"}

    since = last_id()
    member.specialties.add(other_topic)
    assert queued(since) == {"board"}

    since = last_id()
    ReviewPolicy.objects.create(approvals_required=3)
    assert queued(since) == {"board"}


def test_a_change_that_rolls_back_owes_no_purge(purging, publish, editor):
    article = publish(references=1)
    since = last_id()

    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.retract(actor=editor, article=article, notice="A dosing error.")
        raise RuntimeError("the request failed after the retraction")

    assert queued(since) == set()


def test_queued_purges_are_sent_once_the_change_commits(
    purging, publish, editor, django_capture_on_commit_callbacks
):
    purging.PUBLIC_PURGE_DELAY = 0
    article = publish(references=1)
    PurgeRequest.objects.all().delete()
    Recording.purged = []

    with django_capture_on_commit_callbacks(execute=True):
        workflow.retract(actor=editor, article=article, notice="A dosing error.")

    assert Recording.purged == [sorted(["articles", f"article-{article.pk}"])]
    assert not PurgeRequest.objects.exists()


def test_where_pending_content_is_shown_an_edit_purges_its_page_and_the_lists(purging, article, author):
    purging.SHOW_PENDING_CONTENT = True
    since = last_id()

    services.article_update_content(actor=author, article=article, changes={"summary": "Reworded."})

    assert queued(since) == {f"article-{article.pk}", "articles"}


def test_the_outbox_is_in_the_back_office(admin_client, purging, published, editor):
    workflow.retract(actor=editor, article=published, notice="A dosing error.")

    page = admin_client.get("/admin/public/purgerequest/")

    assert page.status_code == 200
    assert f"article-{published.pk}".encode() in page.content


def test_audience_counterparts_purge_each_other(purging, publish, editor, author):
    patient = publish("Back pain: what helps", references=1, audience="patient")
    professional = publish("Low back pain: management", references=1, audience="professional")
    since = last_id()

    services.article_set_audience_counterpart(actor=editor, article=patient, counterpart=professional)
    assert queued(since) == {f"article-{patient.pk}", f"article-{professional.pk}"}

    since = last_id()
    workflow.retract(actor=editor, article=professional, notice="Withdrawn.")
    assert queued(since) == {f"article-{professional.pk}", f"article-{patient.pk}", "articles"}
