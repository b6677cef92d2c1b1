"""Seed the benchmark database: N articles in a realistic mix of states, with their history.

Two thirds of the articles are approved and published; the rest are drafts, submitted, under
review, sent back for changes, due for re-review or retracted (``MIX``). Each article has the
rows the real workflow leaves behind: a simple-history revision per saved step, the transition
log, its citations, its review rounds, assignments and sign-offs, and for the published ones a
``Publication`` with its cited sources and its stored public documents (with their purge keys).

The rows are written in bulk (``bench.bulk``: ``COPY`` on PostgreSQL, ``bulk_create``
elsewhere; batches of ``BATCH`` articles, one transaction each) rather than by running the
workflow per article, which would take hours at 100,000; on PostgreSQL one process per CPU
writes batches side by side. The Markdown and AMA rendering is the real publishing code's, once
per body variant (an article cites one of ``VARIANTS`` sets of sources); the documents are
rendered per publication by ``public.documents``. The list's counts are made once all rows are
in (``articles.publishing.recount_listed_publications``), as a bulk load does, rather than by
the per-row trigger. Seeding is resumable: it adds the articles missing until there are N.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime, timedelta
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, connections, transaction
from django.utils import timezone
from tqdm import tqdm

from articles import publishing, services
from articles.library.bibliography import render_with_sources
from articles.models import (
    Article,
    Publication,
    Source,
    SourceType,
    Specialty,
    Status,
)
from bench import bulk
from bench.seed_rows import Cast, Plan, Variant, write_batch
from reviews.models import (
    BoardMember,
    ReviewAssignment,
    ReviewRound,
    SignOff,
    TransitionLog,
)

TOPICS = [
    "Cardiology",
    "Dermatology",
    "Endocrinology",
    "Gastroenterology",
    "Neurology",
    "Oncology",
    "Pharmacology",
    "Psychiatry",
]
CONDITIONS = [
    "back pain",
    "migraine",
    "asthma",
    "eczema",
    "psoriasis",
    "diabetes",
    "gout",
    "anaemia",
    "insomnia",
    "depression",
    "anxiety",
    "angina",
    "heart failure",
    "hypertension",
    "stroke",
    "epilepsy",
    "reflux",
    "coeliac disease",
    "hepatitis",
    "kidney stones",
    "glaucoma",
    "acne",
    "osteoporosis",
    "arthritis",
    "shingles",
    "influenza",
    "pneumonia",
    "bronchitis",
    "sinusitis",
    "tinnitus",
    "vertigo",
    "obesity",
    "thyroid disease",
    "lymphoma",
    "melanoma",
    "leukaemia",
    "dementia",
    "parkinsonism",
    "sciatica",
    "tendinitis",
]
ANGLES = ["living with", "treating", "preventing", "understanding", "medicines for", "testing for"]
# A search term of the benchmark: one condition of CONDITIONS, in 1 article of 40.
SEARCH_TERM = "migraine"

# The states, out of every 100 articles, in the order the articles are created.
MIX = [
    (Status.APPROVED, 66),
    (Status.DRAFT, 10),
    (Status.SUBMITTED, 5),
    (Status.UNDER_REVIEW, 5),
    (Status.CHANGES_REQUESTED, 5),
    (Status.REVIEW_DUE, 6),
    (Status.RETRACTED, 3),
]
STATE_OF_SLOT = [status for status, share in MIX for _ in range(share)]
# The steps each state's article has taken: each is a saved revision and a log entry.
STEPS = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.UNDER_REVIEW: ["submit", "start_review"],
    Status.CHANGES_REQUESTED: ["submit", "start_review", "request_changes"],
    Status.APPROVED: ["submit", "start_review", "approve"],
    Status.REVIEW_DUE: ["submit", "start_review", "approve", "flag_for_rereview"],
    Status.RETRACTED: ["submit", "start_review", "approve", "retract"],
}
REFERENCES = 5
VARIANTS = 400
BATCH = 1000
BOARD = 24
ARTICLES_PER_AUTHOR = 1000

PARAGRAPH = (
    "Most people with this condition improve within a few weeks with simple measures, and "
    "serious causes are uncommon. Keep moving as much as symptoms allow, because rest in bed "
    "slows recovery [@{a}]. Over-the-counter pain relief can help in the short term; discuss "
    "longer courses with a pharmacist or doctor, especially if you take other medicines or have "
    "kidney, liver or heart disease [@{b}; @{c}]. Seek urgent care for new weakness, numbness, "
    "fever, or loss of bladder or bowel control [@{d}]."
)


def source_count(articles: int) -> int:
    """The library's size for ``articles`` articles: one source for every two, at least 400."""
    return max(400, articles // 2)


def _body(keys: list[str], target_bytes: int) -> str:
    sections = []
    n = 0
    while sum(len(s) for s in sections) < target_bytes:
        picks = [keys[(n + i) % len(keys)] for i in range(4)]
        paragraph = PARAGRAPH.format(a=picks[0], b=picks[1], c=picks[2], d=picks[3])
        if n % 3 == 0:
            sections.append(f"## Part {n // 3 + 1}\n\n{paragraph}")
        else:
            sections.append(
                f"{paragraph}\n\n- Drink enough fluids.\n- Note what makes it worse [@{keys[-1]}]."
            )
        n += 1
    return "\n\n".join(sections)


@contextlib.contextmanager
def dates_as_given(*models):
    """Let ``bulk_create`` keep the dates set on the objects instead of stamping now."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    for field in fields:
        field.pre_save = _keeping_given_date(field)
    try:
        yield
    finally:
        for field in fields:
            del field.pre_save


def _keeping_given_date(field):
    stamp = type(field).pre_save

    def pre_save(instance, add):
        return getattr(instance, field.attname) or stamp(field, instance, add)

    return pre_save


def _cast(count: int) -> Cast:
    user_model = get_user_model()
    add_article = Permission.objects.get(codename="add_article")
    manage_board = Permission.objects.get(codename="manage_board")
    authors = []
    for k in range(max(1, count // ARTICLES_PER_AUTHOR)):
        # bench-author is the first, as in earlier bench databases.
        name = "bench-author" if k == 0 else f"bench-author-{k}"
        author, created = user_model.objects.get_or_create(
            username=name, defaults={"first_name": "Ada", "last_name": f"Author {k}"}
        )
        if created or k == 0:
            author.user_permissions.add(add_article)
        authors.append(author)
    editor, created = user_model.objects.get_or_create(
        username="bench-editor", defaults={"first_name": "Eve", "last_name": "Editor"}
    )
    editor.user_permissions.add(manage_board)
    topics = [
        Specialty.objects.get_or_create(slug=name.lower(), defaults={"name": name})[0] for name in TOPICS
    ]
    board = []
    for k in range(BOARD):
        user, _ = user_model.objects.get_or_create(
            username=f"bench-reviewer-{k}", defaults={"first_name": "Rita", "last_name": f"Reviewer {k}"}
        )
        member, created = BoardMember.objects.get_or_create(
            user=user, defaults={"display_name": f"Dr. Rita Reviewer {k}", "credentials": "MD"}
        )
        if created:
            member.specialties.add(topics[k % len(topics)])
        board.append(member)
    return Cast(authors=authors, editor=editor, board=board, topics=topics)


def _sources(count: int) -> list[Source]:
    wanted = source_count(count)
    have = Source.objects.filter(key__startswith="bench").count()
    rng = random.Random(7)
    families = ["Will", "Bury", "Miller", "Chen", "Patel", "Okafor", "Nguyen", "Larsen", "Silva"]
    with dates_as_given(Source):
        bulk.create(
            Source,
            [
                Source(
                    key=f"bench{n}",
                    type=SourceType.SYSTEMATIC_REVIEW if n % 3 else SourceType.GUIDELINE,
                    title=f"Outcomes of conservative treatment of {CONDITIONS[n % len(CONDITIONS)]}, "
                    f"a randomised cohort, part {n}",
                    authors=[{"family": rng.choice(families), "given": "J S"}],
                    container_title="American Family Physician",
                    container_title_short="Am Fam Physician",
                    year=2000 + n % 25,
                    volume=str(90 + n % 10),
                    issue=str(1 + n % 12),
                    pages=f"{400 + n}-{410 + n}",
                    doi=f"10.5555/bench.{n}",
                    pmid=str(20000000 + n),
                    created_at=timezone.now() - timedelta(minutes=wanted - n),
                )
                for n in range(have, wanted)
            ],
        )
    # The cited ones: the first VARIANTS * REFERENCES of the library.
    return list(Source.objects.filter(key__startswith="bench").order_by("pk")[: VARIANTS * REFERENCES])


def _variant(cited: list[Source], *, body_bytes: int) -> Variant:
    """A body variant: a body citing ``cited``, rendered by the publishing code."""
    body = _body([s.key for s in cited], body_bytes)
    rendered = render_with_sources(body, cited)
    references = publishing.published_references(rendered)
    # Numbers follow first appearance, which may differ from the list's order.
    by_key = {s.key: s for s in cited}
    ordered = [by_key[ref["key"]] for ref in references]
    return Variant(
        sources=ordered,
        body=body,
        body_html=rendered.html,
        references=references,
        citation_keys=services.find_citation_keys(body),
    )


def _missing(count: int) -> list[range]:
    """The articles still to make, as runs of at most ``BATCH`` numbers. A batch is one
    transaction, but batches end in any order when several processes write them."""
    have = {
        int(slug.removeprefix("bench-"))
        for slug in Article.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
    }
    runs: list[range] = []
    for n in range(count):
        if n in have:
            continue
        if runs and runs[-1].stop == n and len(runs[-1]) < BATCH:
            runs[-1] = range(runs[-1].start, n + 1)
        else:
            runs.append(range(n, n + 1))
    return runs


# What every process of the pool needs, set before it forks (inherited rather than sent).
_job: dict = {}


def _write(numbers: range) -> int:
    with (
        transaction.atomic(),
        dates_as_given(Article, ReviewRound, ReviewAssignment, SignOff, TransitionLog),
    ):
        if connection.vendor == "postgresql":
            # A batch lost to a crash is written again by the next run: no need to wait for the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        _seed_batch(numbers, **_job)
    return len(numbers)


@contextlib.contextmanager
def _processes(workers: int):
    """``map`` over ``workers`` forked processes (in this one when 1), each with its own connection."""
    if workers == 1:
        yield map
        return
    connections.close_all()  # a connection must not be shared across a fork
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_leave_inherited_connections) as pool:
        yield functools.partial(pool.map, chunksize=1)


_inherited: list = []  # connections a forked process found, neither to use nor to close


def _leave_inherited_connections() -> None:
    """Start a forked process without any connection it inherited.

    Django keeps a thread's connections apart for each asyncio context while an event loop runs
    in it (Playwright's does for the rest of a test session). A forked process has no running
    loop, so it sees the thread's other connections, which the parent did not close before the
    fork and may still hold, perhaps ended by the server since. Their sockets are the parent's:
    closing one here would end its session, so each is kept, unused, until the process exits.
    """
    for wrapper in connections.all(initialized_only=True):
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None


@contextlib.contextmanager
def _counted_afterwards():
    """Write publications without the per-row count trigger, then count once (PostgreSQL).

    The trigger counts each new publication against the view of listed ones, whose cost grows
    with the retracted articles; over 75,000 publications that was the seed's largest part. As a
    bulk load does, the count is made once the rows are in, by the same view.
    """
    trigger = "articles_publication_count_listed"
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE articles_publication DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE articles_publication ENABLE TRIGGER {trigger}")
        publishing.recount_listed_publications()


def seed(
    count: int, *, body_bytes: int = 6000, progress: bool = True, workers: int | None = None
) -> list[str]:
    """Make the bench database hold ``count`` articles; returns the listed articles' slugs.

    Idempotent for the same count: articles are only ever added. On PostgreSQL, ``workers``
    processes (one per CPU by default) write batches side by side.
    """
    missing = _missing(count)
    if missing:
        if workers is None:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        cast = _cast(count)
        sources = _sources(count)
        cited = [sources[v * REFERENCES : (v + 1) * REFERENCES] for v in range(len(sources) // REFERENCES)]
        with _processes(workers) as run:
            variants = list(run(functools.partial(_variant, body_bytes=body_bytes), cited[:VARIANTS]))
        # The content hash reads the body's citation keys: the same for every article of a variant.
        known = {v.body: v.citation_keys for v in variants}
        find_keys = services.find_citation_keys

        def known_keys(body: str) -> list[str]:
            return known.get(body) or find_keys(body)

        _job.update(count=count, cast=cast, variants=variants, now=timezone.now())
        with (
            mock.patch.object(services, "find_citation_keys", known_keys),
            tqdm(
                total=count,
                initial=count - sum(map(len, missing)),
                desc="Seeding articles",
                unit="article",
                file=sys.stderr,
                disable=not progress,
            ) as bar,
            _counted_afterwards(),
            _processes(workers) as run,
        ):
            for written in run(_write, missing):
                bar.update(written)
        _gather_statistics()
    return listed_slugs()


def _gather_statistics() -> None:
    """Planner statistics, and on PostgreSQL the visibility map that the public list's index-only
    scans rely on, as autovacuum leaves them on a live database.

    On PostgreSQL the publications take most of it (``ANALYZE`` computes the search index's
    expression for each row of its sample), so they are done on one connection while the other
    tables are done on another. VACUUM cannot run in a transaction.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    quote = connection.ops.quote_name
    others = [
        quote(table)
        for table in connection.introspection.table_names()
        if table not in ("articles_publication", "articles_article")
    ]
    sessions = [
        ["VACUUM (ANALYZE) articles_publication"],
        ["VACUUM (ANALYZE) articles_article", f"ANALYZE {', '.join(others)}"],
    ]
    with ThreadPoolExecutor(len(sessions)) as pool:
        list(pool.map(_run_and_close, sessions))


def _run_and_close(statements: list[str]) -> None:
    """Run ``statements`` on this thread's own connection, then close it."""
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def listed_slugs() -> list[str]:
    """The slugs of the listed publications, newest review first (the list's order)."""
    return list(
        Publication.objects.current()
        .filter(article__retracted_at__isnull=True)
        .order_by("-last_reviewed_at", "-id")
        .values_list("slug", flat=True)
    )


def _plan(n: int, *, count: int, cast: Cast, variants: list[Variant], now: datetime) -> Plan:
    status = STATE_OF_SLOT[n % len(STATE_OF_SLOT)]
    variant = variants[n % len(variants)]
    topic = cast.topics[n % len(cast.topics)]
    # The newest article was created yesterday, the oldest some years ago; steps a day apart.
    created = now - timedelta(days=1, minutes=30 * (count - n))
    steps = [(step, created + timedelta(days=i + 1)) for i, step in enumerate(STEPS[status])]
    condition = CONDITIONS[n % len(CONDITIONS)]
    angle = ANGLES[(n // len(CONDITIONS)) % len(ANGLES)]
    title = f"{angle.capitalize()} {condition}, part {n}"
    last = steps[-1][1] if steps else created
    article = Article(
        title=title,
        slug=f"bench-{n}",
        summary=f"What helps with {condition}, what to avoid, and when to see a doctor.",
        body=variant.body,
        audience="patient" if n % 4 else "professional",
        topic=topic,
        status=status,
        created_at=created,
        updated_at=last,
        content_modified_at=created,
    )
    approved_at = dict(steps).get("approve")
    if approved_at:
        article.first_published_at = approved_at
        article.last_reviewed_at = approved_at
        article.next_review_due = (approved_at + timedelta(days=365)).date()
    if status == Status.REVIEW_DUE:
        article.review_due_reason = "The review interval has passed."
    if status == Status.RETRACTED:
        article.retracted_at = last
        article.retraction_notice = "Withdrawn: the advice no longer reflects current guidance."
    article.content_hash = services.compute_content_hash(article, variant.sources)
    author = cast.authors[n % len(cast.authors)]
    return Plan(n, status, article, variant, author, created, steps)


def _seed_batch(numbers: range, *, count: int, cast: Cast, variants: list[Variant], now: datetime) -> None:
    write_batch(
        [_plan(n, count=count, cast=cast, variants=variants, now=now) for n in numbers], cast=cast, now=now
    )
