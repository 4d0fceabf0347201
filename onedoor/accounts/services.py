"""Staff accounts and their second factor."""

import base64

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from onedoor.accounts.models import Team, User


def totp_secret_from_device(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app takes."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    collar_number: str = "",
    totp_secret_b32: str | None = None,
) -> tuple[User, str]:
    """Create a staff user with a confirmed TOTP device; returns the user and the base32 secret."""
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        collar_number=collar_number,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if totp_secret_b32:
        padded = totp_secret_b32 + "=" * (-len(totp_secret_b32) % 8)
        key = base64.b32decode(padded).hex()
        device = TOTPDevice.objects.create(user=user, name="default", key=key, confirmed=True)
    else:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user, totp_secret_from_device(device)
