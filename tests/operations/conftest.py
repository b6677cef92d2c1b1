"""Fixtures for the operations endpoints: the public fixtures (articles published for real)."""

from tests.public.conftest import publish  # noqa: F401
