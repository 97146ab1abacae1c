"""Oversized and malformed requests are refused with the error envelope, before any handler reads them."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_a_body_larger_than_the_limit_is_refused_with_413(client: TestClient) -> None:
    response = client.post(
        "/credentials/verify",
        content=b"{" + b" " * (3 * 1024 * 1024) + b"}",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_an_unknown_api_path_answers_the_error_envelope(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_openapi_document_lists_the_error_envelope(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Bridgeway API"
    responses = [
        r for path in spec["paths"].values() for op in path.values() for r in op.get("responses", {})
    ]
    assert "403" in responses
    assert "422" in responses
