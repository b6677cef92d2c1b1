"""The content version: what every stored public response is checked against before it is served.

The database notes every committed change to what the public pages show (``ContentChange``,
written by triggers in the change's own transaction, whatever process made it). The version is
the highest note and the number of notes. Each process reads it at most once every
``PUBLIC_FRESHNESS_SECONDS`` (default 1) and keeps it in its own memory (the ``local`` cache);
a change made in this process forgets it at once and again on commit, so this process's next
request reads the new one. So after any committed change, from any process, a stored response of
the old version is never served for longer than that interval, with or without Redis, and
however long the shared cache was down: the version never lived there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from articles.models import Article, Publication, Source, SourceNotice, Specialty
from editorial.db.replica import read_alias
from public.models import ContentChange
from reviews.models import BoardMember, ReviewPolicy

# This process's memory (a LocMemCache alias); the shared response cache is ``default``.
LOCAL_CACHE = "local"
VERSION_KEY = "public:content-version"

_VERSION_SQL = f"SELECT MAX(id), COUNT(*) FROM {ContentChange._meta.db_table}"

# What a public page shows; a save or delete of any of them in this process forgets the version.
# The database notes the same tables' changes whoever makes them (public/migrations/0001).
WATCHED_MODELS = (Publication, Article, Source, SourceNotice, Specialty, BoardMember, ReviewPolicy)
WATCHED_M2M = (Article.authors.through, BoardMember.specialties.through)

# How many notes pruning keeps (``prune_content_changes``).
KEPT_CHANGES = 1000


def content_version(*, fresh: bool = False) -> str:
    """The current content version, read from the database at most once per interval, or now
    when ``fresh`` (a proxy refreshing its copy after a purge: ``public.purging``)."""
    memory = caches[LOCAL_CACHE]
    version = None if fresh else memory.get(VERSION_KEY)
    if version is None:
        version = read_content_version()
        memory.set(VERSION_KEY, version, timeout=settings.PUBLIC_FRESHNESS_SECONDS)
    return version


def read_content_version() -> str:
    # From where the content is read (a replica during a public read): a lagging replica's
    # responses are tagged with its own version, not with the primary's newer one.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        last, count = cursor.fetchone()
    return f"{last or 0}.{count}"


def _forget() -> None:
    caches[LOCAL_CACHE].delete(VERSION_KEY)


def forget_content_version(*, using: str | None = None, **_signal) -> None:
    """A change in this process: read the version again now, and again once it commits (until
    then another connection reads the old one, so what it stores is tagged old)."""
    _forget()
    transaction.on_commit(_forget, using=using, robust=True)


def connect_signals() -> None:
    """Forget the version on every save or delete of what the public sees (from ``ready()``)."""
    for sender in WATCHED_MODELS:
        label = sender._meta.label
        post_save.connect(forget_content_version, sender=sender, dispatch_uid=f"public-fresh-save:{label}")
        post_delete.connect(
            forget_content_version, sender=sender, dispatch_uid=f"public-fresh-delete:{label}"
        )
    for sender in WATCHED_M2M:
        label = sender._meta.label
        m2m_changed.connect(forget_content_version, sender=sender, dispatch_uid=f"public-fresh-m2m:{label}")


def prune_content_changes() -> int:
    """Delete all but the newest ``KEPT_CHANGES`` notes (a daily job); how many went."""
    newest = ContentChange.objects.order_by("-id").values_list("id", flat=True)[
        KEPT_CHANGES - 1 : KEPT_CHANGES
    ]
    boundary = next(iter(newest), None)
    if boundary is None:
        return 0
    deleted, _by_model = ContentChange.objects.filter(id__lt=boundary).delete()
    return deleted
