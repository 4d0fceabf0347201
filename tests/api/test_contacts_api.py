import json

import pytest

from onedoor.accounts.models import Role
from onedoor.api.services import api_key_create, api_key_revoke
from onedoor.audit.models import AuditEvent
from onedoor.cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_key(db):
    return api_key_create(name="test-partner")[1]


def post(client, key, body, **headers):
    return client.post("/api/v1/contacts", data=json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Api-Key {key}", **headers)


def test_submit_a_contact(client, api_key):
    response = post(client, api_key, {
        "text": "Someone smashed my car window last night and took my bag.",
        "answers": {"happened": "earlier", "injured": False},
        "location": {"lat": 55.95, "lon": -3.19, "address": "Leith Walk, Edinburgh EH6"},
        "reporter": {"name": "Jane Doe", "email": "jane@example.com", "phone": "07700 900982", "preferred_language": "en"},
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"reference", "tracking_url", "assessment", "expected_contact_by"}
    assert set(body["assessment"]) == {"grade", "response", "vulnerabilities", "call_999_advice", "rationale"}
    case = Case.objects.get()
    assert case.display_reference == body["reference"]
    assert case.reporter.phone == "+447700900982"
    assert case.latitude == 55.95
    assert AuditEvent.objects.get(action="contact.receive").actor_label == "api-key:test-partner"


def test_an_anonymous_contact_gets_a_secret_code(client, api_key):
    response = post(client, api_key, {"text": "Drug dealing from the flat at 3 High St", "anonymous": True})
    assert response.status_code == 201 and response.json()["secret_code"]


def test_an_idempotent_retry_returns_the_same_response_and_creates_nothing(client, api_key):
    body = {"text": "My shed was broken into overnight."}
    first = post(client, api_key, body, HTTP_IDEMPOTENCY_KEY="abc-123")
    second = post(client, api_key, body, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Case.objects.count() == 1


def test_the_same_idempotency_key_with_a_different_body_is_refused(client, api_key):
    post(client, api_key, {"text": "My shed was broken into overnight."}, HTTP_IDEMPOTENCY_KEY="abc-123")
    response = post(client, api_key, {"text": "Something else entirely."}, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert response.status_code == 422
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("body", "field"), [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": "x", "channel": "fax"}, "channel"),
    ({"text": "x", "answers": {"happened": "tomorrow"}}, "answers"),
    ({"text": "x", "answers": {"injured": "maybe"}}, "answers"),
    ({"text": "x", "answers": {"in_danger": True}}, "answers"),
    ({"text": "x", "location": {"lat": 91, "lon": 0}}, "location"),
    ({"text": "x", "location": {"lat": 55}}, "location"),
    ({"text": "x", "reporter": {"email": "not-an-email"}}, "reporter"),
    ({"text": "x", "reporter": {"phone": "12"}}, "reporter"),
    ({"text": "x", "anonymous": True, "reporter": {"email": "a@example.com"}}, "anonymous"),
    ({"text": 12345678, "answers": []}, "answers"),
])
def test_invalid_input_gets_field_errors_and_changes_nothing(client, api_key, body, field):
    response = post(client, api_key, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.exists()


@pytest.mark.parametrize("payload", [b"{not json", b"[1,2,3]", b"null", b"\xff\xfe"])
def test_malformed_json_is_a_400(client, api_key, payload):
    response = client.post("/api/v1/contacts", data=payload, content_type="application/json", HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    assert response.status_code == 400


@pytest.mark.parametrize("header", ["", "Api-Key", "Api-Key wrong", "Bearer abc", "Api-Key " + "x" * 5000])
def test_missing_or_wrong_keys_are_refused(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post("/api/v1/contacts", data=json.dumps({"text": "hello"}), content_type="application/json", **extra)
    assert response.status_code in (401, 403)
    assert not Case.objects.exists()


def test_a_revoked_key_is_refused(client, db):
    api_key, raw = api_key_create(name="old")
    api_key_revoke(api_key=api_key)
    assert post(client, raw, {"text": "hello"}).status_code in (401, 403)


def test_reading_a_case_needs_a_key_bound_to_staff(client, api_key):
    reference = post(client, api_key, {"text": "My shed was broken into overnight."}).json()["reference"]
    response = client.get(f"/api/v1/cases/{reference}", HTTP_AUTHORIZATION=f"Api-Key {api_key}")
    assert response.status_code == 403


def test_a_staff_key_reads_a_case_with_a_reason_and_is_audited(client, api_key, make_user):
    reference = post(client, api_key, {"text": "My shed was broken into overnight."}).json()["reference"]
    staff_key = api_key_create(name="advisor-tool", user=make_user(Role.ADVISOR))[1]
    response = client.get(f"/api/v1/cases/{reference}", HTTP_AUTHORIZATION=f"Api-Key {staff_key}")
    assert response.status_code == 403 and "X-Access-Reason" in response.json()["detail"]
    response = client.get(f"/api/v1/cases/{reference}", HTTP_AUTHORIZATION=f"Api-Key {staff_key}", HTTP_X_ACCESS_REASON="Callback")
    assert response.status_code == 200
    assert response.json()["reference"] == reference
    assert response.json()["timeline"][0]["kind"] == "created"
    assert AuditEvent.objects.get(action="case.view.api").justification == "Callback"


def test_an_auditor_key_cannot_read_case_contents(client, api_key, make_user):
    reference = post(client, api_key, {"text": "My shed was broken into overnight."}).json()["reference"]
    auditor_key = api_key_create(name="audit", user=make_user(Role.AUDITOR))[1]
    response = client.get(f"/api/v1/cases/{reference}", HTTP_AUTHORIZATION=f"Api-Key {auditor_key}", HTTP_X_ACCESS_REASON="x")
    assert response.status_code == 403


def test_an_unknown_case_is_404(client, make_user):
    staff_key = api_key_create(name="advisor-tool", user=make_user(Role.ADVISOR))[1]
    response = client.get("/api/v1/cases/2345-6789-A", HTTP_AUTHORIZATION=f"Api-Key {staff_key}", HTTP_X_ACCESS_REASON="x")
    assert response.status_code == 404


def test_the_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def test_the_openapi_schema_is_valid_without_warnings():
    import io

    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_marker_on_the_reporters_email_is_not_revealed_to_the_client(client, api_key, make_user):
    """Submitting a report with someone's email must not tell the client that the email carries a
    marker: the answer is what the words alone give; the force's case has the marker."""
    from datetime import timedelta

    from django.utils import timezone

    from onedoor.people.markers import marker_place

    body = {"text": "My bike was stolen from outside the library yesterday afternoon.", "channel": "api",
            "reporter": {"name": "Probe", "email": "victim@example.org"}}
    plain = post(client, api_key, {**body, "reporter": {"name": "Probe", "email": "other@example.org"}}).json()
    marker_place(actor=make_user(Role.SUPERVISOR), kind="email", value="victim@example.org", category="domestic_abuse",
               reason="MARAC referral", review_by=timezone.localdate() + timedelta(days=100))
    response = post(client, api_key, body)
    assert response.status_code == 201
    answer = response.json()
    assert answer["assessment"]["vulnerabilities"] == plain["assessment"]["vulnerabilities"] == []
    assert answer["assessment"]["grade"] == plain["assessment"]["grade"]
    assert "domestic" not in answer["assessment"]["rationale"] and "marker" not in answer["assessment"]["rationale"]
    case = Case.objects.get(public_reference=answer["reference"].replace("-", ""))
    assert "domestic_abuse" in case.vulnerabilities  # the force's case has it
