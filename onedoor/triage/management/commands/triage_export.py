"""onedoor triage-export --out FILE.jsonl [--since YYYY-MM-DD]

Write the contacts staff have assessed in the console as labelled JSON Lines (the dev.jsonl
format), for measuring the engine (`onedoor triage-eval`) and retraining its learned layer
(`onedoor triage-train`) on the force's own judgements: each case's first contact, with the
latest staff assessment's grade and vulnerabilities as ``expected``. Email addresses and phone
numbers in the text are replaced with [email] and [phone]; the export is in the audit trail.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from onedoor.audit.services import audit_record
from onedoor.intake.models import Contact
from onedoor.triage.engine import call_999_advice
from onedoor.triage.models import Assessment

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w£$€])\+?\d[\d ()-]{7,}\d(?!\w)")


def redact(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", text or ""))


def reviewed_records(since=None):
    """One labelled record per case staff have assessed, oldest case first."""
    staff = Assessment.objects.filter(made_by=Assessment.MadeBy.STAFF)
    if since is not None:
        staff = staff.filter(created_at__gte=since)
    latest = staff.filter(case=OuterRef("case")).order_by("-created_at", "-pk")
    first_contact = Contact.objects.filter(case=OuterRef("case")).order_by("received_at", "pk")
    rows = (
        staff.filter(pk=Subquery(latest.values("pk")[:1]))
        .annotate(contact_pk=Subquery(first_contact.values("pk")[:1]))
        .select_related("case")
        .order_by("case__created_at", "case__pk")
    )
    contacts = Contact.objects.in_bulk([row.contact_pk for row in rows if row.contact_pk])
    for row in rows:
        contact = contacts.get(row.contact_pk)
        if contact is None:
            continue
        yield {
            "id": row.case.public_reference,
            "channel": contact.channel,
            "text": redact(contact.text),
            **({"answers": contact.answers} if contact.answers else {}),
            "expected": {
                "grade": row.grade,
                "vulnerabilities": sorted(row.vulnerabilities or []),
                "call_999_advice": call_999_advice(row.grade, contact.channel),
            },
        }


class Command(BaseCommand):
    help = (
        "Write the contacts staff have assessed as labelled JSON Lines (the dev.jsonl format) for "
        "triage-eval and triage-train: each case's first contact with the latest staff grade and "
        "vulnerabilities. Emails and phone numbers in the text are replaced. The export is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="File to write, or - for standard output.")
        parser.add_argument("--since", help="Only assessments made on or after this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                day = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError("--since must be a date like 2026-11-01") from exc
            since = timezone.make_aware(datetime.combine(day, time.min))
        records = list(reviewed_records(since))
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        if options["out"] == "-":
            sys.stdout.write(text)
        else:
            try:
                with open(options["out"], "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(f"Cannot write {options['out']}: {exc.strerror}") from exc
        audit_record(action="triage.export", object_type="report", object_id="reviewed-contacts",
                     actor_label="command", detail={"contacts": len(records), "since": options["since"] or ""})
        self.stderr.write(f"{len(records)} reviewed contact(s) written")
