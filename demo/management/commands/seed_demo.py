"""``manage.py seed_demo [--password P]``: the demo site, reached through the real workflow.

Creates the roles, the demo users, the advisory board, the site-wide review policy, a library of
real sources and one article in every state. Every state is reached through
``articles.services`` and ``reviews.workflow`` calls (submit, assign, start review, sign off,
flag, retract), never by setting a status, so the demo carries the same history, transition log,
sign-offs and publications as real use.

Idempotent: whatever already exists (matched by username, slug or citation key) is left alone,
so a second run changes nothing. ``--password`` resets the demo users' passwords.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django_fsm import TransitionNotAllowed

from articles import services
from articles.models import Article, Source, Specialty, Status
from demo import content as demo_content
from demo.two_rounds import TWO_ROUNDS
from reviews import audit, quorum, retractions, review_form, workflow
from reviews.models import BoardMember, Decision, ReviewPolicy


@contextmanager
def quiet_delivery():
    """Deliver the demo's notifications in the app only, and without a log line per task.

    The demo users have example.org addresses, and the emails of a scripted history would bury
    the progress messages (the development mail backend prints them). With a Celery broker
    configured, the worker delivers them as usual.
    """
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        trace.setLevel(level)


class Command(BaseCommand):
    help = "Load the demo data: users in every role, the board, sources and articles in every state."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=(
                "Password for the demo users; given, it also resets the password of demo users that "
                f"already exist. New users get {demo_content.DEFAULT_PASSWORD!r} otherwise."
            ),
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off (it creates a superuser with a known password).",
        )

    def handle(self, *args, password=None, verbosity=1, allow_production=False, **options):
        if not settings.ALLOW_DEMO_DATA and not allow_production:
            raise CommandError(
                "seed_demo creates users with known passwords, including a superuser; refusing to run "
                "with DEBUG off. Pass --allow-production if this really is a demo site."
            )
        self.verbosity = verbosity
        call_command("setup_roles", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
        # Reviewers sign their sign-offs with their password (reviews.signatures).
        self.signing_password = password or demo_content.DEFAULT_PASSWORD
        users, created_users = self.seed_users(password)
        specialties = self.seed_specialties()
        members = self.seed_board(users, specialties)
        self.seed_policy()
        self.seed_sources()
        with quiet_delivery():
            for story in (*demo_content.ARTICLES, TWO_ROUNDS):
                self.seed_article(story, users, members, specialties)
        verification = audit.verify_everything()
        if not verification.ok:
            raise CommandError(f"The demo's audit trail does not verify: {verification.first_broken}")
        self.say(f"Audit trail: {verification.entries} entries of {verification.articles} articles verified")
        self.say(self.style.SUCCESS("Demo data ready."))
        if password:
            self.say(f"Every demo user's password is now: {password}")
        elif created_users:
            self.say(f"Password of the new demo users: {demo_content.DEFAULT_PASSWORD}")
        else:
            self.say(
                f"Passwords unchanged (the default is {demo_content.DEFAULT_PASSWORD}; "
                "reset them with --password)."
            )

    def say(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    # People ----------------------------------------------------------------------------------

    @transaction.atomic
    def seed_users(self, password: str | None) -> tuple[dict, bool]:
        user_model = get_user_model()
        groups = {group.name: group for group in Group.objects.all()}
        users, created, reset = {}, [], []
        for spec in demo_content.USERS:
            user = user_model.objects.filter(username=spec.username).first()
            if user is None:
                create = (
                    user_model.objects.create_superuser
                    if spec.role == "admin"
                    else user_model.objects.create_user
                )
                user = create(
                    username=spec.username,
                    email=spec.email,
                    password=password or demo_content.DEFAULT_PASSWORD,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    is_staff=spec.role in ("admin", "editor"),
                )
                created.append(spec.username)
            elif password:
                user.set_password(password)
                user.save(update_fields=["password"])
                reset.append(spec.username)
            group_name = demo_content.ROLE_GROUPS.get(spec.role)
            if group_name:
                user.groups.add(groups[group_name])
            users[spec.username] = user
        self.say(
            f"Users: {len(created)} created, {len(users) - len(created)} already there"
            + (f", {len(reset)} passwords reset" if reset else "")
        )
        return users, bool(created)

    @transaction.atomic
    def seed_specialties(self) -> dict[str, Specialty]:
        specialties, created = {}, 0
        for spec in demo_content.SPECIALTIES:
            specialty, is_new = Specialty.objects.get_or_create(
                slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
            )
            specialties[specialty.slug] = specialty
            created += is_new
        self.say(f"Specialties: {created} created, {len(specialties) - created} already there")
        return specialties

    @transaction.atomic
    def seed_board(self, users: dict, specialties: dict) -> dict[str, BoardMember]:
        members, created = {}, 0
        for spec in demo_content.REVIEWERS:
            user = users[spec.username]
            member = BoardMember.objects.filter(user=user).first()
            if member is None:
                member = BoardMember(
                    user=user, display_name=spec.display_name, credentials=spec.credentials, bio=spec.bio
                )
                member._change_reason = "demo data"
                member.save()
                member.specialties.set([specialties[slug] for slug in spec.specialties])
                created += 1
            members[spec.username] = member
        self.say(f"Advisory board: {created} members created, {len(members) - created} already there")
        return members

    @transaction.atomic
    def seed_policy(self) -> None:
        if ReviewPolicy.objects.filter(specialty__isnull=True).exists():
            self.say("Review policy: the site-wide policy is already there")
            return
        policy = ReviewPolicy(specialty=None, **demo_content.SITE_POLICY)
        policy.full_clean()
        policy._change_reason = "demo data"
        policy.save()
        review_form.add_default_checklist(policy)
        self.say(f"Review policy: created the site-wide policy ({policy}) with the medical checklist")

    @transaction.atomic
    def seed_sources(self) -> None:
        existing = set(Source.objects.values_list("key", flat=True))
        created = 0
        for data in demo_content.SOURCES:
            if data["key"] in existing:
                continue
            source = Source(**data)
            try:
                source.full_clean()
            except ValidationError as exc:
                raise CommandError(f"Demo source {data['key']} cannot be added: {exc}") from exc
            source._change_reason = "demo data"
            source.save()
            created += 1
        self.say(
            f"Sources: {created} added to the library, {len(demo_content.SOURCES) - created} already there"
        )

    # Articles --------------------------------------------------------------------------------

    def seed_article(self, story, users: dict, members: dict, specialties: dict) -> None:
        existing = Article.objects.filter(slug=story.slug).first()
        if existing is not None:
            self.say(f"Article {story.slug}: already there ({existing.status_label})")
            return
        try:
            with transaction.atomic():
                article = self.tell(story, users, members, specialties)
                if article.status != story.target:
                    target = Status(story.target).label
                    raise CommandError(
                        f"Article {story.slug} ended {article.status_label}, not {target}: "
                        "does an existing review policy ask for a different quorum?"
                    )
        except (ValidationError, PermissionDenied, TransitionNotAllowed) as exc:
            raise CommandError(f"Article {story.slug} could not be seeded: {exc}") from exc
        self.say(f"Article {story.slug}: created, now {article.status_label}")

    def tell(self, story, users: dict, members: dict, specialties: dict) -> Article:
        """Run the article's review story through the services and the workflow, up to its target."""
        author, editor = users[story.author], users["eve"]
        article = services.article_create_draft(
            actor=author,
            title=story.title,
            topic=specialties[story.topic],
            summary=story.summary,
            body=story.body,
            audience=story.audience,
            slug=story.slug,
        )
        if story.attached:
            article = services.article_update_content(
                actor=author,
                article=article,
                changes={"attached_sources": list(Source.objects.filter(key__in=story.attached))},
            )
        if story.target == Status.DRAFT:
            return article
        article, _warnings = workflow.submit(actor=author, article=article)
        for username in story.reviewers:
            workflow.assign_reviewer(actor=editor, article=article, reviewer=members[username])
        if story.target == Status.SUBMITTED:
            return article
        article = workflow.start_review(actor=editor, article=article)
        if story.passage_comment:
            username, exact, comment = story.passage_comment
            workflow.add_comment(
                actor=members[username].user, article=article, body=comment, quote={"exact": exact}
            )
        for username in story.approvals:
            article = self.sign(article, members[username], Decision.APPROVE, "")
        if story.changes_requested:
            username, comments = story.changes_requested
            article = self.sign(article, members[username], Decision.REQUEST_CHANGES, comments)
        if story.letter:
            article = self.decide_changes(article, editor, story.letter)
        if story.revised_body:
            article = self.second_round(article, story, author, members)
        if story.flag_reason:
            article = workflow.flag_for_rereview(actor=editor, article=article, reason=story.flag_reason)
        if story.source_retraction:
            key, retracted_on, notice, reason = story.source_retraction
            retractions.retract_source(
                actor=editor,
                source=Source.objects.get(key=key),
                retracted_on=date.fromisoformat(retracted_on),
                notice=notice,
                reason=reason,
            )
            article.refresh_from_db()
        if story.retraction_notice:
            article = workflow.retract(actor=editor, article=article, notice=story.retraction_notice)
        return article

    def decide_changes(self, article: Article, editor, letter: str) -> Article:
        """The editor asks for changes, forwarding the round's comments (not the approvals' remarks)."""
        review_round = quorum.open_round(article)
        threads = review_round.comments.filter(parent__isnull=True)
        threads = threads.exclude(signoff__decision=Decision.APPROVE)
        forward = threads.values_list("pk", flat=True)
        return workflow.decide(
            actor=editor,
            article=article,
            decision=Decision.REQUEST_CHANGES,
            letter=letter,
            forward=list(forward),
            password=self.signing_password,
        )

    def second_round(self, article: Article, story, author, members: dict) -> Article:
        """The author revises and answers each forwarded comment; the board, invited again, approves."""
        article = services.article_update_content(
            actor=author, article=article, changes={"body": story.revised_body}
        )
        letter = workflow.letter_of(quorum.latest_round(article))
        responses = [
            {"comment": c.pk, "reply": story.reply, "resolved": True} for c in letter.forwarded.all()
        ]
        article, _warnings = workflow.submit(actor=author, article=article, responses=responses)
        for username in story.second_round_approvals:
            article = self.sign(article, members[username], Decision.APPROVE, "")
        return article

    def sign(self, article: Article, member: BoardMember, decision: str, comments: str) -> Article:
        """The reviewer declares no conflict of interest, then signs off the content under review."""
        assignment = workflow.signable_assignment(member.user, article)
        if assignment is None:
            raise CommandError(f"{member} has no open assignment on {article.slug} to sign off.")
        if assignment.conflict_of_interest is None:
            workflow.declare_conflict(actor=member.user, assignment=assignment, has_conflict=False)
        items = review_form.form_items(quorum.policy_for(article))
        answers = {str(item.pk): {"answer": "yes", "note": ""} for item in items}
        result = workflow.recommend(
            actor=member.user,
            article=article,
            decision=decision,
            comments=comments or "Checked against the cited sources: accurate and clear for its readers.",
            attestation=True,
            conflict_of_interest=False,
            password=self.signing_password,
            form=answers if decision == Decision.APPROVE else {},
        )
        return result.article
