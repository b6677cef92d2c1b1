"""Time the review workflow's steps on an article with a short and with a long history.

    python -m bench.workflow [--repeat 7]          # on the bench database (make bench seeds it)

Two drafts with the same content: one fresh (one revision, no review yet), one with a long
history (``--revisions`` revisions, ``--rounds`` closed review rounds, each with two sign-offs
asking for changes with comments: ``2 * rounds`` comments). On each, the steps of one review
run in process through ``reviews.workflow``, inside a transaction rolled back at the end so the
article can be reviewed again: submit (which asks the last round's reviewers again), assign two
reviewers, start the review, the first sign-off, and the second, which reaches the quorum and
approves and publishes.
Prints, per step, the queries and the median time of ``--repeat`` runs, and the long history's
time as a multiple of the fresh article's (goal: within 1.2).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

# A decision step (an editor's decision closing the round) is not in reviews.workflow yet. When
# it is, add it to ``review_steps`` between the sign-offs and the approval: ``DECISION_STEP``
# is where it goes, named so it is found.
DECISION_STEP = None


@dataclass
class Step:
    name: str
    queries: int
    seconds: float


class RolledBack(Exception):
    """Raised to roll back one run of the steps."""


def review_steps(article, cast) -> list[tuple[str, Callable]]:
    """The steps of one review, each a call of ``reviews.workflow``, in order."""
    from reviews import workflow

    first, second = cast.board[0], cast.board[7]

    def sign(member):
        return lambda: workflow.sign_off(
            actor=member.user,
            article=article,
            decision="approve",
            comments="Checked against the cited guideline.",
            attestation=True,
            conflict_of_interest=False,
        )

    steps = [
        ("submit", lambda: workflow.submit(actor=cast.authors[0], article=article)),
        (
            "assign two reviewers",
            lambda: workflow.assign_reviewers(actor=cast.editor, article=article, reviewers=[first, second]),
        ),
        ("start review", lambda: workflow.start_review(actor=cast.editor, article=article)),
        ("sign-off", sign(first)),
    ]
    if DECISION_STEP is not None:
        steps.append(("decision", lambda: DECISION_STEP(article=article, cast=cast)))
    steps.append(("sign-off reaching quorum: approve and publish", sign(second)))
    return steps


def run_once(article, cast) -> list[Step]:
    """Take the review's steps on ``article`` and roll them back; each step's queries and time."""
    from django.db import connection, transaction

    measured = []
    try:
        with transaction.atomic():
            for name, step in review_steps(article, cast):
                statements = []

                def count(execute, sql, params, many, context, statements=statements):
                    statements.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    started = time.perf_counter()
                    step()
                    elapsed = time.perf_counter() - started
                measured.append(Step(name, len(statements), elapsed))
            raise RolledBack
    except RolledBack:
        pass
    return measured


def long_history(article, cast, *, revisions: int, rounds: int) -> None:
    """Give ``article`` (a draft) ``revisions`` revisions in all and ``rounds`` closed rounds,
    each with two sign-offs asking for changes, as years of review would have left them."""
    from articles.models import Article, Status
    from bench import bulk
    from reviews.models import (
        ATTESTATION,
        AssignmentStatus,
        Decision,
        ReviewAssignment,
        ReviewRound,
        RoundStatus,
        SignOff,
        TransitionLog,
    )

    history = Article.history.model
    latest = article.history.order_by("-history_id").first()
    fields = [f.attname for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    start = latest.history_date - timedelta(days=revisions)
    rows = [
        history(
            **{name: getattr(latest, name) for name in fields},
            history_date=start + timedelta(days=k),
            history_change_reason="edited: body",
            history_type="~",
            history_user=cast.authors[0],
        )
        for k in range(revisions - 1)
    ]
    bulk.create(history, rows)
    closed = [
        ReviewRound(
            article=article,
            number=n,
            status=RoundStatus.CHANGES_REQUESTED,
            opened_at=start + timedelta(days=n),
            started_at=start + timedelta(days=n),
            closed_at=start + timedelta(days=n + 1),
        )
        for n in range(1, rounds + 1)
    ]
    bulk.create(ReviewRound, closed)
    assignments = [
        ReviewAssignment(
            round=review_round,
            reviewer=member,
            assigned_by=cast.editor,
            assigned_at=review_round.opened_at,
            due_date=review_round.closed_at.date(),
            status=AssignmentStatus.SIGNED_OFF,
            conflict_of_interest=False,
            conflict_declared_at=review_round.opened_at,
        )
        for review_round in closed
        # Others than the reviewers of the timed review, whom submitting asks again.
        for member in (cast.board[3], cast.board[4])
    ]
    bulk.create(ReviewAssignment, assignments)
    bulk.create(
        SignOff,
        [
            SignOff(
                assignment=assignment,
                article_history_id=rows[k % len(rows)].history_id if rows else latest.history_id,
                content_hash=article.content_hash,
                decision=Decision.REQUEST_CHANGES,
                comments=f"Point {k}: the dose in part 2 needs the guideline it comes from.",
                attestation=ATTESTATION,
                signed_at=assignment.round.closed_at,
            )
            for k, assignment in enumerate(assignments)
        ],
    )
    bulk.create(
        TransitionLog,
        [
            TransitionLog(
                article=article,
                action=action,
                from_status=source,
                to_status=target,
                actor=cast.editor,
                at=review_round.opened_at,
                content_hash=article.content_hash,
            )
            for review_round in closed
            for action, source, target in (
                ("submit", Status.DRAFT, Status.SUBMITTED),
                ("start_review", Status.SUBMITTED, Status.UNDER_REVIEW),
                ("request_changes", Status.UNDER_REVIEW, Status.CHANGES_REQUESTED),
            )
        ],
    )


def workflow_article(slug: str, cast, **history):
    """The bench's draft named ``slug``, made (with ``history``, if any) the first time."""
    from articles import services
    from articles.models import Article
    from bench.seed import REFERENCES, _body, dates_as_given

    existing = Article.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    keys = [f"bench{n}" for n in range(REFERENCES)]
    article = services.article_create_draft(
        actor=cast.authors[0],
        title=f"Workflow benchmark: {slug}",
        topic=cast.topics[0],
        summary="The same content on both articles; only the history differs.",
        body=_body(keys, 6000),
        slug=slug,
    )
    if history:
        with dates_as_given(*_dated_models()):
            long_history(article, cast, **history)
    return article


