"""Which change makes which purge keys stale: the read side listening to the write side.

Each receiver runs inside the transaction of the change it hears and queues exactly the keys of
the public responses the change alters (``public.purging.keys``):

- a new publication (first or next): its article, its topic (and the previous publication's,
  if the article moved), and the lists;
- a transition of an article that has a current publication (review due, re-review, retraction,
  a new revision): its article and the lists, whose rows show its status;
- either of those also purges the article's audience counterpart, whose page offers a switch
  to it while it is listed; linking or unlinking counterparts purges both articles;
- a source whose retraction changed (or whose title changed while it is retracted: the notice
  names it), and a new notice about a source: the source, on every page citing it;
- a topic renamed or removed: the topic and the board (the editorial policy names topics);
- a board member, their specialties, or a review policy: the board.

A published article's page shows its publication, which never changes; what changes is only
what these name. Changes made by ``QuerySet.update()`` or raw SQL send no signal: the domain code
makes none to these facts, and the origin's own cache sees them anyway (``public.freshness``).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django_fsm.signals import post_transition

from articles.models import Article, Publication, Source, SourceNotice, Specialty
from articles.signals import publication_made
from public.purging import keys, outbox
from reviews.models import BoardMember, ReviewPolicy


def publication_published(*, publication: Publication, **_signal) -> None:
    """A new current publication: its page, its topic's lists and every list."""
    if not outbox.purging():
        return
    stale = [keys.article(publication.article_id), keys.topic(publication.topic_slug), keys.LISTS]
    stale += _counterpart(publication.article)
    previous = (
        Publication.objects.filter(article_id=publication.article_id, version__lt=publication.version)
        .order_by("-version")
        .values_list("topic_slug", flat=True)
        .first()
    )
    if previous:
        stale.append(keys.topic(previous))
    outbox.queue(stale)


def article_moved(*, instance: Article, **_signal) -> None:
    """A transition: the status, notices and list row of a published article change with it."""
    if outbox.purging() and (settings.SHOW_PENDING_CONTENT or _is_published(instance)):
        outbox.queue([keys.article(instance.pk), keys.LISTS, *_counterpart(instance)])


def _counterpart(article: Article) -> list[str]:
    # The other audience's article offers a switch to this one while it is listed.
    return [keys.article(article.audience_counterpart_id)] if article.audience_counterpart_id else []


def article_saved(*, instance: Article, update_fields=None, **_signal) -> None:
    """Pending articles are shown as they are edited only where the site shows pending content;
    a new audience counterpart changes the article's page (both sides are saved)."""
    if settings.SHOW_PENDING_CONTENT:
        outbox.queue([keys.article(instance.pk), keys.LISTS])
    elif update_fields and "audience_counterpart" in update_fields:
        outbox.queue([keys.article(instance.pk)])


def _is_published(article: Article) -> bool:
    return Publication.objects.current().filter(article_id=article.pk).exists()


# What an article page shows of a source it cites: whether and when it was retracted, and then
# its title (in the notice).
def remember_source(*, instance: Source, **_signal) -> None:
    """Before a source is saved: what the public saw of it (one query, on edits only)."""
    if instance.pk is None or not outbox.purging():
        instance._public_before = None
        return
    instance._public_before = (
        Source.objects.filter(pk=instance.pk).values_list("retracted_on", "title").first()
    )


def source_saved(*, instance: Source, created: bool, **_signal) -> None:
    before = getattr(instance, "_public_before", None)
    if created or before is None:
        return
    retracted_on, title = before
    if retracted_on != instance.retracted_on or (instance.retracted_on and title != instance.title):
        outbox.queue([keys.source(instance.pk)])


def source_noticed(*, instance: SourceNotice, created: bool, **_signal) -> None:
    if created:
        outbox.queue([keys.source(instance.source_id)])


def remember_topic(*, instance: Specialty, **_signal) -> None:
    known = instance.pk is not None and outbox.purging()
    instance._slug_before = (
        Specialty.objects.filter(pk=instance.pk).values_list("slug", flat=True).first() if known else None
    )


def topic_changed(*, instance: Specialty, created: bool = False, **_signal) -> None:
    if created:
        return  # no public page shows a topic before an article or a member has it
    slugs = {instance.slug, getattr(instance, "_slug_before", None) or instance.slug}
    outbox.queue([*(keys.topic(slug) for slug in slugs), keys.BOARD])


def board_changed(*, action: str = "post_save", **_signal) -> None:
    # m2m_changed is sent before and after each change: the second is enough.
    if action.startswith("post_"):
        outbox.queue([keys.BOARD])


def connect_signals() -> None:
    """Connected from ``PublicConfig.ready``."""
    publication_made.connect(publication_published, dispatch_uid="public-purge-publication")
    post_transition.connect(article_moved, sender=Article, dispatch_uid="public-purge-transition")
    post_save.connect(article_saved, sender=Article, dispatch_uid="public-purge-article")
    pre_save.connect(remember_source, sender=Source, dispatch_uid="public-purge-source-before")
    post_save.connect(source_saved, sender=Source, dispatch_uid="public-purge-source")
    post_save.connect(source_noticed, sender=SourceNotice, dispatch_uid="public-purge-source-notice")
    pre_save.connect(remember_topic, sender=Specialty, dispatch_uid="public-purge-topic-before")
    post_save.connect(topic_changed, sender=Specialty, dispatch_uid="public-purge-topic")
    post_delete.connect(topic_changed, sender=Specialty, dispatch_uid="public-purge-topic-delete")
    for sender in (BoardMember, ReviewPolicy):
        label = sender._meta.label
        post_save.connect(board_changed, sender=sender, dispatch_uid=f"public-purge-board:{label}")
        post_delete.connect(board_changed, sender=sender, dispatch_uid=f"public-purge-board-delete:{label}")
    m2m_changed.connect(
        board_changed, sender=BoardMember.specialties.through, dispatch_uid="public-purge-board-specialties"
    )
