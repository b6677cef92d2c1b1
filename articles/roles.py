"""Who may do what with articles and sources: the one place where roles are decided.

Editors hold ``articles.manage_board`` (group *Editors*); authors are the users listed on an
article, and may create articles with ``articles.add_article`` (group *Authors*). A reviewer
is an active board member (``reviews.models.BoardMember``); what reviewers may do is decided by
``reviews.workflow``, which builds on these.

Each ``*_refusal`` returns the exception that answers a request it forbids (``PermissionDenied``
for the role, ``TransitionNotAllowed`` for the state) or ``None``; the matching ``can_*`` is its
boolean, so a button and the request behind it can never disagree.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from articles.models import EDITABLE_STATUSES, Article, Source, Status
from editorial.refusals import TransitionNotAllowed

EDITOR_PERMISSION = "articles.manage_board"
AUTHOR_PERMISSION = "articles.add_article"


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def is_editor(user) -> bool:
    """Editors run the board: assign, start rounds, approve, retract, flag for re-review."""
    return is_signed_in(user) and user.has_perm(EDITOR_PERMISSION)


def editors() -> QuerySet:
    """The active users who hold the editors' permission, directly, by group or as superusers."""
    codename = EDITOR_PERMISSION.split(".", 1)[1]
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename=codename)
            | Q(groups__permissions__codename=codename),
            is_active=True,
        )
        .distinct()
    )


def is_author(user, article: Article) -> bool:
    """``user`` is listed among ``article``'s authors."""
    if not is_signed_in(user) or article.pk is None:
        return False
    # Lists prefetch the authors; answering from them keeps a page of articles to a fixed query count.
    prefetched = getattr(article, "_prefetched_objects_cache", {}).get("authors")
    if prefetched is not None:
        return any(author.pk == user.pk for author in prefetched)
    return article.authors.filter(pk=user.pk).exists()


def can_create_articles(user) -> bool:
    return is_signed_in(user) and user.has_perm(AUTHOR_PERMISSION)


def create_refusal(user) -> PermissionDenied | None:
    return None if can_create_articles(user) else PermissionDenied(_("You may not create articles."))


def edit_refusal(user, article: Article) -> Exception | None:
    """Authors (or an editor) change content while the article is Draft or Changes Requested."""
    if not (is_author(user, article) or is_editor(user)):
        return PermissionDenied(_("Only the article's authors or an editor may edit it."))
    if not article.is_editable:
        return TransitionNotAllowed(
            _(
                "The content can only be edited in Draft or Changes Requested; this article is "
                "%(status)s. Start a revision from the article page to change it."
            )
            % {"status": article.status_label}
        )
    return None


def can_edit(user, article: Article) -> bool:
    return edit_refusal(user, article) is None


def delete_refusal(user, article: Article) -> Exception | None:
    """Only a draft that never left its author's desk may go; every other record is kept."""
    if not (is_author(user, article) or is_editor(user)):
        return PermissionDenied(_("Only the article's authors or an editor may delete it."))
    if article.status != Status.DRAFT or article.first_published_at is not None:
        return TransitionNotAllowed(
            _("Only a draft that was never submitted can be deleted; this article is %(status)s.")
            % {"status": article.status_label}
        )
    return None


def can_delete(user, article: Article) -> bool:
    return delete_refusal(user, article) is None


def verify_audit_refusal(user) -> PermissionDenied | None:
    """Editors verify the audit trail (anyone may read an article's public review record)."""
    return None if is_editor(user) else PermissionDenied(_("Only an editor may verify the audit trail."))


# Sources -------------------------------------------------------------------------------------


def can_add_sources(user) -> bool:
    """Anyone who writes articles (or runs the board) may add sources to the shared library."""
    if is_editor(user) or can_create_articles(user):
        return True
    return is_signed_in(user) and user.has_perm("articles.add_source")


def add_source_refusal(user) -> PermissionDenied | None:
    return None if can_add_sources(user) else PermissionDenied(_("You may not add sources to the library."))


def edit_source_refusal(user, source: Source) -> PermissionDenied | None:
    """Editors may correct any source; authors only one that no article beyond drafting cites.

    A sign-off covers each cited source's printed reference, so once an article citing the
    source has left drafting (submitted, under review, approved...) only an editor may change
    what the reference says; the change then re-hashes the citing articles and voids their
    sign-offs (``reviews.source_changes``). The ``articles.change_source`` permission opens the
    library's pages; it does not widen this rule.
    """
    refusal = add_source_refusal(user)
    if refusal is not None:
        return refusal
    if is_editor(user):
        return None
    if source.citations.exclude(article__status__in=EDITABLE_STATUSES).exists():
        return PermissionDenied(
            _("Only an editor may change a source cited by an article that has left drafting.")
        )
    return None


def can_edit_source(user, source: Source) -> bool:
    return edit_source_refusal(user, source) is None


def link_audience_refusal(user, article: Article, counterpart: Article | None) -> PermissionDenied | None:
    """Editors link any two articles; an author only articles they wrote both of."""
    if is_editor(user):
        return None
    if is_author(user, article) and (counterpart is None or is_author(user, counterpart)):
        return None
    return PermissionDenied(
        _("Only an editor, or the author of both articles, may link their audience versions.")
    )
