"""A bounded, deterministic schemathesis run against the emulator's own OpenAPI document: never a 5xx."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from mailjet_connector.emulator.server import EmulatorServer

# Small budgets keep the whole run well under a minute on 2 cores; reads get more cases than writes.
EXAMPLES = {"GET": 3, "POST": 2, "PUT": 1, "DELETE": 1}


@pytest.fixture
def document(emulator: EmulatorServer) -> dict:
    response = httpx.get(f"{emulator.url}/_emulator/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_covers_the_rest_api(document: dict) -> None:
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    assert "/v3/REST/contact" in paths
    assert any(path.startswith("/v3/REST/contact/") for path in paths)
    assert document["components"]["securitySchemes"]["basicAuth"] == {"type": "http", "scheme": "basic"}


@pytest.mark.slow
def test_generated_requests_never_get_a_server_error(emulator: EmulatorServer, document: dict) -> None:
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    failures = {}
    for operation in operations:
        found = first_server_error(emulator, operation, EXAMPLES.get(operation.method.upper(), 1))
        if found is not None:
            failures[operation.label] = found
    report = sorted(failures.values(), key=lambda line: (" 501" in line, line))  # real crashes first
    assert failures == {}, f"{len(failures)} operations answered 5xx:\n" + "\n".join(report)


def first_server_error(emulator: EmulatorServer, operation, max_examples: int) -> str | None:
    """Run up to `max_examples` generated cases of one operation; describe the first 5xx answer, if any."""
    found: list[str] = []
    auth = (emulator.api_key, emulator.api_secret)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: we only report
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        if found:
            return
        response = case.call(base_url=emulator.url, auth=auth, timeout=10)
        if response.status_code >= 500:
            body = case.body if isinstance(case.body, dict | list | str) else "-"
            found.append(
                f"{case.method} {case.formatted_path} query={case.query} body={body!r:.120}"
                f" -> {response.status_code} {response.text[:120]!r}"
            )

    run()
    return found[0] if found else None
