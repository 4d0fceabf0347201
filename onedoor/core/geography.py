"""Find the policing division for a place a person described."""

import re

from onedoor.core.models import Area

# Full or outward-only UK postcode, e.g. "EH1 1YZ", "g2 3ab", "KY16".
POSTCODE = re.compile(r"\b([A-Z]{1,2})[0-9][0-9A-Z]?(?:\s*[0-9][A-Z]{2})?\b", re.IGNORECASE)


FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE)


def full_postcode(text: str) -> str:
    """The first full postcode in `text`, normalised ("EH6 5DA"), or ""."""
    match = FULL_POSTCODE.search(text or "")
    return f"{match.group(1).upper()} {match.group(2).upper()}" if match else ""


def postcode_area(text: str) -> str | None:
    match = POSTCODE.search(text or "")
    return match.group(1).upper() if match else None


def area_for_location(location_text: str) -> Area | None:
    letters = postcode_area(location_text)
    if letters:
        for division in Area.objects.filter(kind=Area.Kind.DIVISION).exclude(postcode_areas=""):
            if letters in division.postcode_areas.split():
                return division
    # Without a postcode, a division's name or a town in it may be mentioned.
    lowered = (location_text or "").lower()
    for division in Area.objects.filter(kind=Area.Kind.DIVISION):
        if division.name.lower() in lowered:
            return division
    return None
