"""Review rounds in Chromium: a colleague keeps reviewing and comments on a selected passage, the
editor finds articles and assigns in bulk, a deliberate retraction, and every editorial page of a
round fitting a 390 px phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Status
from reviews import review_form, workflow
from reviews.models import ReviewPolicy
from tests import factories, states

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def board(db):
    oncology = factories.SpecialtyFactory(name="Oncology", slug="oncology")
    author = factories.AuthorFactory(username="alice", first_name="Alice", last_name="Author")
    editor = factories.EditorFactory(username="eve", first_name="Eve", last_name="Editor")
    baker = factories.BoardMemberFactory(
        user__username="dr_baker", display_name="Dr. Ann Baker", credentials="MD", specialties=[oncology]
    )
    chen = factories.BoardMemberFactory(
        user__username="dr_chen", display_name="Dr. Li Chen", credentials="PharmD"
    )
    article = factories.ArticleFactory(
        author=author,
        topic=oncology,
        title="Back spasms during chemotherapy",
        body="Back spasms are common during chemotherapy.\n\nHeat wraps ease the pain for most people.",
    )
    states.under_review(states.submitted(article, author), editor, [baker, chen])
    return {
        "author": author,
        "editor": editor,
        "baker": baker,
        "chen": chen,
        "article": article,
        "topic": oncology,
    }


def confirmed(page, text: str) -> None:
    expect(page.locator(".message-success", has_text=text)).to_be_visible()


def select_text(page, text: str) -> None:
    """Select ``text`` inside the article body, as a reader dragging the mouse over it would."""
    page.evaluate(
        """(text) => {
          const root = document.querySelector('[data-quotable]');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode())) {
            const at = node.nodeValue.indexOf(text);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + text.length);
              const selection = window.getSelection();
              selection.removeAllRanges();
              selection.addRange(range);
              root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
              return;
            }
          }
          throw new Error('text not found: ' + text);
        }""",
        text,
    )


def test_a_colleague_keeps_reviewing_and_comments_on_a_selected_passage(
    login, live_server, board, screenshot
):
    article = board["article"]
    policy = ReviewPolicy.objects.create(specialty=board["topic"])
    questions = [item.question for item in review_form.add_default_checklist(policy)]
    states.sign(article, board["chen"], decision="request_changes", comments="Name the heat source.")

    baker = login(board["baker"].user)
    baker.goto(f"{live_server.url}/editorial/articles/{article.pk}/review/")
    expect(baker.locator(".notice-warn")).to_contain_text("A colleague asked for changes.")
    expect(baker.locator(".notice-warn")).to_contain_text("Name the heat source.")

    select_text(baker, "Heat wraps ease the pain")
    expect(baker.get_by_label("Quoted passage")).to_have_value("Heat wraps ease the pain")
    baker.get_by_label("Your comment").fill("For how long? Give minutes.")
    screenshot(baker, "11-reviewer-comment-on-passage")
    baker.get_by_role("button", name="Add comment").click()
    confirmed(baker, "Comment added")
    thread = baker.locator(".thread", has_text="For how long? Give minutes.")
    expect(thread.locator(".quote mark")).to_have_text("Heat wraps ease the pain")
    expect(baker.locator("[data-quotable] mark.quoted")).to_have_text("Heat wraps ease the pain")

    # Dr. Baker can still recommend: the round did not end with the colleague's request.
    baker.get_by_label("No: I have no financial or personal interest in this content").check()
    baker.get_by_role("button", name="Record my declaration").click()
    baker.get_by_label("Approve").check()
    baker.get_by_label("I have reviewed this content and its sources for medical accuracy").check()
    baker.get_by_label("Your password, to sign").fill(states.PASSWORD)
    baker.get_by_role("button", name="Sign off").click()
    expect(baker.locator(".review-form")).to_contain_text("must be answered before you approve")
    for item in baker.locator(".review-form .form-item").all():
        item.get_by_label("Yes").check()
    baker.get_by_label("I have reviewed this content and its sources for medical accuracy").check()
    baker.get_by_label("Your password, to sign").fill(states.PASSWORD)
    screenshot(baker, "12-reviewer-review-form")
    baker.get_by_role("button", name="Sign off").click()
    confirmed(baker, "Signed off")
    article.refresh_from_db()
    assert article.status == Status.UNDER_REVIEW  # Dr. Chen asked for changes: the editor decides

    # The editor's decision page shows both recommendations, the form and the thread.
    editor = login(board["editor"])
    editor.goto(f"{live_server.url}/editorial/articles/{article.pk}/decision/")
    baker_card = editor.locator(".recommendation", has_text="Dr. Ann Baker")
    expect(baker_card.locator(".form-answers dt")).to_have_text(questions)
    expect(editor.locator(".recommendation", has_text="Dr. Li Chen")).to_contain_text("Name the heat source.")
    expect(editor.locator(".thread", has_text="For how long?")).to_be_visible()
    screenshot(editor, "12b-editor-decision-with-forms")


def test_the_editor_finds_articles_and_assigns_in_bulk(login, live_server, board, screenshot):
    author, topic = board["author"], board["topic"]
    waiting = [
        states.submitted(
            factories.ArticleFactory(author=author, topic=topic, title=f"Nausea, part {n}"), author
        )
        for n in (1, 2)
    ]
    factories.ArticleFactory(author=author, topic=topic, title="A draft about ginger")

    editor = login(board["editor"])
    editor.get_by_role("link", name="All articles: every status, search and filters").click()
    expect(editor.locator(".article-table tbody tr")).to_have_count(4)
    editor.get_by_label("Submitted", exact=True).check()
    editor.get_by_role("button", name="Apply").click()
    expect(editor).to_have_url(
        f"{live_server.url}/editorial/articles/all/?q=&status=submitted&topic=&author=&reviewer=&ordering=-updated"
    )
    expect(editor.locator(".article-table tbody tr")).to_have_count(2)
    for article in waiting:
        editor.get_by_label(f"Choose {article.title}").check()
    editor.get_by_label("Dr. Ann Baker, MD").check()
    editor.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=10)).isoformat())
    screenshot(editor, "13-editor-articles-page")
    editor.get_by_role("button", name="Assign", exact=True).click()
    confirmed(editor, "Reviewers assigned to 2 article(s).")
    for article in waiting:
        assert article.review_rounds.get().assignments.get().reviewer == board["baker"]


def test_a_retraction_is_confirmed_with_the_title(login, live_server, board, screenshot):
    article = board["article"]
    states.approved(article, [board["baker"], board["chen"]])

    editor = login(board["editor"])
    editor.goto(f"{live_server.url}/editorial/articles/{article.pk}/")
    editor.get_by_role("link", name="Retract the article…").click()
    expect(editor.locator("#what-happens + ul")).to_contain_text("410 Gone")
    editor.get_by_label("Retraction notice").fill("The dosage advice was wrong; see the 2024 guideline.")
    editor.get_by_label("Type the article's title to confirm").fill("Back spasms")
    editor.get_by_role("button", name="Retract the article").click()
    expect(editor.locator("#id_title_error")).to_contain_text("type it exactly")
    screenshot(editor, "14-editor-retraction-confirmation")
    editor.get_by_label("Type the article's title to confirm").fill(article.title)
    editor.get_by_role("button", name="Retract the article").click()
    confirmed(editor, "Retracted")
    article.refresh_from_db()
    assert article.status == Status.RETRACTED


def test_every_editorial_page_of_a_round_fits_a_phone(login, live_server, board, screenshot):
    article = board["article"]
    # A submitted article puts a row in the editor's queue, whose last column header is visually hidden.
    waiting = factories.ArticleFactory(author=board["author"], topic=board["topic"], title="Nausea at home")
    states.submitted(waiting, board["author"])
    draft = factories.ArticleFactory(author=board["author"], topic=board["topic"], title="Ginger for nausea")
    states.sign(article, board["chen"], decision="request_changes", comments="Name the heat source.")
    workflow.add_comment(
        actor=board["baker"].user,
        article=article,
        body="How long?",
        quote={"exact": "Heat wraps ease the pain"},
    )
    pages = {
        "editor": [
            ("15-phone-editor-dashboard", "/editorial/"),
            ("16-phone-articles-page", "/editorial/articles/all/"),
            ("17-phone-decision-page", f"/editorial/articles/{article.pk}/decision/"),
            ("18-phone-article-page", f"/editorial/articles/{article.pk}/"),
            ("19-phone-history", f"/editorial/articles/{article.pk}/history/"),
            ("21-phone-submitted-article", f"/editorial/articles/{waiting.pk}/"),
            ("22-phone-assign", f"/editorial/articles/{waiting.pk}/assign/"),
            ("23-phone-policies", "/editorial/policies/"),
            ("24-phone-board", "/editorial/board/"),
            ("25-phone-sources", "/editorial/sources/"),
            ("26-phone-notifications", "/editorial/notifications/"),
            ("27-phone-tokens", "/editorial/tokens/"),
        ],
        "author": [("28-phone-author-edit", f"/editorial/articles/{draft.pk}/edit/")],
        "baker": [("20-phone-review-page", f"/editorial/articles/{article.pk}/review/")],
    }
    for who, visits in pages.items():
        user = {"editor": board["editor"], "baker": board["baker"].user, "author": board["author"]}[who]
        page = login(user, viewport=PHONE)
        for name, path in visits:
            page.goto(f"{live_server.url}{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            screenshot(page, name)
            assert width <= PHONE["width"], f"{path} is {width} px wide on a 390 px screen"
