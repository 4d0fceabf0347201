"""Public references: short, unambiguous, with a check character so typos are caught.

The alphabet leaves out 0, 1, I, L and O, which people confuse when reading or typing, and U,
which leaves 30 characters: the check character is then ISO 7064's hybrid Mod 31,30 (31 is
prime), which catches every single-character mistake and most swaps of neighbouring characters. Shown as ``ABCD-EFGH-J``; typed in any case, with or
without hyphens or spaces.
"""

import secrets

from stdnum.iso7064 import mod_37_36 as iso7064_hybrid

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8


def reference_generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + iso7064_hybrid.calc_check_digit(body, alphabet=ALPHABET)


def reference_normalise(typed: str) -> str | None:
    """Return the canonical reference for what a person typed, or None if it cannot be one."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -\t")
    if len(cleaned) != BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in cleaned):
        return None
    if not iso7064_hybrid.is_valid(cleaned, alphabet=ALPHABET):
        return None
    return cleaned


def reference_display(reference: str) -> str:
    return f"{reference[:4]}-{reference[4:8]}-{reference[8:]}"
