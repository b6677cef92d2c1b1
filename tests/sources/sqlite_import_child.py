"""The child process of ``test_import_locks``: the project's settings on a SQLite file.

    python -m tests.sources.sqlite_import_child DB migrate
    python -m tests.sources.sqlite_import_child DB import [--dry-run]

``import`` creates an article, then imports a file of six RIS entries in batches of two; after
each batch of each pass (the ``progress`` callback) another thread, on its own connection with a
busy timeout of 100 ms, edits the article through ``article_update_content``. It prints one JSON
line: the outcome of each edit and the import's counts.
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading


def _setup(db: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("SECRET_KEY", "sqlite-import-child")
    os.environ["DJANGO_SETTINGS_MODULE"] = "editorial.settings"
    import django

    django.setup()


def _edit_in_another_connection(article, author, title: str) -> str:
    """Edit the article from a new thread (a new connection), waiting at most 100 ms for a lock."""
    from django.db import OperationalError, connection, connections

    from articles.services import article_update_content

    outcome = []

    def edit():
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 100")
            article_update_content(actor=author, article=article, changes={"title": title})
            outcome.append("edited")
        except OperationalError as exc:
            outcome.append(str(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join()
    return outcome[0]


def _import(dry_run: bool) -> dict:
    from articles.library import importing
    from articles.models import Article
    from tests import factories

    author = factories.AuthorFactory()
    article = factories.ArticleFactory(author=author, topic=factories.SpecialtyFactory())
    edits = []

    def progress(summary):
        title = f"Edited after {summary.phase} batch {summary.read // 2}"
        edits.append([summary.phase, _edit_in_another_connection(article, author, title)])

    text = "".join(f"TY  - JOUR\nID  - lock{n}\nTI  - Work {n}\nPY  - 2020\nER  - \n\n" for n in range(6))
    summary = importing.import_sources(
        io.StringIO(text), "ris", batch_size=2, dry_run=dry_run, progress=progress
    )
    return {
        "edits": edits,
        "created": summary.created_count,
        "imported": summary.imported,
        "title": Article.objects.get(pk=article.pk).title,
    }


def main(argv: list[str]) -> None:
    db, command, *options = argv
    _setup(db)
    if command == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return
    print(json.dumps(_import(dry_run="--dry-run" in options)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
