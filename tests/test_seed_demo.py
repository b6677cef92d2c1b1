"""The demo: roles, people, the board, and one article in every state, reached through the workflow."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve

from articles.models import Article, Publication, Status
from articles.services import compute_content_hash
from demo import content as demo_content
from demo.management.commands import serve_demo
from demo.two_rounds import TWO_ROUNDS
from reviews.models import BoardMember, Comment, Decision, ReviewPolicy, RoundDecision, SignOff, TransitionLog

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

User = get_user_model()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed the demo once for the module (it takes a second); rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):  # as conftest's per-test fixture
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    """The seeded demo; each test runs in a savepoint that is rolled back after it."""
    return seeded


def by_slug(slug: str) -> Article:
    return Article.objects.get(slug=slug)


def story(target: str) -> demo_content.DemoArticle:
    return next(s for s in demo_content.ARTICLES if s.target == target)


def test_roles_give_each_group_its_permissions(demo):
    editor, author, reviewer = (Group.objects.get(name=n) for n in ("Editors", "Authors", "Reviewers"))

    assert editor.permissions.filter(codename="manage_board").exists()
    assert author.permissions.filter(codename="add_article").exists()
    assert not author.permissions.filter(codename="manage_board").exists()
    assert reviewer.permissions.filter(codename="view_article").exists()
    assert not reviewer.permissions.filter(codename__in=["add_article", "manage_board"]).exists()


def test_demo_users_have_their_roles(demo):
    eve, admin, alice, bob = (User.objects.get(username=n) for n in ("eve", "admin", "alice", "bob"))

    assert eve.has_perm("articles.manage_board") and eve.is_staff and not eve.is_superuser
    assert list(eve.groups.values_list("name", flat=True)) == ["Editors"]
    assert admin.is_superuser and admin.is_staff
    for author in (alice, bob):
        assert author.has_perm("articles.add_article")
        assert not author.has_perm("articles.manage_board")
        assert not author.is_staff
    assert alice.get_full_name() == "Alice Hart"


def test_the_board_has_three_credentialed_reviewers(demo):
    members = {
        m.user.username: (m.display_name, m.credentials, [s.slug for s in m.specialties.all()], m.active)
        for m in BoardMember.objects.select_related("user").prefetch_related("specialties")
    }

    assert members == {
        "dr_baker": ("Ann Baker", "MD", ["oncology"], True),
        "dr_chen": ("Wei Chen", "PharmD", ["pharmacology"], True),
        "dr_diaz": ("Sofia Diaz", "MD", ["physical-medicine"], True),
    }
    assert set(User.objects.filter(groups__name="Reviewers").values_list("username", flat=True)) == set(
        members
    )


def test_site_wide_policy_is_two_approvals_with_a_specialty_match(demo):
    policy = ReviewPolicy.objects.get(specialty__isnull=True)

    assert (
        policy.approvals_required,
        policy.specialty_match_required,
        policy.review_interval_days,
        policy.assignment_due_days,
    ) == (2, True, 365, 14)


def test_showcase_article_is_approved_and_published_with_its_reviewers(demo):
    article = by_slug(demo_content.SHOWCASE_SLUG)
    publication = article.publications.current().get()

    assert article.title == (
        "What are the causes of sharp back spasms in a patient undergoing chemotherapy for ovarian cancer?"
    )
    assert article.status == Status.APPROVED
    assert list(article.authors.values_list("username", flat=True)) == ["alice"]
    assert (article.topic.slug, article.audience) == ("oncology", "patient")
    for section in ("## Likely causes", "## Relief measures", "## When to call the oncology team"):
        assert section in article.body
    assert [(r["name"], r["credentials"]) for r in publication.reviewers] == [
        ("Ann Baker", "MD"),
        ("Wei Chen", "PharmD"),
    ]
    assert all(r["signed_at"] for r in publication.reviewers)
    # Published exactly what was signed, and auto-approved by the quorum (no editor approval).
    assert publication.content_hash == article.content_hash == compute_content_hash(article)
    assert publication.approved_by is None
    assert set(
        SignOff.objects.filter(assignment__round__article=article).values_list("decision", flat=True)
    ) == {Decision.APPROVE}


def test_showcase_cites_real_sources_numbered_in_order(demo):
    publication = by_slug(demo_content.SHOWCASE_SLUG).publications.current().get()
    references = {ref["key"]: ref for ref in publication.references}

    assert [ref["number"] for ref in publication.references] == list(range(1, len(references) + 1))
    assert publication.references[0]["key"] == "will2018"
    assert references["will2018"]["formatted"].startswith(
        "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428."
    )
    assert references["will2018"]["pmid"] == "30252425"
    assert {"nice-ng59", "nice-ng234", "cashin2021"} <= set(references)
    assert '<sup class="citation">' in publication.body_html
    assert not any(ref["retracted"] for ref in publication.references)


def test_one_article_in_every_state(demo):
    assert set(Article.objects.values_list("status", flat=True)) == set(Status.values)


@pytest.mark.parametrize("target", [s.target for s in demo_content.ARTICLES if s.target != Status.DRAFT])
def test_every_state_was_reached_through_logged_workflow_steps(demo, target):
    article = by_slug(story(target).slug)
    steps = list(TransitionLog.objects.filter(article=article).order_by("at", "pk"))

    assert article.status == target
    assert steps[0].from_status == Status.DRAFT
    assert all(before.to_status == after.from_status for before, after in zip(steps, steps[1:], strict=False))
    assert steps[-1].to_status == target


def test_under_review_article_has_one_approval_of_two(demo):
    article = by_slug(story(Status.UNDER_REVIEW).slug)
    signoffs = SignOff.objects.filter(assignment__round__article=article)

    assert [(s.assignment.reviewer.user.username, s.decision) for s in signoffs] == [("dr_diaz", "approve")]
    assert article.review_rounds.get().assignments.count() == 2
    assert not article.publications.exists()


def test_changes_requested_article_carries_the_reviewers_comments(demo):
    spec = story(Status.CHANGES_REQUESTED)
    article = by_slug(spec.slug)
    reviewer, comments = spec.changes_requested

    signoff = SignOff.objects.get(assignment__round__article=article, decision=Decision.REQUEST_CHANGES)
    assert signoff.assignment.reviewer.user.username == reviewer
    assert signoff.comments == comments
    # The editor decided, with a letter forwarding the reviewers' comments (one on a passage).
    assert article.transition_log.get(action="request_changes").comment == spec.letter
    letter = RoundDecision.objects.get(article=article)
    assert {c.body for c in letter.forwarded.all()} == {comments, spec.passage_comment[2]}
    assert article.notifications.filter(kind="changes_requested", recipient__username="alice").exists()


def test_a_two_round_review_with_comments_a_form_a_letter_and_replies(demo):
    article = by_slug(TWO_ROUNDS.slug)

    assert article.status == Status.APPROVED
    first, second = article.review_rounds.order_by("number")
    assert first.decision.decision == "request_changes" and first.decision.letter == TWO_ROUNDS.letter
    assert second.decision.decided_by is None  # approved by the policy at quorum
    quoted = Comment.objects.get(article=article, quote_exact=TWO_ROUNDS.passage_comment[1])
    assert [r.body for r in quoted.replies.all()] == [TWO_ROUNDS.reply] and quoted.resolved_at
    approvals = SignOff.objects.filter(assignment__round=second, decision="approve")
    assert approvals.count() == 2 and all(s.form for s in approvals)


def test_review_due_and_retracted_articles_were_approved_first(demo):
    due = by_slug(story(Status.REVIEW_DUE).slug)
    retracted = by_slug(story(Status.RETRACTED).slug)

    assert due.review_due_reason == story(Status.REVIEW_DUE).flag_reason
    assert retracted.retraction_notice == story(Status.RETRACTED).retraction_notice
    assert retracted.retracted_at is not None
    for article in (due, retracted):
        assert article.publications.count() == 1
        assert article.transition_log.filter(action="approve").exists()


def test_draft_and_submitted_articles_have_not_been_reviewed(demo):
    draft = by_slug(story(Status.DRAFT).slug)
    submitted = by_slug(story(Status.SUBMITTED).slug)

    assert not draft.review_rounds.exists()
    assert draft.attached_sources.filter(key="french2006").exists()
    assert [a.reviewer.user.username for a in submitted.review_rounds.get().assignments.all()] == ["dr_baker"]
    assert not Publication.objects.filter(article__in=[draft, submitted]).exists()


def test_running_it_again_changes_nothing(demo):
    def snapshot():
        counts = {model._meta.label: model._base_manager.count() for model in apps.get_models()}
        passwords = dict(User.objects.values_list("username", "password"))
        return counts, passwords

    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert snapshot() == before
    assert "Users: 0 created, 7 already there" in out.getvalue()
    assert f"Article {demo_content.SHOWCASE_SLUG}: already there (Approved)" in out.getvalue()


def logs_in(username: str, password: str) -> bool:
    """Whether the login page lets ``username`` in with ``password`` (a new browser each time)."""
    response = Client().post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302


def test_password_option_resets_every_demo_users_password(demo):
    assert logs_in("alice", demo_content.DEFAULT_PASSWORD)

    call_command("seed_demo", password="another-pass-77", stdout=StringIO())

    for username in ("admin", "eve", "alice", "bob", "dr_baker", "dr_chen", "dr_diaz"):
        assert logs_in(username, "another-pass-77"), username
    assert not logs_in("alice", demo_content.DEFAULT_PASSWORD)


def test_a_retracted_source_sends_the_article_citing_it_back_to_review(demo):
    from articles.models import Article, Source
    from reviews.models import TransitionLog

    source = Source.objects.get(key="mehra2020")
    assert source.is_retracted and source.retraction_notice.endswith("10.1016/s0140-6736(20)31324-6")
    article = Article.objects.get(slug="hydroxychloroquine-for-covid-19")
    assert article.status == "review_due"
    assert "Cited source retracted: [@mehra2020]" in article.review_due_reason
    entry = TransitionLog.objects.get(article=article, action="flag_for_rereview")
    assert "mehra2020" in entry.comment
    # The approved version stays readable, with the retracted reference flagged on its page.
    page = Client().get(f"/articles/{article.slug}/")
    assert page.status_code == 200
    assert b"retracted" in page.content.lower()


def test_output_is_one_line_per_step(demo):
    lines = demo.splitlines()

    assert "Users: 7 created, 0 already there" in lines
    assert f"Sources: {len(demo_content.SOURCES)} added to the library, 0 already there" in lines
    assert f"Article {demo_content.SHOWCASE_SLUG}: created, now Approved" in lines
    assert lines[-1] == f"Password of the new demo users: {demo_content.DEFAULT_PASSWORD}"
    assert len(lines) < 25


def test_setup_roles_restores_each_groups_permissions(db):
    call_command("setup_roles", verbosity=0)
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(Permission.objects.get(codename="manage_board"))
    editors.permissions.add(Permission.objects.get(codename="delete_article"))

    out = StringIO()
    call_command("setup_roles", stdout=out)

    assert editors.permissions.filter(codename="manage_board").exists()
    assert not editors.permissions.filter(codename="delete_article").exists()
    assert "Group Editors: 29 permissions (updated: 1 added, 1 removed)" in out.getvalue()
    assert Group.objects.filter(name__in=["Editors", "Authors", "Reviewers"]).count() == 3


# serve_demo --------------------------------------------------------------------------------


def test_banner_lists_every_url_and_each_demo_login():
    text = serve_demo.banner(host="127.0.0.1", port=8123)

    for path in ("/articles/", "/editorial/", "/admin/", "/api/v1/docs/", "/api/v1/"):
        assert f"http://127.0.0.1:8123{path}" in text
        resolve(path)  # every advertised page exists
    for user in demo_content.USERS:
        assert user.username in text
    assert re.search(r"^  eve +editor", text, re.MULTILINE)
    assert re.search(r"^  dr_chen +reviewer: PharmD, Pharmacology$", text, re.MULTILINE)
    assert f"password: {demo_content.DEFAULT_PASSWORD}" in text


def test_banner_points_a_wildcard_bind_at_localhost():
    assert "http://127.0.0.1:9000/admin/" in serve_demo.banner(host="0.0.0.0", port=9000)
    assert "http://[::1]:9000/admin/" in serve_demo.banner(host="::", port=9000)


def test_serve_demo_prints_the_banner_then_runs_the_server_without_reloader(db, monkeypatch):
    User.objects.filter(username="eve").update(username="eve-away")  # as before seed_demo ran
    calls = []
    monkeypatch.setattr(serve_demo, "call_command", lambda *args, **kwargs: calls.append((args, kwargs)))
    out, err = StringIO(), StringIO()

    call_command("serve_demo", "--port", "8124", stdout=out, stderr=err)

    assert calls == [(("runserver", "127.0.0.1:8124"), {"use_reloader": False})]
    assert "http://127.0.0.1:8124/api/v1/docs/" in out.getvalue()
    assert "seed_demo" in err.getvalue()  # no demo users yet: says how to get them


def test_seed_demo_refuses_to_run_on_a_production_site(db, settings):
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    settings.ALLOW_DEMO_DATA = False
    users_before = get_user_model().objects.count()
    with pytest.raises(CommandError, match="refusing to run with DEBUG off"):
        call_command("seed_demo", "--password", "changed-it-9", verbosity=0)
    assert get_user_model().objects.count() == users_before
    assert not any(u.check_password("changed-it-9") for u in get_user_model().objects.all())


def test_the_demo_shows_a_verified_review_record(demo, client):
    assert "Audit trail:" in demo and "verified" in demo
    slug = story(Status.APPROVED).slug

    record = client.get(f"/api/v1/articles/{slug}/review-record/").json()

    assert record["chain"]["verified"] is True
    assert record["signatures"] and all(s["signature_id"] for s in record["signatures"])
