"""Writes to articles that are not state transitions: drafting, editing, keeping citations.

State transitions live in ``reviews.workflow``; this module only changes content, and only while
the article is editable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import hashing, roles
from articles.models import CONTENT_FIELDS, Article, Citation, Source
from articles.rendering import find_citation_keys
from editorial.refusals import StaleContent


@dataclass(frozen=True)
class CitationCheck:
    """What the citation check found in an article body."""

    cited: list[Source] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)
    retracted: list[Source] = field(default_factory=list)
    uncited: list[Source] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        messages = [_("Unknown citation key [@%(key)s].") % {"key": key} for key in self.unknown_keys]
        messages += [
            _("[@%(key)s] cites a retracted source: %(title)s.") % {"key": s.key, "title": s.title}
            for s in self.retracted
        ]
        return messages

    @property
    def warnings(self) -> list[str]:
        return [_("Source [@%(key)s] is attached but never cited.") % {"key": s.key} for s in self.uncited]


def check_citations(article: Article) -> CitationCheck:
    """Resolve the body's citation keys against the library and report what is wrong."""
    keys = find_citation_keys(article.body)
    by_key = Source.objects.in_bulk(keys, field_name="key") if keys else {}
    cited = [by_key[key] for key in keys if key in by_key]
    attached = list(article.attached_sources.all()) if article.pk else []
    cited_ids = {s.pk for s in cited}
    return CitationCheck(
        cited=cited,
        unknown_keys=[key for key in keys if key not in by_key],
        retracted=[s for s in cited if s.is_retracted],
        uncited=[s for s in attached if s.pk not in cited_ids],
    )


def content_document(article: Article, cited: list[Source] | None = None) -> dict:
    """The canonical content a sign-off covers (``articles.hashing``), in citation order."""
    if cited is None:
        cited = check_citations(article).cited
    cited_keys = {s.key for s in cited}
    return hashing.signed_content(
        title=article.title,
        summary=article.summary,
        body=article.body,
        audience=article.audience,
        topic=article.topic.slug if article.topic_id else "",
        cited=cited,
        unresolved=[key for key in find_citation_keys(article.body) if key not in cited_keys],
    )


def compute_content_hash(article: Article, cited: list[Source] | None = None) -> str:
    """SHA-256 of the canonical content: everything a reader sees, cited references included.

    A source enters by the fields its printed reference is made of, so correcting a cited
    source's title or link changes the hash as surely as editing the body does.
    """
    return hashing.hash_document(content_document(article, cited))


def sync_citations(article: Article, cited: list[Source]) -> None:
    """Store the article's citations (source and number) so "who cites this" is one query."""
    wanted = [(number, source.pk) for number, source in enumerate(cited, start=1)]
    current = list(article.citations.order_by("number").values_list("number", "source_id"))
    if current == wanted:
        return
    article.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(article=article, source_id=source_id, number=number) for number, source_id in wanted
    )


def rehash_citing_articles(source: Source, *, actor, reason: str) -> list[Article]:
    """Re-hash every article citing ``source`` after it changed; returns those whose hash moved.

    Only the hash changes (with a history row naming the reason): the text is the authors'.
    The articles returned stay locked for the rest of the transaction.
    """
    citing = Article.objects.select_for_update(of=("self",)).select_related("topic")
    rehashed = []
    for article in citing.filter(citations__source=source).order_by("pk"):
        new_hash = compute_content_hash(article)
        if (new_hash, hashing.CONTENT_HASH_VERSION) == (article.content_hash, article.content_hash_version):
            continue
        rehashed.append(article)
        article.content_hash, article.content_hash_version = new_hash, hashing.CONTENT_HASH_VERSION
        article._change_reason = reason[:100]
        article._history_user = actor
        article.save(update_fields=["content_hash", "content_hash_version", "updated_at"])
    return rehashed


def unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "article"
    slug, counter = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def save_content(article: Article, *, actor, reason: str) -> None:
    """Save an article after a content change: hash, citations and a history row with a reason."""
    check = check_citations(article)
    article.content_hash = compute_content_hash(article, check.cited)
    article.content_hash_version = hashing.CONTENT_HASH_VERSION
    article.content_modified_at = timezone.now()
    article._change_reason = reason
    article._history_user = actor
    article.save()
    sync_citations(article, check.cited)


