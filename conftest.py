"""Project-wide test fixtures: a temporary media/data folder, staff users per role, and a way
to submit a contact through the real intake pipeline."""

import pyotp
import pytest

from onedoor.accounts.models import Role


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def division(db):
    from onedoor.core.models import Area

    force = Area.objects.create(code="PS", name="Police Scotland", kind=Area.Kind.FORCE)
    return Area.objects.create(code="E", name="Edinburgh City", kind=Area.Kind.DIVISION, parent=force, postcode_areas="EH")


@pytest.fixture
def team(db, division):
    from onedoor.accounts.models import Team

    return Team.objects.create(name="Edinburgh response", division=division)


@pytest.fixture
def make_user(db):
    from onedoor.accounts.services import user_create

    created = {}

    def make(role: str = Role.ADVISOR, username: str | None = None, team=None):
        username = username or f"{role}-{len(created) + 1}"
        user, secret = user_create(username=username, password="correct horse battery", role=role, team=team,
                                   first_name=role.capitalize(), last_name="Tester")
        user.totp_secret = secret
        created[username] = user
        return user

    return make


@pytest.fixture
def staff_client(client, make_user):
    """A test client signed in (password and TOTP) as a new user of the given role."""

    def sign_in(role: str = Role.ADVISOR, team=None, user=None):
        user = user or make_user(role, team=team)
        response = client.post(
            "/console/sign-in/",
            {"username": user.username, "password": "correct horse battery", "token": pyotp.TOTP(user.totp_secret).now()},
        )
        assert response.status_code == 302, response.content[:500]
        client.user = user
        return client

    return sign_in


@pytest.fixture
def submit_contact(db):
    from onedoor.intake.services import InboundMessage, Reporter, intake_receive

    def submit(text: str = "My bike was stolen from outside the library yesterday.", *, channel: str = "web",
               answers: dict | None = None, email: str = "jane@example.com", phone: str = "", anonymous: bool = False,
               location_text: str = "Leith Walk, Edinburgh EH6 5DA", **kwargs):
        reporter = None if anonymous else Reporter(name="Jane Doe", email=email, phone=phone, preferred_contact="email")
        return intake_receive(message=InboundMessage(
            channel=channel, text=text, answers=answers or {}, reporter=reporter, anonymous=anonymous,
            location_text=location_text, **kwargs,
        ))

    return submit


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright keeps an event loop running in the main thread once started."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
