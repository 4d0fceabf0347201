import io

import pyotp
import pytest
from django.core.management import CommandError, call_command

from onedoor.accounts.models import User


@pytest.mark.django_db
def test_staff_create_makes_a_user_who_can_sign_in_with_the_printed_secret(client, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase 42\n"))
    out = io.StringIO()
    call_command("staff", "create", "ops1", "--role", "supervisor", "--team", "Tayside response", "--password-stdin",
                 stdout=out, stderr=io.StringIO())
    secret = out.getvalue().split("TOTP secret: ")[1].split()[0]
    user = User.objects.get(username="ops1")
    assert user.role == "supervisor" and user.team.name == "Tayside response"
    response = client.post("/console/sign-in/", {"username": "ops1", "password": "a long enough passphrase 42",
                                                 "token": pyotp.TOTP(secret).now()})
    assert response.status_code == 302


@pytest.mark.django_db
def test_staff_create_refuses_a_weak_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    with pytest.raises(CommandError):
        call_command("staff", "create", "ops2", "--role", "advisor", "--password-stdin", stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.filter(username="ops2").exists()
