"""onedoor triage-export: the force's own assessments as labelled data for triage-eval/-train."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from onedoor.accounts.models import Role
from onedoor.audit.models import AuditEvent
from onedoor.cases.services import Actor, case_assess
from onedoor.triage.evaluation import read_labelled
from onedoor.triage.policy import FACTORS

pytestmark = pytest.mark.django_db
LEVELS = dict.fromkeys(FACTORS, "none")


def test_staff_assessments_are_exported_as_labelled_contacts(submit_contact, make_user, tmp_path):
    advisor = make_user(Role.ADVISOR)
    assessed = submit_contact("Lost my wallet on the bus, call me on 07700 900982 or jane.doe@example.com").case
    submit_contact("Nobody has looked at this one yet.")  # no staff assessment: not exported
    case_assess(case=assessed, actor=Actor(user=advisor), grade="standard", levels=LEVELS,
                vulnerabilities=["older_or_frail"], reason="She is 88 and the wallet was taken, not lost")
    case_assess(case=assessed, actor=Actor(user=advisor), grade="prompt", levels=LEVELS,
                vulnerabilities=["older_or_frail"], reason="The thief is her carer")
    out = tmp_path / "reviewed.jsonl"
    call_command("triage_export", "--out", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [{
        "id": assessed.public_reference, "channel": "web",
        "text": "Lost my wallet on the bus, call me on [phone] or [email]",
        "expected": {"grade": "prompt", "vulnerabilities": ["older_or_frail"], "call_999_advice": False},
    }]
    assert len(read_labelled(str(out), require_expected=True)) == 1  # what triage-train reads
    event = AuditEvent.objects.get(action="triage.export")
    assert event.detail == {"contacts": 1, "since": ""}


def test_since_and_bad_arguments(submit_contact, make_user, tmp_path):
    case = submit_contact("A man is shouting at people outside the shop right now").case
    case_assess(case=case, actor=Actor(user=make_user(Role.ADVISOR)), grade="immediate", levels=LEVELS,
                vulnerabilities=[], reason="He has a bottle")
    out = tmp_path / "later.jsonl"
    call_command("triage_export", "--out", str(out), "--since", "2999-01-01")
    assert out.read_text(encoding="utf-8") == ""
    call_command("triage_export", "--out", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["expected"]["call_999_advice"] is True
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("triage_export", "--out", str(out), "--since", "yesterday")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("triage_export", "--out", str(tmp_path / "missing" / "x.jsonl"))
