"""Fuzzing the JSON API from its own OpenAPI document with schemathesis (issue 12; SECURITY F10,
ASVS 13.2.2): every operation, as several roles, with a fixed seed and a bounded number of
examples, so that CI is repeatable and short. No answer may be a 5xx, and every answer must
match what the document declares (status, content type, body schema).

A longer run, as a documented command (README « Test it »):

    FUZZ_EXAMPLES=200 .venv/bin/pytest tests/security/test_api_fuzz.py -p no:cacheprovider
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.harness import bearer, dispose, issue_token, seeded_app

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
ROLES = ("orienteur@demo.example", "plateforme@demo.example", "accompagnant@demo.example")
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, allow_header_conformance)


@pytest.fixture(scope="module")
def fuzzed(seeded_template, tmp_path_factory):
    app = seeded_app(seeded_template, tmp_path_factory.mktemp("fuzz"),
                     PROPAGATE_EXCEPTIONS=False)
    tokens = {email: bearer(issue_token(app, email)) for email in ROLES}
    yield app, tokens
    dispose(app)


@pytest.fixture(scope="module")
def api_schema(fuzzed):
    app, _ = fuzzed
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_what_its_document_says(case, fuzzed):
    """Each generated request is sent as each role, and with no token at all."""
    _, tokens = fuzzed
    for headers in (*tokens.values(), {}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
