"""Phone numbers are stored in E.164; people type them every which way."""

import phonenumbers


def phone_to_e164(typed: str, region: str = "GB") -> str | None:
    """Return the E.164 form of a valid phone number, or None."""
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return None
    # "Possible" rather than "valid": Ofcom's drama ranges (07700 900xxx) and new ranges must work too.
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
