"""The public page in Chromium, on a desktop and at 390 px: grouped references with links back,
the audience switch, a re-review notice and a board page (screenshots under artifacts/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles import services
from reviews import workflow
from tests import factories, states

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def site(db):
    topic = factories.SpecialtyFactory(name="Physical Medicine", slug="physical-medicine")
    author = factories.AuthorFactory(username="alice")
    editor = factories.EditorFactory(username="eve")
    members = [
        factories.BoardMemberFactory(
            user__username=f"dr_{name}",
            display_name=f"Dr. {name.title()}",
            specialties=[topic],
            bio=f"Dr. {name.title()} treats back pain in a university hospital.",
            orcid="0000-0002-1825-0097" if name == "baker" else "",
        )
        for name in ("baker", "chen")
    ]
    factories.SourceFactory(key="acp2017", type="guideline", title="Noninvasive treatments for low back pain")
    factories.SourceFactory(
        key="trial2019", type="randomized_trial", title="Exercise for chronic low back pain"
    )
    factories.SourceFactory(
        key="nhs",
        type="website",
        publication_type="webpage",
        title="Back pain",
        url="https://www.nhs.uk/back-pain/",
    )

    def publish(title, audience, body):
        article = factories.ArticleFactory(
            author=author, topic=topic, title=title, body=body, audience=audience
        )
        article = states.under_review(states.submitted(article, author), editor, members)
        return states.approved(article, members)

    body = (
        "Most back pain gets better with movement [@trial2019]. Guidelines agree [@acp2017; @trial2019].\n\n"
        "Read more on the NHS pages [@nhs]."
    )
    patient = publish("Low back pain: what helps", "patient", body)
    professional = publish("Low back pain: management in primary care", "professional", body)
    services.article_set_audience_counterpart(actor=editor, article=patient, counterpart=professional)
    return {"patient": patient, "professional": professional, "editor": editor, "members": members}


@pytest.mark.parametrize("size", SIZES)
def test_grouped_references_and_the_audience_switch(browser, live_server, site, screenshot, size):
    page = browser.new_page(viewport=SIZES[size])
    page.goto(f"{live_server.url}/articles/{site['patient'].slug}/")

    groups = page.locator(".reference-group-title")
    expect(groups).to_have_text(["From the guidelines", "From the research", "Other sources"])
    expect(page.locator("#ref-2")).to_contain_text("Noninvasive treatments")
    screenshot(page, f"21-grouped-references-{size}")

    page.locator("#ref-2 .reference-backlink").click()
    page.wait_for_url("**#cite-2")
    expect(page.locator("#cite-2")).to_be_in_viewport()

    page.goto(f"{live_server.url}/articles/{site['patient'].slug}/")
    switch = page.get_by_role("navigation", name="Which best describes you?")
    expect(switch).to_be_visible()
    screenshot(page, f"22-audience-switch-{size}")
    switch.get_by_role("link", name="I'm a health professional").click()
    page.wait_for_url(f"**/articles/{site['professional'].slug}/")
    expect(page.locator(".disclaimer")).to_contain_text("for health professionals")
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_rereview_notice_and_a_board_page(browser, live_server, site, screenshot, size):
    workflow.flag_for_rereview(
        actor=site["editor"], article=site["patient"], reason="Internal: new ACP update."
    )
    page = browser.new_page(viewport=SIZES[size])
    page.goto(f"{live_server.url}/articles/{site['patient'].slug}/")

    expect(page.locator(".notice-review_overdue")).to_contain_text("reviewing this article again")
    expect(page.locator("body")).not_to_contain_text("Internal: new ACP update.")
    expect(page.locator(".step-current")).to_contain_text("Under Re-review")
    screenshot(page, f"23-rereview-notice-{size}")

    page.get_by_role("link", name="Dr. Baker").first.click()
    page.wait_for_url("**/board/dr-baker/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dr. Baker")
    expect(page.locator(".member-orcid")).to_contain_text("0000-0002-1825-0097")
    expect(page.locator(".reviewed-articles")).to_contain_text("Low back pain")
    screenshot(page, f"24-board-member-{size}")
    page.close()
