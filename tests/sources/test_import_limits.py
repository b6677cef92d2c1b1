"""Files the import refuses or reads whole, through the API and the web page alike: JSON nested
too deeply, several ``@string`` macros, fields too long to decode, uploads too large."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Source
from tests.web.conftest import client_for as web_client_for

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/editorial/sources/import/"


@pytest.fixture
def author_web(author):
    return web_client_for(author)


def api_import(client, name: str, content: bytes, **fields):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


def web_import(client, name: str, content: bytes, **fields):
    return client.post(
        reverse("editorial:source_import"), {"file": SimpleUploadedFile(name, content), **fields}
    )


# CSL-JSON nested too deeply ------------------------------------------------------------------

DEEP_CSL = (
    '[{"id": "a2020", "title": "First"},\n {"title": "Deep", "custom": ' + "[" * 50_000 + "]" * 50_000 + "}]"
).encode()
TOO_DEEP = "Not valid CSL-JSON: line 2: nested deeper than 100 levels"


def test_api_import_refuses_csl_json_nested_too_deeply(author_api):
    response = api_import(author_api, "refs.json", DEEP_CSL)

    assert response.status_code == 400
    assert response.json() == {"file": [TOO_DEEP]}
    assert not Source.objects.exists()


def test_web_import_refuses_csl_json_nested_too_deeply(author_web):
    response = web_import(author_web, "refs.json", DEEP_CSL)

    assert response.status_code == 400
    assert TOO_DEEP in response.content.decode()
    assert not Source.objects.exists()


# Several @string macros (the reader's fix, guarded end to end) --------------------------------

MACROS = b'@string{jama="JAMA"} @string{bmj="BMJ"} @article{k, title={T}, author={Doe, J}, journal=jama, year={2020}}'
ONE_A_LINE = MACROS.replace(b"} @", b"}\n@")


@pytest.mark.parametrize("content", [MACROS, ONE_A_LINE], ids=["one line", "one a line"])
def test_api_import_reads_several_string_macros(author_api, content):
    response = api_import(author_api, "refs.bib", content)

    assert response.status_code == 200, response.json()
    assert (response.json()["created_count"], response.json()["rejected_count"]) == (1, 0)
    assert Source.objects.get(key="k").container_title == "JAMA"


@pytest.mark.parametrize("content", [MACROS, ONE_A_LINE], ids=["one line", "one a line"])
def test_web_import_reads_several_string_macros(author_web, content):
    response = web_import(author_web, "refs.bib", content)

    assert response.status_code == 200
    assert "Imported: 1 new" in response.content.decode()
    assert Source.objects.get(key="k").container_title == "JAMA"
