"""Authors draft with a live preview and citation check, submit, answer comments and revise."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from django.urls import reverse

from articles.library.bibliography import render_with_sources
from articles.models import Article, Status
from public.views import reference_list
from reviews import workflow
from tests import factories, states

pytestmark = pytest.mark.django_db


def article_data(specialty, **overrides):
    data = {
        "title": "Heat for back spasms",
        "summary": "What helps.",
        "audience": "patient",
        "topic": specialty.pk,
        "body": "Heat helps [@will2018].",
    }
    return {**data, **overrides}


def test_creating_a_draft_goes_through_the_service(author_client, author, topic, sources):
    response = author_client.post(
        reverse("editorial:article_create"),
        {**article_data(topic), "attached_sources": [sources[0].pk, sources[1].pk]},
    )

    article = Article.objects.get(title="Heat for back spasms")
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:article_edit", args=[article.pk])
    assert list(article.authors.all()) == [author]
    assert set(article.attached_sources.all()) == set(sources)
    assert [c.source.key for c in article.citations.all()] == ["will2018"]
    assert article.history.earliest().history_change_reason == "draft created"


def test_the_form_shows_errors_next_to_the_fields(author_client, topic):
    response = author_client.post(
        reverse("editorial:article_create"), article_data(topic, title="", topic="")
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_title_error"' in content
    assert 'aria-invalid="true"' in content
    assert not Article.objects.exists()


def test_a_reader_without_the_author_role_cannot_draft(client, db):
    client.force_login(factories.UserFactory())

    response = client.get(reverse("editorial:article_create"))

    assert response.status_code == 403
    assert b"You may not create articles." in response.content


def test_the_edit_page_renders_the_preview_and_the_check(author_client, cited_article):
    response = author_client.get(reverse("editorial:article_edit", args=[cited_article.pk]))

    content = response.content.decode()
    assert '<sup class="citation" id="cite-1"><a href="#ref-1">1</a></sup>' in content
    assert '<li id="ref-2" value="2">' in content
    assert "2 sources cited" in content
    assert f'name="content_hash" value="{cited_article.content_hash}"' in content


def test_the_preview_renders_exactly_what_the_public_page_renders(author_client, cited_article, sources):
    body = "Heat [@nice2020] and rest [@will2018; @nice2020]."
    response = author_client.post(
        reverse("editorial:article_preview", args=[cited_article.pk]),
        {"title": "T", "body": body},
        HTTP_HX_REQUEST="true",
    )

    rendered = render_with_sources(body, [sources[1], sources[0]])
    content = response.content.decode()
    assert rendered.html in content
    assert reference_list([asdict(ref) for ref in rendered.references]) in content
    assert content.count("doi:10.1000/nice.2020") == 1  # the AMA text links it; no second link
    assert 'hx-swap-oob="true"' in content


def test_the_preview_reports_citation_errors_and_warnings(author_client, topic, sources):
    factories.SourceFactory(key="old2001", title="Withdrawn trial", retracted_on="2020-01-01")
    response = author_client.post(
        reverse("editorial:article_preview"),
        {"body": "Claims [@nobody2020] and [@old2001].", "attached_sources": [sources[0].pk]},
        HTTP_HX_REQUEST="true",
    )

    content = response.content.decode()
    assert "Unknown citation key [@nobody2020]." in content
    assert "[@old2001] cites a retracted source: Withdrawn trial." in content
    assert "Source [@will2018] is attached but never cited." in content
    assert "Retracted" in content  # the badge in the reference list


def test_saving_edits_keeps_the_history(author_client, cited_article, topic):
    url = reverse("editorial:article_edit", args=[cited_article.pk])
    response = author_client.post(
        url, {**article_data(topic), "content_hash": cited_article.content_hash, "action": "save"}
    )

    assert response.status_code == 302
    cited_article.refresh_from_db()
    assert cited_article.title == "Heat for back spasms"
    assert cited_article.history.latest().history_change_reason.startswith("edited:")


def test_a_save_based_on_an_older_version_is_refused_and_keeps_the_text(
    author_client, cited_article, coauthor, topic
):
    cited_article.authors.add(coauthor)
    stale_hash = cited_article.content_hash
    from articles import services

    services.article_update_content(
        actor=coauthor, article=cited_article, changes={"body": "Co-author's text."}
    )

    response = author_client.post(
        reverse("editorial:article_edit", args=[cited_article.pk]),
        {**article_data(topic, body="My own text."), "content_hash": stale_hash},
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert "changed by someone else since you loaded it" in content
    assert "My own text." in content
    cited_article.refresh_from_db()
    assert cited_article.body == "Co-author's text."


def test_an_article_under_review_cannot_be_edited(author_client, under_review):
    response = author_client.get(reverse("editorial:article_edit", args=[under_review.pk]))

    assert response.status_code == 409
    assert b"only be edited in Draft or Changes Requested" in response.content
    assert b"Traceback" not in response.content


def test_someone_elses_draft_is_not_found(client, article, db):
    client.force_login(factories.AuthorFactory(username="mallory"))

    assert client.get(reverse("editorial:article_edit", args=[article.pk])).status_code == 404
    assert client.get(reverse("editorial:article", args=[article.pk])).status_code == 404


def test_save_and_submit(author_client, cited_article, topic):
    response = author_client.post(
        reverse("editorial:article_edit", args=[cited_article.pk]),
        {
            **article_data(topic, body=cited_article.body),
            "content_hash": cited_article.content_hash,
            "action": "submit",
        },
        follow=True,
    )

    cited_article.refresh_from_db()
    assert cited_article.status == Status.SUBMITTED
    assert response.redirect_chain[-1][0] == reverse("editorial:article", args=[cited_article.pk])
    assert "Submitted for review" in response.content.decode()


def test_submitting_with_citation_errors_sends_the_author_back_to_the_text(author_client, author, topic):
    draft = factories.ArticleFactory(author=author, topic=topic, body="Unproven [@ghost2021].")

    response = author_client.post(reverse("editorial:article_submit", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert response.redirect_chain[-1][0] == reverse("editorial:article_edit", args=[draft.pk])
    content = response.content.decode()
    assert "Not submitted: fix the citation errors" in content
    assert "Unknown citation key [@ghost2021]." in content


def test_submit_warnings_are_shown(author_client, cited_article, author):
    extra = factories.SourceFactory(key="spare2019")
    cited_article.attached_sources.add(extra)

    response = author_client.post(reverse("editorial:article_submit", args=[cited_article.pk]), follow=True)

    assert "Source [@spare2019] is attached but never cited." in response.content.decode()


def test_the_decision_letter_and_forwarded_comments_are_shown_beside_the_draft(
    author_client, under_review, reviewers, editor
):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Kept for the board.")
    states.changes_requested(
        under_review,
        editor,
        reviewers[1],
        comments="Give the dose in mg.",
        letter="Please revise the dosing.",
    )

    response = author_client.get(reverse("editorial:article_edit", args=[under_review.pk]))

    content = response.content.decode()
    assert "Decision letter" in content and "Please revise the dosing." in content
    assert "Give the dose in mg." in content
    assert reviewers[1].user.get_full_name() in content


def test_revising_an_approved_article_opens_a_new_draft(author_client, approved):
    response = author_client.post(
        reverse("editorial:article_revise", args=[approved.pk]), {"comment": "new data"}
    )

    approved.refresh_from_db()
    assert approved.status == Status.DRAFT
    assert response["Location"] == reverse("editorial:article_edit", args=[approved.pk])
    assert approved.transition_log.last().comment == "new data"


def test_revising_a_draft_is_a_readable_conflict(author_client, article):
    response = author_client.post(reverse("editorial:article_revise", args=[article.pk]))

    assert response.status_code == 409
    assert b"Cannot revise: the article is Draft." in response.content


def test_the_article_page_offers_exactly_the_allowed_actions(author_client, author, topic, approved):
    article = factories.ArticleFactory(author=author, topic=topic, title="Another draft")
    draft_page = author_client.get(reverse("editorial:article", args=[article.pk])).content.decode()
    approved_page = author_client.get(reverse("editorial:article", args=[approved.pk])).content.decode()

    assert workflow.available_actions(author, article) == ["edit", "submit"]
    assert "Submit for review" in draft_page and "Start a revision" not in draft_page
    assert workflow.available_actions(author, approved) == ["revise"]
    assert "Start a revision" in approved_page and "Submit for review" not in approved_page