def _dated_models():
    from reviews.models import ReviewAssignment, ReviewRound, SignOff, TransitionLog

    return ReviewRound, ReviewAssignment, SignOff, TransitionLog


def measure(*, repeat: int, revisions: int, rounds: int) -> dict[str, list[Step]]:
    """The median of ``repeat`` runs of each step, on the fresh and on the long-history article,
    taken in turn."""
    from django.db import transaction

    from bench.seed import _cast

    with transaction.atomic():
        cast = _cast(1)
        articles = {
            "1 revision": workflow_article("workflow-bench-fresh", cast),
            f"{revisions} revisions, {rounds} rounds, {2 * rounds} comments": workflow_article(
                f"workflow-bench-history-{revisions}-{rounds}", cast, revisions=revisions, rounds=rounds
            ),
        }
    for article in articles.values():
        run_once(article, cast)  # warm-up
    # One run on each article in turn, so that the machine's drift falls on both alike.
    runs = {label: [] for label in articles}
    for _ in range(repeat):
        for label, article in articles.items():
            runs[label].append(run_once(article, cast))
    return {
        label: [
            Step(steps[0].name, steps[0].queries, statistics.median(step.seconds for step in steps))
            for steps in zip(*article_runs, strict=True)
        ]
        for label, article_runs in runs.items()
    }


def report(results: dict[str, list[Step]]) -> None:
    (short_label, short), (long_label, long) = results.items()
    print(f"{'step':<46} {'queries':>15} {'ms (median)':>19} {'ratio':>6}")
    print(f"{'':<46} {'short':>7} {'long':>7} {'short':>9} {'long':>9}")
    for a, b in zip(short, long, strict=True):
        print(
            f"{a.name:<46} {a.queries:>7} {b.queries:>7} {a.seconds * 1000:>9.1f} {b.seconds * 1000:>9.1f} "
            f"{b.seconds / a.seconds:>6.2f}"
        )
    total_a, total_b = sum(s.seconds for s in short), sum(s.seconds for s in long)
    ratio = total_b / total_a
    print(f"{'all steps':<46} {'':>15} {total_a * 1000:>9.1f} {total_b * 1000:>9.1f} {ratio:>6.2f}")
    print(f"short: {short_label}; long: {long_label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    from bench.editorial import bench_setup

    bench_setup()
    from django.db import connection

    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    report(measure(repeat=args.repeat, revisions=args.revisions, rounds=args.rounds))


if __name__ == "__main__":
    main()
