"""The API fuzzed from its own OpenAPI schema (schemathesis), as a county officer with a token, a few examples per
operation: no answer may be a server error, and every answer must match the schema it documents."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from .factories import PASSWORD, MeasureFactory, PersonFactory


@pytest.fixture
def token(client, county_officer) -> str:
    response = client.post(reverse("api:token"), {"username": county_officer.username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def api_schema(db, token, township_a, township_b, township_c):
    """The schema served at /api/schema/, called in-process (WSGI) against a county with a few persons."""
    for township in (township_a, township_b, township_c):
        MeasureFactory(person=PersonFactory(township=township))
    auth = {"Authorization": f"Token {token}"}
    # As Django's test client does: the handler must not close the test's connection after each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=auth)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


pytestmark = pytest.mark.django_db
# Revoking tokens is left out: ids are small integers, and the fuzzer would revoke its own token mid-run.
schema = schemathesis.pytest.from_fixture("api_schema").exclude(method="DELETE", path_regex=r"^/api/v1/auth/tokens/")


@schema.parametrize()
@hypothesis_settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_has_no_server_error_and_keeps_to_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
