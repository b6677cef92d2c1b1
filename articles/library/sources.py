"""Library sources one at a time (API, web, admin): the fields, duplicates, keys, create and update.

Identifiers are normalised and validated by ``Source.clean``. The same DOI or PMID is never two
Sources: the database refuses it (``source_unique_doi``, ``source_unique_pmid``) and this module
names the source that already holds it, also when a concurrent writer won the race. Citation keys
are unique: a taken key gets a letter, ``will2018`` → ``will2018a``, ``will2018b``. Who may add or
change a source is ``articles.roles``'s to say; a change re-hashes the articles citing the source
and is announced with ``articles.signals.source_changed``.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from articles import roles, services
from articles.library.bibliography import source_to_csl
from articles.library.citations import citation_key, infer_publication_type
from articles.models import Article, Publication, Source, Status
from articles.signals import source_changed

# The fields a person may set on a source; the retraction fields change only through
# ``reviews.retractions.retract_source``.
EDITABLE_SOURCE_FIELDS = (
    "key",
    "type",
    "publication_type",
    "title",
    "authors",
    "container_title",
    "container_title_short",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "publisher",
    "accessed",
)
# The stored fields a source's publication type is inferred from when none is given.
INFERRED_FROM = ("container_title", "volume", "issue", "pages", "pmid", "url", "publisher")
IDENTIFIER_LABELS = {"doi": "DOI", "pmid": "PMID", "key": "citation key"}
KEY_MAX_LENGTH = Source._meta.get_field("key").max_length

# Duplicates and keys -------------------------------------------------------------------------


class DuplicateSource(ValidationError):
    """The DOI, PMID or citation key already belongs to another source, named in ``existing``."""

    def __init__(self, field_name: str, existing: Source):
        self.field = field_name
        self.existing = existing
        message = ValidationError(
            _("The %(label)s %(value)s already belongs to source %(id)s: [@%(key)s] %(title)s."),
            code="duplicate",
            params={
                "label": IDENTIFIER_LABELS[field_name],
                "value": getattr(existing, field_name),
                "id": existing.pk,
                "key": existing.key,
                "title": existing.title,
            },
        )
        super().__init__({field_name: [message]})


def find_duplicate(source: Source) -> DuplicateSource | None:
    """The first clash of ``source`` (DOI, then PMID, then key) with another library source."""
    clauses = {name: getattr(source, name) for name in ("doi", "pmid", "key") if getattr(source, name)}
    if not clauses:
        return None
    query = Q()
    for name, value in clauses.items():
        query |= Q(**{name: value})
    others = Source.objects.filter(query)
    if source.pk:
        others = others.exclude(pk=source.pk)
    found = list(others)
    for name, value in clauses.items():
        for other in found:
            if getattr(other, name) == value:
                return DuplicateSource(name, other)
    return None


def clean_key(value: object) -> str:
    """A usable citation key from a file's key: letters, digits and ``_-:.``, within the length."""
    text = "".join(ch for ch in str(value or "") if ch.isalnum() or ch in "_-:.")
    return text[: KEY_MAX_LENGTH - 4].rstrip(":.")


def _suffixes() -> Iterator[str]:
    """``a`` … ``z``, then ``aa`` … ``zz``, as reference managers disambiguate ``will2018``."""
    for length in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=length):
            yield "".join(letters)


def free_key(base: str, *, also_taken: Iterable[str] = ()) -> str:
    """``base`` if no source uses it, else ``base`` plus the first free letter suffix."""
    taken = set(Source.objects.filter(key__startswith=base).values_list("key", flat=True))
    taken.update(key for key in also_taken if key.startswith(base))
    if base not in taken:
        return base
    return next(base + suffix for suffix in _suffixes() if base + suffix not in taken)


# One source at a time ------------------------------------------------------------------------


def validate_fields(source: Source) -> None:
    """Field-level validation (and identifier normalisation in ``clean``) without queries."""
    # PostgreSQL cannot store NUL characters; a file can contain them.
    texts = {
        name: getattr(source, name) for name in EDITABLE_SOURCE_FIELDS if name not in ("authors", "year")
    }
    texts["authors"] = " ".join(str(value) for name in source.authors for value in dict(name).values())
    with_nul = sorted(name for name, value in texts.items() if isinstance(value, str) and "\x00" in value)
    if with_nul:
        raise ValidationError({name: _("Contains a NUL character.") for name in with_nul})
    exclude = [] if source.key else ["key"]
    source.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def save_new(source: Source, *, actor, reason: str, key_given: bool) -> Source:
    """Insert ``source``; a constraint lost to a concurrent writer names that writer's source."""
    for _attempt in range(3):
        if not key_given:
            source.key = free_key(clean_key(citation_key(source_to_csl(source))) or "source")
        source._history_user = actor
        source._change_reason = reason
        try:
            with transaction.atomic():
                source.save()
            return source
        except IntegrityError:
            source.pk = None
            source._state.adding = True
            duplicate = find_duplicate(source)
            if duplicate is None:
                raise
            if duplicate.field != "key" or key_given:
                raise duplicate from None
            # Someone took the generated key in the meantime: generate the next one.
    raise IntegrityError("could not find a free citation key")


