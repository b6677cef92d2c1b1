"""The article editor's copies of unsaved text, kept in the author's browser.

``static/js/kept-copies.js`` writes what the author types to the browser's localStorage under
the key the form names (one per user and page: the new article, or an article's id), so an
expired session loses nothing: after logging in again, the form is filled from the copy. The
copy is forgotten once the server has saved the text: a successful save marks its key in the
session, and the next editorial page names it for the script to delete
(``<meta name="editorial-saved-copies">`` in ``editorial/base.html``).
"""

from __future__ import annotations

SESSION_KEY = "editorial_saved_copies"


def copy_prefix(user) -> str:
    """The start of every key of ``user``'s copies (logging out deletes them all)."""
    return f"editorial:{user.pk}:"


def copy_key(user, article=None) -> str:
    """The key of the copy of ``article``'s editor, or of the new-article page."""
    return copy_prefix(user) + ("new" if article is None else f"article-{article.pk}")


def mark_saved(request, article=None) -> None:
    """The server has saved what the editor of ``article`` (None: the new-article page) sent."""
    keys = request.session.get(SESSION_KEY, [])
    key = copy_key(request.user, article)
    if key not in keys:
        request.session[SESSION_KEY] = [*keys, key]


def pop_saved(request) -> list[str]:
    """The keys marked saved since the last editorial page, now forgotten by the session."""
    if SESSION_KEY not in request.session:
        return []
    return request.session.pop(SESSION_KEY)
