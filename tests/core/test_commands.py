import io
import json

import pytest
from django.core.management import call_command

from onedoor.api.models import ApiKey, api_key_hash


@pytest.mark.django_db
def test_apikey_create_prints_the_key_once_and_stores_its_hash(make_user):
    make_user(username="advisor1")
    out = io.StringIO()
    call_command("apikey", "create", "partner", "--user", "advisor1", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    api_key = ApiKey.objects.get()
    assert api_key.key_hash == api_key_hash(raw) and raw not in api_key.key_hash
    assert api_key.user.username == "advisor1"


def test_triage_command_writes_one_line_per_contact(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "channel": "sms", "text": "theres a guy w a knife outside my flat right now"}) + "\n"
        + "not json\n"
        + json.dumps({"id": "b", "channel": "web", "text": "lost my purse last week", "answers": {"happened": "earlier"}}) + "\n"
    )
    target = tmp_path / "out.jsonl"
    call_command("triage", "--input", str(source), "--output", str(target), stderr=io.StringIO())
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(lines) == 3
    assert lines[0]["id"] == "a" and lines[0]["grade"] == "immediate" and lines[0]["call_999_advice"] is True
    assert set(lines[0]) == {"id", "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}
    assert "error" in lines[1]
    assert lines[2]["grade"] == "other_resolution"


@pytest.mark.django_db(transaction=True)
def test_demo_data_loads_once():
    from onedoor.cases.models import Case
    from onedoor.core.models import Area

    call_command("load_demo", stdout=io.StringIO())
    assert Area.objects.filter(kind="division").count() == 13
    count = Case.objects.count()
    assert count >= 45
    assert set(Case.objects.values_list("grade", flat=True)) >= {"immediate", "prompt", "standard", "other_resolution"}
    # Every division has a team, and a demo case is only ever allocated within its own division.
    from onedoor.accounts.models import Team

    assert set(Team.objects.values_list("division__code", flat=True)) >= set(Area.objects.filter(kind="division").values_list("code", flat=True))
    allocated = Case.objects.exclude(allocated_officer=None).select_related("allocated_officer__team", "area")
    assert allocated.exists()
    for case in allocated:
        assert case.allocated_officer.team.division_id == case.area_id, case.public_reference
    call_command("load_demo", stdout=io.StringIO())
    assert Case.objects.count() == count


def test_serve_says_how_contacts_will_be_assessed(monkeypatch):
    from onedoor.core.management.commands.serve import triage_mode_text
    from onedoor.triage import semantic

    monkeypatch.setenv(semantic.ENV_SWITCH, "off")
    assert triage_mode_text().startswith("rules and words reader") and "make install ML=1" in triage_mode_text()
    monkeypatch.setenv("ONEDOOR_TRIAGE_LEARNED", "off")
    assert triage_mode_text().startswith("rules only")
    monkeypatch.delenv("ONEDOOR_TRIAGE_LEARNED")
    monkeypatch.setenv(semantic.ENV_SWITCH, "auto")
    if semantic.semantic_available():
        assert triage_mode_text().startswith("rules, sentence model and learned model learned-")
