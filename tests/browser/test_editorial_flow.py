"""The whole review, as the people doing it click through it in Chromium.

An author drafts an article citing two library sources and submits it; the editor assigns two
reviewers and starts the round; one reviewer recommends changes; the editor decides so on the
decision page, forwarding the comment; the author revises, answers the comment and resubmits;
round two starts at once with the same reviewers; both approve; the public page shows the
reviewers, the tracker at Approved and the numbered references.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Publication, Status
from tests import factories
from tests.browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Back spasms during chemotherapy"


@pytest.fixture
def people(db):
    oncology = factories.SpecialtyFactory(name="Oncology", slug="oncology")
    pharmacology = factories.SpecialtyFactory(name="Pharmacology", slug="pharmacology")
    factories.SourceFactory(
        key="will2018",
        title="Mechanical low back pain",
        doi="10.1000/back.2018",
        pmid="30252425",
        authors=[{"family": "Will", "given": "Jeffrey S"}],
    )
    factories.SourceFactory(
        key="nice2020",
        title="Low back pain and sciatica in over 16s",
        doi="10.1000/nice.2020",
        authors=[{"literal": "National Institute for Health and Care Excellence"}],
    )
    return {
        "author": factories.AuthorFactory(username="alice", first_name="Alice", last_name="Author"),
        "editor": factories.EditorFactory(username="eve", first_name="Eve", last_name="Editor"),
        "baker": factories.BoardMemberFactory(
            user__username="dr_baker", display_name="Dr. Ann Baker", credentials="MD", specialties=[oncology]
        ),
        "chen": factories.BoardMemberFactory(
            user__username="dr_chen",
            display_name="Dr. Li Chen",
            credentials="PharmD",
            specialties=[pharmacology],
        ),
    }


def confirmed(page, text: str) -> None:
    """The page confirms the action with a success message containing ``text``."""
    expect(page.locator(".message-success", has_text=text)).to_be_visible()


def cite(page, query: str, key: str) -> None:
    """Search the library from the picker and insert ``[@key]`` at the cursor."""
    page.get_by_label("Search the library by key, title, author or DOI").fill(query)
    page.get_by_role("button", name=f"Cite {key} at the cursor").click()


def declare_and_sign(page, live_server, article, *, decision: str, comments: str = "") -> None:
    page.goto(f"{live_server.url}/editorial/articles/{article.pk}/review/")
    declaration = page.get_by_label("No: I have no financial or personal interest in this content")
    if declaration.count():  # a later round carries the declaration over (same authors and topic)
        declaration.check()
        page.get_by_role("button", name="Record my declaration").click()
        confirmed(page, "no conflict of interest")
    page.get_by_label(decision).check()
    if comments:
        page.get_by_label("Comments for the authors").fill(comments)
    page.get_by_label("I have reviewed this content and its sources for medical accuracy").check()
    page.get_by_label("Your password, to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign off").click()
    confirmed(page, "Recommended" if decision == "Request changes" else "Signed off")


def test_an_article_goes_from_draft_to_published(login, live_server, people, screenshot):
    # The author drafts with two citations from the library, watching the live preview.
    author = login(people["author"])
    screenshot(author, "01-author-dashboard")
    author.get_by_role("link", name="New article", exact=True).click()
    author.get_by_label("Title", exact=True).fill(TITLE)
    author.get_by_label("Summary", exact=True).fill("What causes sharp back spasms and what helps.")
    author.get_by_label("Topic").select_option(label="Oncology")
    body = author.get_by_label("Body (Markdown)")
    body.fill("Back spasms are common during chemotherapy.")
    cite(author, "will", "will2018")
    body.press("Control+End")
    body.type(" Heat wraps ease the pain.")
    cite(author, "10.1000/nice.2020", "nice2020")
    expect(body).to_have_value(
        "Back spasms are common during chemotherapy. [@will2018] Heat wraps ease the pain. [@nice2020]"
    )
    references = author.locator("#preview ol.references > li")
    expect(references).to_have_count(2)
    expect(author.locator("#preview sup.citation")).to_have_count(2)
    expect(author.locator("#citation-check")).to_contain_text("2 sources cited")
    screenshot(author, "02-author-editor-with-preview")
    author.get_by_role("button", name="Save and submit for review").click()
    confirmed(author, "Submitted for review")
    article = Article.objects.get(title=TITLE)
    assert article.status == Status.SUBMITTED

    # The editor assigns both suggested reviewers and starts the round.
    editor = login(people["editor"])
    expect(editor.locator("#editor-queue + table, .panel").first).to_contain_text(TITLE)
    screenshot(editor, "03-editor-dashboard")
    editor.get_by_role("link", name="Assign reviewers").first.click()
    suggestions = editor.locator(".choice-list li")
    expect(suggestions.first).to_contain_text("Dr. Ann Baker")  # the oncologist ranks first
    screenshot(editor, "04-editor-assign")
    editor.get_by_label(re.compile("Dr. Ann Baker")).check()
    editor.get_by_label(re.compile("Dr. Li Chen")).check()
    editor.get_by_role("button", name="Assign").click()
    confirmed(editor, "Assigned Dr. Ann Baker, Dr. Li Chen")
    editor.get_by_role("button", name="Start review round 1").click()
    confirmed(editor, "Review round 1 started")
    screenshot(editor, "05-editor-article-round")

    # One reviewer requests changes.
    chen = login(people["chen"].user)
    expect(chen.locator("#assigned-to-me ~ .table-wrap, .panel").first).to_contain_text(TITLE)
    screenshot(chen, "06-reviewer-dashboard")
    chen.get_by_role("link", name=TITLE).click()
    expect(chen.locator(".references li")).to_have_count(2)
    expect(chen.locator('.references a[href="https://doi.org/10.1000/back.2018"]')).to_have_count(1)
    expect(chen.locator(".references a.reference-pubmed")).to_have_attribute(
        "href", "https://pubmed.ncbi.nlm.nih.gov/30252425/"
    )
    screenshot(chen, "07-reviewer-review-page")
    declare_and_sign(
        chen, live_server, article, decision="Request changes", comments="Say how long to apply heat."
    )
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW  # a recommendation: the editor decides

    # The editor decides on the decision page, forwarding Dr. Chen's comment with the letter.
    editor.goto(f"{live_server.url}/editorial/articles/{article.pk}/")
    editor.get_by_role("link", name=re.compile("Decide the round")).click()
    expect(editor.locator(".recommendation")).to_contain_text(["Say how long to apply heat."])
    editor.get_by_label("Request changes").check()
    editor.get_by_label("Decision letter to the authors").fill("Please answer Dr. Chen before we approve.")
    expect(editor.locator(".signature-notice")).to_contain_text("your electronic signature")
    editor.get_by_label("Your password, to sign").fill(PASSWORD)
    screenshot(editor, "07b-editor-decision-page")
    editor.get_by_role("button", name="Record the decision").click()
    confirmed(editor, "Decided")
    article.refresh_from_db()
    assert article.status == Status.CHANGES_REQUESTED

    # The author reads the letter beside the draft, revises, answers the comment and resubmits.
    author.goto(f"{live_server.url}/editorial/articles/{article.pk}/edit/")
    expect(author.locator(".feedback")).to_contain_text("Please answer Dr. Chen")
    expect(author.locator(".feedback")).to_contain_text("Say how long to apply heat.")
    body = author.get_by_label("Body (Markdown)")
    body.press("Control+End")
    body.type(" Apply heat for 20 minutes at a time.")
    expect(author.locator("#preview")).to_contain_text("Apply heat for 20 minutes at a time.")  # live
    screenshot(author, "08-author-answers-comments")
    author.get_by_role("button", name="Save and submit for review").click()
    author.get_by_label("Your answer").fill("Added: 20 minutes at a time.")
    author.get_by_role("button", name="Resubmit with your answers").click()
    confirmed(author, "Submitted for review")
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW  # round two started with the same reviewers

    # The reviewer who asked for changes sees exactly what changed, then both approve.
    chen.goto(f"{live_server.url}/editorial/articles/{article.pk}/review/")
    expect(chen.locator(".rendered-diff ins")).to_contain_text("Apply heat for 20 minutes at a time.")
    expect(chen.locator(".thread .reply")).to_contain_text("Added: 20 minutes at a time.")
    screenshot(chen, "09-reviewer-diff")
    declare_and_sign(chen, live_server, article, decision="Approve")
    baker = login(people["baker"].user)
    declare_and_sign(baker, live_server, article, decision="Approve")
    confirmed(baker, "the article is now published")
    article.refresh_from_db()
    assert article.status == Status.APPROVED

    # The public page: reviewers, the tracker at Approved, numbered references.
    public = author.context.browser.new_page()
    public.goto(f"{live_server.url}/articles/{article.slug}/")
    expect(public.locator(".reviewer-name")).to_have_text(["Dr. Li Chen", "Dr. Ann Baker"])
    expect(public.locator('.review-tracker [aria-current="step"]')).to_contain_text("Approved")
    expect(public.locator("ol.references > li")).to_have_count(2)
    expect(public.locator("#ref-1")).to_contain_text("Will JS")
    expect(public.locator("sup.citation a[href='#ref-2']")).to_have_count(1)
    screenshot(public, "10-public-article")
    public.close()
    assert Publication.objects.current().get(article=article).version == 1
