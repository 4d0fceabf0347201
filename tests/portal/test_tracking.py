import pytest

from onedoor.audit.models import AuditEvent
from onedoor.cases.services import Actor, case_add_note, case_add_public_update

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FOUND = "We could not find a report with those details."


def test_track_with_reference_and_email_shows_status_and_public_updates_only(client, submit_contact, make_user):
    case = submit_contact(email="jane@example.com").case
    officer = make_user("officer")
    case_add_public_update(case=case, actor=Actor(user=officer), text="We have checked the CCTV.")
    case_add_note(case=case, actor=Actor(user=officer), text="Suspect known to us (internal).")
    response = client.post("/track/", {"reference": case.display_reference.lower(), "secret": "JANE@example.com"})
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "We have checked the CCTV." in body
    assert "internal" not in body
    assert case.get_status_display() in body
    assert AuditEvent.objects.filter(action="case.track", actor_label="public").exists()


def test_track_with_phone_in_any_format(client, submit_contact):
    case = submit_contact(phone="+447700900982").case
    response = client.post("/track/", {"reference": case.public_reference, "secret": "07700 900 982"})
    assert response.status_code == 302


def test_the_private_link_shows_the_report(client, submit_contact):
    result = submit_contact()
    response = client.get(f"/track/{result.tracking_token}/")
    assert response.status_code == 200 and result.case.display_reference in response.content.decode()
    assert client.get("/track/not-a-real-token/").status_code == 404


def test_anonymous_reporters_track_with_their_secret_code(client, submit_contact):
    result = submit_contact(anonymous=True)
    response = client.post("/track/", {"reference": result.case.public_reference, "secret": result.secret_code.replace("-", " ")})
    assert response.status_code == 302


@pytest.mark.parametrize("reference_kind", ["real", "unknown", "malformed"])
def test_a_wrong_combination_reveals_nothing(client, submit_contact, reference_kind):
    case = submit_contact(email="jane@example.com").case
    reference = {"real": case.public_reference, "unknown": "2345-6789-A", "malformed": "<b>x</b>"}[reference_kind]
    response = client.post("/track/", {"reference": reference, "secret": "someone.else@example.com"})
    assert response.status_code == 200
    body = response.content.decode()
    assert NOT_FOUND in body and "<b>x</b>" not in body


def test_you_cannot_open_a_tracked_page_without_proving_it_is_yours(client, submit_contact):
    case = submit_contact().case
    response = client.get(f"/track/case/{case.public_reference}/")
    assert response.status_code == 302 and response["Location"] == "/track/"


def test_repeated_failures_are_rate_limited(client, submit_contact):
    case = submit_contact().case
    for _ in range(5):
        assert client.post("/track/", {"reference": case.public_reference, "secret": "wrong@example.com"}).status_code == 200
    response = client.post("/track/", {"reference": case.public_reference, "secret": "jane@example.com"})
    assert response.status_code == 429
