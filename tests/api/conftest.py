"""Shared by the API tests: a client per demo role, authenticated with a real token."""

import pytest

from tests.api import token_client


@pytest.fixture
def clients(editor, author, coauthor, reviewers):
    return {name: token_client(name) for name in ("alice", "bob", "eve", "dr_baker", "dr_chen", "dr_diaz")}
