"""Review rounds in the web app: the decision page, comments on passages, answering the letter,
the deliberate retraction and the editor's articles page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from reviews import review_form, workflow
from reviews.models import Comment, ReviewPolicy, RoundDecision, SignOff
from tests import factories, states
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_decision_page_shows_recommendations_forms_and_comments(
    editor_client, under_review, reviewers, topic
):
    items = review_form.add_default_checklist(ReviewPolicy.objects.create(specialty=topic))
    workflow.recommend(
        actor=reviewers[0].user,
        article=under_review,
        decision="request_changes",
        comments="Dose is wrong.",
        attestation=True,
        conflict_of_interest=False,
        password=states.PASSWORD,
        form={str(items[0].pk): {"answer": "no", "note": "Not the cited dose."}},
    )
    workflow.add_comment(
        actor=reviewers[1].user, article=under_review, body="Which trial?", quote={"exact": "Back spasms"}
    )

    content = editor_client.get(reverse("editorial:decision", args=[under_review.pk])).content.decode()

    assert "Dose is wrong." in content and "Which trial?" in content
    assert items[0].question in content and "Not the cited dose." in content
    assert "Record the decision" in content


def test_the_editor_requests_changes_with_a_letter_on_the_decision_page(
    editor_client, under_review, reviewers, author
):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Dose is wrong.")
    thread = Comment.objects.get()
    url = reverse("editorial:decision", args=[under_review.pk])

    missing = editor_client.post(url, {"decision": "request_changes", "letter": ""})
    assert missing.status_code == 400 and "Write the decision letter" in missing.content.decode()

    done = editor_client.post(
        url,
        {
            "decision": "request_changes",
            "letter": "Fix the dose.",
            "forward": [thread.pk],
            "password": states.PASSWORD,
        },
    )
    assert done.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == Status.CHANGES_REQUESTED
    assert list(RoundDecision.objects.get().forwarded.all()) == [thread]


def test_only_editors_open_the_decision_page(under_review, reviewers, author):
    for user in (reviewers[0].user, author):
        response = client_for(user).get(reverse("editorial:decision", args=[under_review.pk]))
        assert response.status_code == 403


def test_a_reviewer_comments_on_a_passage_replies_and_resolves(reviewer_clients, under_review, reviewers):
    client = reviewer_clients[0]
    response = client.post(
        reverse("editorial:comment_create", args=[under_review.pk]),
        {"body": "How common?", "exact": "common during chemotherapy", "prefix": "are ", "next": "review"},
    )
    assert response["Location"] == reverse("editorial:review", args=[under_review.pk])
    thread = Comment.objects.get()
    assert thread.quote_exact == "common during chemotherapy" and thread.quote_prefix == "are "

    reviewer_clients[1].post(
        reverse("editorial:comment_reply", args=[under_review.pk, thread.pk]), {"body": "One in three."}
    )
    client.post(reverse("editorial:comment_resolve", args=[under_review.pk, thread.pk]))
    thread.refresh_from_db()
    assert thread.resolved_at is not None
    page = reviewer_clients[1].get(reverse("editorial:review", args=[under_review.pk])).content.decode()
    assert "One in three." in page and "Resolved" in page


def test_the_editor_quotes_a_passage_from_the_decision_page(editor_client, editor, under_review):
    url = reverse("editorial:decision", args=[under_review.pk])
    page = editor_client.get(url).content.decode()
    assert "data-quotable" in page and 'name="exact"' in page

    response = editor_client.post(
        reverse("editorial:comment_create", args=[under_review.pk]),
        {"body": "Cite the trial here.", "exact": "common during chemotherapy", "next": "decision"},
    )

    assert response["Location"] == url
    thread = Comment.objects.get()
    assert (thread.author, thread.quote_exact) == (editor, "common during chemotherapy")
    assert "Cite the trial here." in editor_client.get(url).content.decode()


def test_a_quote_not_in_the_article_is_refused_by_name(reviewer_clients, under_review):
    response = reviewer_clients[0].post(
        reverse("editorial:comment_create", args=[under_review.pk]),
        {"body": "?", "exact": "never written", "next": "review"},
        follow=True,
    )
    assert "is not in revision" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_author_answers_each_forwarded_comment_to_resubmit(
    author_client, under_review, reviewers, editor
):
    states.changes_requested(under_review, editor, reviewers[0], comments="Dose is wrong.", letter="Revise.")
    thread = Comment.objects.get()
    url = reverse("editorial:article_submit", args=[under_review.pk])

    page = author_client.get(reverse("editorial:article", args=[under_review.pk])).content.decode()
    assert "Decision letter" in page and "Dose is wrong." in page and f'name="reply_{thread.pk}"' in page
    refused = author_client.post(url, {"comment": ""})
    assert (
        refused.status_code == 400 and "Answer this comment before you resubmit." in refused.content.decode()
    )

    author_client.post(url, {f"reply_{thread.pk}": "Corrected to 5 mg.", f"resolved_{thread.pk}": "on"})
    under_review.refresh_from_db()
    assert under_review.status == Status.UNDER_REVIEW  # round two started with the same reviewers
    reviewer_page = client_for(reviewers[0].user).get(reverse("editorial:review", args=[under_review.pk]))
    assert "Corrected to 5 mg." in reviewer_page.content.decode()


def test_retraction_asks_for_the_notice_and_the_title_typed_again(editor_client, approved):
    url = reverse("editorial:retract", args=[approved.pk])
    page = editor_client.get(url).content.decode()
    assert "410 Gone" in page and "are notified" in page

    wrong = editor_client.post(url, {"notice": "Withdrawn.", "title": "Back spasms"})
    assert wrong.status_code == 400 and "type it exactly" in wrong.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED

    done = editor_client.post(url, {"notice": "Withdrawn.", "title": f"  {approved.title} "})
    assert done.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.RETRACTED
    assert approved.authors.first().notifications.filter(kind="retracted").exists()


def test_the_article_page_links_to_the_retraction_page_instead_of_retracting(editor_client, approved):
    page = editor_client.get(reverse("editorial:article", args=[approved.pk])).content.decode()
    assert reverse("editorial:retract", args=[approved.pk]) in page
    assert 'name="notice"' not in page


# The editor's articles page -------------------------------------------------------------------


@pytest.fixture
def library(author, coauthor, topic, other_topic, editor, reviewers):
    """Articles in several states: a draft, a submitted one, one under review with an overdue review."""
    draft = factories.ArticleFactory(author=author, topic=topic, title="Nausea at home", body="Ginger helps.")
    submitted = states.submitted(
        factories.ArticleFactory(author=coauthor, topic=other_topic, title="Mouth care"), coauthor
    )
    reviewed = factories.ArticleFactory(author=author, topic=topic, title="Spasms and heat")
    states.under_review(states.submitted(reviewed, author), editor, reviewers[:2])
    overdue = reviewed.review_rounds.get().assignments.get(reviewer=reviewers[0])
    type(overdue).objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    return {"draft": draft, "submitted": submitted, "reviewed": reviewed}


def titles(response) -> list[str]:
    return [a.title for a in response.context["page"].object_list]


def test_the_articles_page_lists_every_status_and_filters_in_the_url(editor_client, library):
    url = reverse("editorial:articles")
    assert sorted(titles(editor_client.get(url))) == ["Mouth care", "Nausea at home", "Spasms and heat"]
    assert titles(editor_client.get(url, {"status": "draft"})) == ["Nausea at home"]
    assert titles(editor_client.get(url, {"q": "ginger"})) == ["Nausea at home"]
    assert titles(editor_client.get(url, {"author": "bob"})) == ["Mouth care"]
    assert titles(editor_client.get(url, {"reviewer": "dr_baker"})) == ["Spasms and heat"]
    assert titles(editor_client.get(url, {"overdue": "true"})) == ["Spasms and heat"]
    assert titles(editor_client.get(url, {"due_this_week": "true"})) == []
    assert titles(editor_client.get(url, {"ordering": "title"})) == [
        "Mouth care",
        "Nausea at home",
        "Spasms and heat",
    ]
    assert editor_client.get(url, {"status": "lost"}).status_code == 400


def test_the_articles_page_is_for_editors_and_linked_from_the_dashboard(
    editor_client, author_client, library
):
    assert author_client.get(reverse("editorial:articles")).status_code == 403
    dashboard = editor_client.get(reverse("editorial:dashboard")).content.decode()
    assert reverse("editorial:articles") in dashboard


def test_the_articles_page_runs_a_fixed_number_of_queries(
    editor_client, library, author, topic, django_assert_max_num_queries
):
    editor_client.get(reverse("editorial:articles"))  # warm the session and permission caches
    with django_assert_max_num_queries(20) as few:
        editor_client.get(reverse("editorial:articles"))
    for n in range(5):
        factories.ArticleFactory(author=author, topic=topic, title=f"More {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(reverse("editorial:articles"))


def test_bulk_assign_asks_reviewers_for_each_chosen_article(editor_client, library, reviewers):
    submitted = library["submitted"]
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = editor_client.post(
        reverse("editorial:bulk_assign"),
        {"articles": [submitted.pk, library["draft"].pk], "reviewers": [reviewers[2].pk], "due_date": due},
        follow=True,
    )

    content = response.content.decode()
    assert "Reviewers assigned to 1 article(s)." in content
    assert "Nausea at home:" in content  # the draft cannot take reviewers, and says so
    assignment = submitted.review_rounds.get().assignments.get()
    assert assignment.reviewer == reviewers[2] and assignment.due_date.isoformat() == due
    assert not SignOff.objects.exists()


def test_history_opens_on_the_last_two_revisions_whose_content_differs(author_client, article, author):
    from articles import services

    services.article_update_content(actor=author, article=article, changes={"body": "Spasms are rare."})
    states.submitted(article, author)  # a step saves a revision with the same content

    content = author_client.get(reverse("editorial:article_history", args=[article.pk])).content.decode()

    assert "<del>common during chemotherapy.</del><ins>rare.</ins>" in content


def test_save_and_submit_after_a_letter_saves_then_asks_for_the_answers(
    author_client, under_review, reviewers, editor, topic
):
    states.changes_requested(under_review, editor, reviewers[0], comments="Dose is wrong.")
    under_review.refresh_from_db()

    response = author_client.post(
        reverse("editorial:article_edit", args=[under_review.pk]),
        {
            "title": under_review.title,
            "summary": under_review.summary,
            "audience": "patient",
            "topic": topic.pk,
            "body": "Spasms are common; the dose is 5 mg.",
            "content_hash": under_review.content_hash,
            "action": "submit",
        },
        follow=True,
    )

    under_review.refresh_from_db()
    assert under_review.status == Status.CHANGES_REQUESTED and "5 mg" in under_review.body
    assert response.redirect_chain[-1][0] == reverse("editorial:article", args=[under_review.pk])
    assert "Answer each comment of the decision letter to resubmit." in response.content.decode()


def test_the_dashboard_sends_the_editor_to_a_round_that_needs_a_decision(
    editor_client, under_review, reviewers
):
    states.sign(under_review, reviewers[0], decision="request_changes", comments="Dose is wrong.")

    content = editor_client.get(reverse("editorial:dashboard")).content.decode()

    assert "Changes recommended" in content
    assert reverse("editorial:decision", args=[under_review.pk]) in content
