"""The layers run one way: ``public``, ``demo`` → ``reviews`` → ``articles``.

``lint-imports`` (pyproject.toml, run by ``make lint`` and CI) checks every import statement,
module level or inside a function. What it cannot see is checked here: code reaching another
app through the app registry (``apps.get_model``), ``importlib`` or a model label string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app and the apps above it, which it must never reach.
ABOVE = {
    "articles": ("reviews", "public", "demo"),
    "reviews": ("public", "demo"),
}


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string constants that are docstrings (they may name any module)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def reaches_up(path: Path, above: tuple[str, ...]) -> list[str]:
    """What in ``path`` reaches one of the ``above`` apps other than by an import statement."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name.endswith("get_model") or "import_module" in name or name.startswith("importlib"):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            if any(text == app or text.startswith(f"{app}.") for app in above):
                found.append(f"line {node.lineno}: {text!r}")
    return found


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_no_app_reaches_up_through_the_registry_importlib_or_a_label(app):
    found = {
        str(path.relative_to(ROOT)): hits
        for path in _modules(app)
        if (hits := reaches_up(path, ABOVE[app]))
    }

    assert found == {}


def test_the_check_finds_each_way_up(tmp_path):
    module = tmp_path / "sneaky.py"
    module.write_text(
        '"""Docstrings may name reviews.workflow."""\n'
        "from django.apps import apps\n"
        "import importlib\n"
        "def a():\n"
        "    return apps.get_model('reviews', 'SignOff')\n"
        "def b():\n"
        "    return importlib.import_module('reviews.workflow')\n"
        "LABELS = ('reviews.BoardMember',)\n"
    )

    found = reaches_up(module, ABOVE["articles"])

    assert sorted({hit.split(":")[0] for hit in found}) == ["line 5", "line 7", "line 8"]
