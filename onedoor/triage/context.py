"""What our records already say about a contact, handed to ``assess(context=...)``.

The engine stays pure: it never queries the database. ``onedoor.intake.context.record_context_for``
builds a ``RecordContext`` from the records; tests and the evaluation build one by hand.
Each item raises risk explicitly (how much is set in the policy's ``context:`` section) and is
named in the rationale, in lines that start with "records:".

Nothing here links or merges people: repeat contacts are counted by a shared email address,
phone number or postcode, and the people who made them stay separate records.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORDS_PREFIX = "records: "


@dataclass(frozen=True)
class RecordContext:
    """Facts from our records about the person or place a contact concerns."""

    # Other contacts in the last 30 days from the same email or phone, or about the same postcode.
    repeat_contacts_30d: int = 0
    # What they share, for the rationale: "EH6 5DA", "the same phone number"...
    repeat_about: str = ""
    # An open case at the same postcode or address.
    open_case_same_place: bool = False
    # The open cases' public references, for staff to link the contact to.
    open_case_references: tuple[str, ...] = ()
    # Vulnerability categories recorded as markers on the person (policy VULNERABILITIES).
    person_markers: tuple[str, ...] = ()
    # Any further human-readable lines for the rationale (e.g. a marker's source and review date).
    references: tuple[str, ...] = ()
    # The markers applied (onedoor.people.Marker ids), for the audit trail; the engine ignores them.
    marker_ids: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.repeat_contacts_30d or self.open_case_same_place or self.person_markers)

    def repeat_text(self) -> str:
        """E.g. "3 other contacts about EH6 5DA in the last 30 days"."""
        n = self.repeat_contacts_30d
        about = f" {self.repeat_about}" if self.repeat_about else ""
        return f"{n} other contact{'s' if n != 1 else ''}{about} in the last 30 days"

    def open_case_text(self) -> str:
        refs = ", ".join(self.open_case_references)
        return "an open case at the same address" + (f" ({refs})" if refs else "")


def public_rationale(rationale: str) -> str:
    """A stored rationale without the lines drawn from our records, for anyone outside the force
    (an API client submitting a contact must not learn about other contacts or open cases)."""
    return "; ".join(part for part in rationale.split("; ") if not part.startswith(RECORDS_PREFIX))