@transaction.atomic
def source_create(*, actor, data: dict) -> Source:
    """Add one source to the library; refused (``DuplicateSource``) when its DOI, PMID or key is taken."""
    if actor is not None and (refusal := roles.add_source_refusal(actor)):
        raise refusal
    unknown = set(data) - set(EDITABLE_SOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    source = Source(**data)
    if not data.get("publication_type"):
        source.publication_type = infer_publication_type(
            evidence_type=source.type,
            **{name: getattr(source, name) for name in INFERRED_FROM},
        )
    validate_fields(source)
    duplicate = find_duplicate(source)
    if duplicate is not None:
        raise duplicate
    return save_new(source, actor=actor, reason="created", key_given=bool(source.key))


@transaction.atomic
def source_update(*, actor, source: Source, changes: dict) -> Source:
    """Correct a source's bibliographic fields under a row lock, with a history reason."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    if actor is not None and (refusal := roles.edit_source_refusal(actor, locked)):
        raise refusal
    unknown = set(changes) - set(EDITABLE_SOURCE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    before = {name: getattr(locked, name) for name in changed}
    if "key" in changed and locked.citations.exists():
        # Article bodies cite by key: renaming it would turn their citations into unknown keys.
        raise ValidationError(
            {"key": _("[@%(key)s] is cited by articles; its key cannot change.") % {"key": locked.key}}
        )
    for name in changed:
        setattr(locked, name, changes[name])
    if not changed:
        return locked
    validate_fields(locked)
    duplicate = find_duplicate(locked)
    if duplicate is not None:
        raise duplicate
    locked._history_user = actor
    locked._change_reason = ("edited: " + ", ".join(changed))[:100]
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        duplicate = find_duplicate(locked)
        if duplicate is None:
            raise
        raise duplicate from None
    announce_change(locked, before=before, actor=actor)
    return locked


class SourceInUse(ValidationError):
    """A source that an article or a publication cites cannot be deleted."""


@transaction.atomic
def source_delete(*, actor, source: Source) -> None:
    """Remove a source nothing cites (no article's content, no publication, no attachment)."""
    locked = Source.objects.select_for_update().get(pk=source.pk)
    if actor is not None and (refusal := roles.edit_source_refusal(actor, locked)):
        raise refusal
    in_use = (
        locked.citations.exists()
        or locked.published_citations.exists()
        or locked.attached_to.exists()
        or locked.notices.exists()
    )
    if in_use:
        raise SourceInUse(
            _("[@%(key)s] is cited, attached to an article or has notices; it stays in the library.")
            % {"key": locked.key},
            code="in_use",
        )
    locked._history_user = actor
    locked._change_reason = "deleted"
    locked.delete()


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def announce_change(source: Source, *, before: dict, actor) -> None:
    """Re-hash the articles citing ``source`` and tell the review side what changed, by whom."""
    changes = {name: [_plain(old), _plain(getattr(source, name))] for name, old in before.items()}
    articles = services.rehash_citing_articles(
        source, actor=actor, reason=f"cited source [@{source.key}] changed: {', '.join(changes)}"
    )
    if articles:
        source_changed.send(
            sender=Source,
            source=source,
            changes=changes,
            by=actor,
            history=source.history.order_by("-history_id").first(),
            articles=articles,
        )


# Who cites a source ----------------------------------------------------------------------------


def articles_citing(source: Source) -> QuerySet[Article]:
    """Articles whose current content cites ``source`` (one indexed query on the citation rows)."""
    return Article.objects.filter(citations__source=source).order_by("title", "pk")


def publications_citing(source: Source) -> QuerySet[Publication]:
    """Live publications whose reference list includes ``source`` (one indexed query).

    A live publication cites what the board signed, which differs from the working draft while
    the article is being revised: its ``PublishedCitation`` rows say, not the article's citations.
    """
    return (
        Publication.objects.current()
        .exclude(article__status=Status.RETRACTED)
        .filter(published_citations__source=source)
        .only("pk", "slug", "title", "article_id", "approved_at")
        .order_by("title", "pk")
    )
