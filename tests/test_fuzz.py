"""schemathesis against the app's own OpenAPI document, on both databases.

Bounded and reproducible: :data:`EXAMPLES` schema-valid and as many
schema-invalid requests per operation, generated from a fixed seed
(``derandomize``), reads anonymous and POST /articles with a write token.  Every
check schemathesis has must pass — no 5xx, status codes, content types,
headers and bodies as the document says, invalid input refused, auth not
ignored — except ``positive_data_acceptance``: a schema-valid filter that names
nothing (``actor=xyz``) is a 422 by design, which that check cannot know, and
``negative_data_rejection`` for ``text/plain`` bodies, where any bytes are a
valid text (schemathesis sends ``false`` as "not a string").  Operations where
no invalid request exists (a free-form string path) have no negative cases.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from fixtures_api import api_app  # noqa: F401  (fixture)
from timeline import get_db
from timeline.auth import create_token

#: Requests per operation and generation mode, and the seed of the choices hypothesis does not make.
EXAMPLES = 12
SEED = 20260206


@pytest.fixture(scope="module")
def fuzz_app(api_app):  # noqa: F811
    """The fixture database's app with a write token and no write rate limit."""
    with get_db(api_app).session() as session:
        _, secret = create_token(session, "fuzz", ["write"])
    api_app.extensions.pop("timeline.rate_limiter", None)
    api_app.config["TESTING"] = False  # errors become 500 problems, as in production, not exceptions
    api_app.fuzz_secret = secret
    yield api_app
    api_app.config["TESTING"] = True


def _failure_text(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def fuzz(app: Any, mode: GenerationMode) -> tuple[Counter[str], dict[str, str]]:
    """Run every operation of the served document; (examples per operation, first failure per operation)."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {app.fuzz_secret}"}
    examples: Counter[str] = Counter()
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        random.seed(f"{SEED}:{mode.value}:{label}")  # schemathesis draws some choices from the global random


        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        @given(operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            examples[label] += 1
            secured = bool(document["paths"][case.path].get(case.method.lower(), {}).get("security"))
            components = case.meta.components if case.meta else {}
            header = components.get(ParameterLocation.HEADER)
            # a case whose headers were made invalid (no or a malformed Authorization) keeps them: 401 expected
            valid_headers = header is None or header.mode is GenerationMode.POSITIVE
            excluded = [positive_data_acceptance]
            if case.media_type == "text/plain":  # any bytes are a text body: nothing there can be invalid
                excluded.append(negative_data_rejection)
            case.call_and_validate(headers=headers if secured and valid_headers else None, excluded_checks=excluded)

        try:
            run()
        except Unsatisfiable:  # every string is valid there: no invalid request exists to send
            continue
        except BaseException as error:  # hypothesis re-raises the failure it found (an ExceptionGroup)
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            failures[label] = _failure_text(error) + "\n" + str(error)[:2000]
    return examples, failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_schemathesis_finds_nothing(fuzz_app, mode):
    examples, failures = fuzz(fuzz_app, mode)
    report = {"operations": len(examples), "examples": sum(examples.values())}
    print(json.dumps(report))
    for label, text in failures.items():  # the whole report, with a curl line to reproduce it
        print(f"--- {label}\n{text}")
    assert sorted(failures) == []
    document = fuzz_app.test_client().get("/api/v1/openapi.json").get_json()
    operations = sum(1 for item in document["paths"].values() for method in item if method in ("get", "post", "put", "patch", "delete"))
    assert operations >= 19
    if mode is GenerationMode.POSITIVE:
        assert len(examples) == operations
        assert sum(examples.values()) >= operations * 8  # enums narrow a few operations to fewer cases
    else:
        assert len(examples) >= operations * 3 // 4
