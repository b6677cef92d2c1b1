"""An import does not hold SQLite's write lock while it checks a file, nor between the batches it
writes: another connection edits an article meanwhile, waiting at most 100 ms for the lock.

On SQLite every transaction takes the database's write lock when it begins (the settings'
``transaction_mode: IMMEDIATE``); an import in one transaction kept every other writer out until
it finished. The scenario runs in a child process (``sqlite_import_child``) on a SQLite file
with the project's settings: the test database is in memory, where SQLite locks otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def child(db: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run(
        [sys.executable, "-m", "tests.sources.sqlite_import_child", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test."""
    db = tmp_path_factory.mktemp("sqlite") / "migrated.sqlite3"
    child(db, "migrate")
    return db


@pytest.fixture
def database(sqlite_file, tmp_path) -> Path:
    copy = tmp_path / "import.sqlite3"
    copy.write_bytes(sqlite_file.read_bytes())
    return copy


def test_an_article_is_edited_while_a_dry_run_checks_the_file(database):
    result = json.loads(child(database, "import", "--dry-run"))

    assert result["edits"] == [["check", "edited"]] * 3
    assert (result["created"], result["imported"]) == (6, False)
    assert result["title"] == "Edited after check batch 3"


def test_an_article_is_edited_between_the_batches_an_import_writes(database):
    result = json.loads(child(database, "import"))

    assert result["edits"] == [["check", "edited"]] * 3 + [["write", "edited"]] * 3
    assert (result["created"], result["imported"]) == (6, True)
    assert result["title"] == "Edited after write batch 3"
