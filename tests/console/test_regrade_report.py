"""The regrade report: every staff assessment that changed a grade, who, when, from, to, why."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.cases.selectors import staff_regrades
from onedoor.cases.services import Actor, case_assess, case_regrade
from onedoor.triage.models import Assessment
from onedoor.triage.policy import FACTORS

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/console/reports/regrades/"
PROMPT_TEXT = "A man hit me outside the pub ten minutes ago and my child saw it"
LEVELS = dict.fromkeys(FACTORS, "none")


@pytest.fixture
def regrades(submit_contact, make_user):
    """Two regrades by two advisors, and one confirmation that must not be listed."""
    alice, bob = make_user(Role.ADVISOR, username="alice"), make_user(Role.ADVISOR, username="bob")
    first = submit_contact(PROMPT_TEXT).case
    second = submit_contact("Lost my wallet on the bus last week.").case
    third = submit_contact(PROMPT_TEXT).case
    case_assess(case=first, actor=Actor(user=alice), grade="immediate", levels=LEVELS | {"threat": "high"},
                vulnerabilities=[], reason="=He has a knife")
    case_regrade(case=second, actor=Actor(user=bob), grade="standard", reason="The wallet was stolen, not lost.")
    case_assess(case=third, actor=Actor(user=bob), grade="prompt", levels=LEVELS, vulnerabilities=[])
    return {"alice": alice, "bob": bob, "first": first, "second": second, "third": third}


def test_the_report_lists_each_grade_change_with_who_from_to_and_why(staff_client, regrades):
    body = staff_client(Role.SUPERVISOR).get(URL).content.decode()
    assert "2 regrades" in body
    assert regrades["first"].display_reference in body and regrades["second"].display_reference in body
    assert regrades["third"].display_reference not in body  # confirmed, not regraded
    assert f'href="/console/cases/{regrades["first"].public_reference}/"' in body
    assert "=He has a knife" in body and "The wallet was stolen, not lost." in body
    rows = list(staff_regrades())
    assert [(r.case, r.from_grade, r.grade) for r in rows] == [
        (regrades["second"], "other_resolution", "standard"), (regrades["first"], "prompt", "immediate")]


def test_the_report_filters_by_user_and_date(staff_client, regrades):
    client = staff_client(Role.SUPERVISOR)
    body = client.get(URL, {"author": regrades["alice"].pk}).content.decode()
    assert regrades["first"].display_reference in body and regrades["second"].display_reference not in body
    Assessment.objects.filter(case=regrades["second"], made_by="staff").update(created_at=timezone.now() - timedelta(days=3))
    today = timezone.localdate()
    body = client.get(URL, {"date_from": today.isoformat(), "date_to": today.isoformat()}).content.decode()
    assert regrades["first"].display_reference in body and regrades["second"].display_reference not in body
    body = client.get(URL, {"date_to": (today - timedelta(days=1)).isoformat()}).content.decode()
    assert regrades["first"].display_reference not in body and regrades["second"].display_reference in body


def test_a_bad_date_range_shows_an_error(staff_client, regrades):
    response = staff_client(Role.SUPERVISOR).get(URL, {"date_from": "2026-11-29", "date_to": "2026-11-01"})
    body = response.content.decode()
    assert "The end date must be the same as or after the start date" in body
    assert regrades["first"].display_reference not in body


def test_older_regrades_without_a_recorded_previous_grade_still_show_it(regrades):
    Assessment.objects.filter(made_by="staff").update(previous_grade="")
    assert sorted((r.from_grade, r.grade) for r in staff_regrades()) == [
        ("other_resolution", "standard"), ("prompt", "immediate")]


def test_the_report_is_paginated(staff_client, submit_contact, make_user):
    advisor = make_user(Role.ADVISOR)
    case = submit_contact(PROMPT_TEXT).case
    for number in range(52):
        grade = "immediate" if number % 2 == 0 else "prompt"
        case_regrade(case=case, actor=Actor(user=advisor), grade=grade, reason=f"Change {number}")
    client = staff_client(Role.SUPERVISOR)
    first = client.get(URL).content.decode()
    assert "Page 1 of 2" in first and "Change 51" in first and "Change 0<" not in first
    assert "Change 0<" in client.get(URL, {"page": 2}).content.decode()


def test_the_csv_download_is_audited_and_safe_in_a_spreadsheet(staff_client, regrades):
    client = staff_client(Role.ADMIN)
    response = client.get(URL, {"author": regrades["alice"].pk, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["when", "username", "name", "case", "from", "to", "reason"]
    assert len(rows) == 2
    assert rows[1][1:6] == ["alice", regrades["alice"].display_name, regrades["first"].display_reference, "Prompt", "Immediate"]
    assert rows[1][6] == "'=He has a knife"  # never run as a formula
    event = AuditEvent.objects.get(action="report.read", detail__format="csv")
    assert event.actor == client.user and event.object_id == "regrades" and event.detail["author"] == "alice"


@pytest.mark.parametrize(("role", "status"), [
    (Role.ADVISOR, 403), (Role.OFFICER, 403), (Role.SUPERVISOR, 200), (Role.AUDITOR, 403), (Role.ADMIN, 200),
])
def test_regrade_report_access_by_role(staff_client, role, status):
    client = staff_client(role)
    assert client.get(URL).status_code == status
    assert client.get(URL, {"format": "csv"}).status_code == status
