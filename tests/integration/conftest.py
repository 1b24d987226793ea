"""Fixtures shared by the integration tests."""

import pytest

from tests.integration.reads import DocumentsRead


@pytest.fixture
def reads(monkeypatch):
    """Counts the documents each collection hands back (tests/integration/reads.py)."""
    return DocumentsRead(monkeypatch)