def _refuse(refusal: Exception | None) -> None:
    if refusal is not None:
        raise refusal


@transaction.atomic
def article_create_draft(
    *,
    actor,
    title: str,
    topic,
    summary: str = "",
    body: str = "",
    audience: str = "patient",
    slug: str = "",
    authors=None,
) -> Article:
    """Create a draft with the actor as its author (plus any co-authors given)."""
    _refuse(roles.create_refusal(actor))
    article = Article(
        title=title,
        slug=slug or unique_slug(title),
        summary=summary,
        body=body,
        audience=audience,
        topic=topic,
    )
    article.full_clean(exclude=["content_hash", "status"])
    save_content(article, actor=actor, reason="draft created")
    article.authors.add(actor, *(authors or []))
    return article


@transaction.atomic
def article_update_content(
    *, actor, article: Article, changes: dict, expected_hash: str | None = None
) -> Article:
    """Change an editable article's content under a row lock.

    ``expected_hash`` is the content hash the caller's edit was based on; when the stored content
    has moved on since, the edit is refused with ``StaleContent`` instead of silently overwriting
    a co-author's work.
    """
    locked = Article.objects.select_for_update().get(pk=article.pk)
    _refuse(roles.edit_refusal(actor, locked))
    if expected_hash and expected_hash != locked.content_hash:
        raise StaleContent(
            _("The article was changed by someone else since you loaded it; reload and edit again.")
        )
    unknown = set(changes) - set(CONTENT_FIELDS) - {"attached_sources"}
    if unknown:
        raise ValidationError({name: _("This field cannot be edited.") for name in sorted(unknown)})
    attached = changes.pop("attached_sources", None)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, changes[name])
    locked.full_clean(exclude=["content_hash", "slug", "status"])
    if attached is not None:
        locked.attached_sources.set(attached)
    if changed or attached is not None:
        save_content(locked, actor=actor, reason="edited: " + ", ".join(changed or ["sources"]))
    return locked


@transaction.atomic
def article_delete(*, actor, article: Article) -> None:
    """Delete a draft that was never submitted (``roles.delete_refusal``); nothing else is deleted."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    _refuse(roles.delete_refusal(actor, locked))
    locked.delete()


@transaction.atomic
def article_set_audience_counterpart(*, actor, article: Article, counterpart: Article | None) -> Article:
    """Name (or, with ``None``, clear) the article's version for the other audience, on both sides.

    Each article keeps its own review: linking changes no content and no status. An article has
    at most one counterpart; a previous link of either article is undone.
    """
    ids = [article.pk] + ([counterpart.pk] if counterpart else [])
    locked = {a.pk: a for a in Article.objects.select_for_update().filter(pk__in=ids)}
    article = locked[article.pk]
    counterpart = locked[counterpart.pk] if counterpart else None
    _refuse(roles.link_audience_refusal(actor, article, counterpart))
    if counterpart is not None and counterpart.pk == article.pk:
        raise ValidationError({"audience_counterpart": _("An article cannot be its own counterpart.")})
    if counterpart is not None and counterpart.audience == article.audience:
        raise ValidationError(
            {
                "audience_counterpart": _(
                    "Both articles are for %(audience)s readers: a counterpart is for the other audience."
                )
                % {"audience": article.get_audience_display().lower()}
            }
        )
    previous = {article.audience_counterpart_id, counterpart.audience_counterpart_id if counterpart else None}
    previous -= {None, article.pk, counterpart.pk if counterpart else None}
    for old in Article.objects.select_for_update().filter(pk__in=previous):
        _link(old, None, actor)
    _link(article, counterpart, actor)
    if counterpart is not None:
        _link(counterpart, article, actor)
    return article


def _link(article: Article, counterpart: Article | None, actor) -> None:
    if article.audience_counterpart_id == (counterpart.pk if counterpart else None):
        return
    article.audience_counterpart = counterpart
    article._history_user = actor
    article._change_reason = "audience counterpart: " + (counterpart.slug if counterpart else "none")
    article.save(update_fields=["audience_counterpart", "updated_at"])
