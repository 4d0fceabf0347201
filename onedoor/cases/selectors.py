"""Reads of cases. Staff reads go through `access_case_by_reference`, which checks permission
and writes the audit event; the public's go through `case_track_*`, which reveal nothing unless
the reference and the secret match."""

import hmac
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpRequest
from django.utils import timezone

from onedoor.accounts.models import User
from onedoor.accounts.permissions import Capability, user_can
from onedoor.audit.services import audit_record
from onedoor.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus
from onedoor.cases.services import normalise_secret_code, secret_hash
from onedoor.core.references import reference_normalise
from onedoor.people.phones import phone_to_e164
from onedoor.triage.models import Assessment, Grade

DEFAULT_REVIEW_MINUTES = 45


class JustificationRequired(Exception):
    """The case is not allocated to the reader or their team: a reason must be given first."""


def review_minutes() -> int:
    """How long a prompt case may wait unattended before a supervisor reviews it (the policy's)."""
    from onedoor.triage.policy import load_policy

    return load_policy().service_standard(Grade.PROMPT).review_minutes or DEFAULT_REVIEW_MINUTES


def _due_for_review(now: datetime | None = None) -> Q:
    """Prompt, open, not attended and not yet reviewed, received more than the review time ago.

    "Attended" means allocated (to an officer or a team) or moved on from "Received"; neither can
    be undone, so a case leaves this list for good once someone has picked it up. The clock runs
    from when the case was received, like its due time, so re-confirming a grade does not reset it.
    """
    cutoff = (now or timezone.now()) - timedelta(minutes=review_minutes())
    return Q(
        grade=Grade.PROMPT,
        status=CaseStatus.RECEIVED,
        allocated_officer__isnull=True,
        allocated_team__isnull=True,
        reviewed_at__isnull=True,
        created_at__lte=cutoff,
    )


def cases_due_for_review(*, now: datetime | None = None) -> QuerySet[Case]:
    """Prompt cases nobody has attended within the review time, longest waiting first."""
    return Case.objects.select_related("area").filter(_due_for_review(now)).order_by("created_at", "id")


def cases_queue(*, grade: str = "", status: str = "", area_id: int | None = None) -> QuerySet[Case]:
    cases = Case.objects.select_related("area", "allocated_officer", "allocated_team").annotate(
        due_for_review=ExpressionWrapper(_due_for_review(), output_field=BooleanField())
    )
    cases = cases.filter(status=status) if status else cases.filter(status__in=OPEN_STATUSES)
    if grade:
        cases = cases.filter(grade=grade)
    if area_id:
        cases = cases.filter(area_id=area_id)
    return cases.order_by("grade_rank", "due_at", "id")


def case_is_users_work(*, case: Case, user: User) -> bool:
    if case.allocated_officer_id and case.allocated_officer_id == user.pk:
        return True
    return bool(case.allocated_team_id and case.allocated_team_id == user.team_id)


def _case_with_history(reference: str) -> Case | None:
    return (
        Case.objects.select_related("area", "reporter", "allocated_officer", "allocated_team")
        .prefetch_related(
            Prefetch("events", queryset=CaseEvent.objects.select_related("author")),
            "contacts",
            "assessments__author",
        )
        .filter(public_reference=reference)
        .first()
    )


def access_case_by_reference(
    *, user: User, reference: str, request: HttpRequest | None = None, justification: str = "", action: str = "case.view"
) -> Case:
    """The one way staff read a case: permission checked, consultation audited (DPA 2018 s.62).

    Advisors and supervisors work the whole queue; anyone reading a case that is not allocated to
    them or their team must say why, and the reason is kept with the audit event.
    """
    if not user_can(user, Capability.VIEW_CASE):
        raise PermissionDenied
    canonical = reference_normalise(reference)
    case = _case_with_history(canonical) if canonical else None
    if case is None:
        raise Http404
    if not case_is_users_work(case=case, user=user) and not justification.strip():
        raise JustificationRequired
    audit_record(
        actor=user,
        request=request,
        action=action,
        object_type="case",
        object_id=case.public_reference,
        justification=justification.strip(),
    )
    return case


def case_track_by_contact(*, reference: str, email_or_phone: str) -> Case | None:
    """A reporter's own case, if the reference and the email or phone they gave both match."""
    canonical = reference_normalise(reference)
    if not canonical:
        return None
    case = Case.objects.select_related("reporter").filter(public_reference=canonical, anonymous=False).first()
    if case is None or case.reporter is None:
        return None
    typed = (email_or_phone or "").strip()
    if "@" in typed:
        return case if case.reporter.email and case.reporter.email.lower() == typed.lower() else None
    phone = phone_to_e164(typed)
    return case if phone and case.reporter.phone == phone else None


def case_track_by_code(*, reference: str, code: str) -> Case | None:
    canonical = reference_normalise(reference)
    normalised = normalise_secret_code(code)
    if not canonical or not normalised:
        return None
    case = Case.objects.filter(public_reference=canonical).exclude(secret_code_hash="").first()
    if case is None or not hmac.compare_digest(case.secret_code_hash, secret_hash(normalised)):
        return None
    return case


def case_track_by_token(*, token: str) -> Case | None:
    if not token or len(token) > 64:
        return None
    return Case.objects.filter(tracking_token_hash=secret_hash(token)).first()


def case_public_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.filter(public=True).order_by("at", "id")


def cases_of_same_reporter(*, case: Case, limit: int = 10) -> list[Case]:
    """Other cases whose reporter gave the same email or phone, newest first.

    This shows possible repeat contact to staff; it does not say they are the same person.
    """
    reporter = case.reporter
    if reporter is None or not (reporter.email or reporter.phone):
        return []
    same = Q()
    if reporter.email:
        same |= Q(reporter__email__iexact=reporter.email)
    if reporter.phone:
        same |= Q(reporter__phone=reporter.phone)
    return list(Case.objects.filter(same).exclude(pk=case.pk).order_by("-created_at")[:limit])


def staff_regrades(
    *, date_from: date | None = None, date_to: date | None = None, author: User | None = None
) -> QuerySet[Assessment]:
    """Every staff assessment that changed a case's grade, newest first, with `from_grade`.

    The "from" is the grade the case had just before (kept on the assessment); for assessments
    recorded before that was kept, the grade of the assessment before it."""
    earlier = Assessment.objects.filter(case=OuterRef("case"), id__lt=OuterRef("id")).order_by("-id").values("grade")[:1]
    regrades = (
        Assessment.objects.filter(made_by=Assessment.MadeBy.STAFF)
        .select_related("case", "author")
        .annotate(from_grade=Coalesce(NullIf(F("previous_grade"), Value("")), Subquery(earlier)))
        .exclude(from_grade=F("grade"))
    )
    if date_from:
        regrades = regrades.filter(created_at__date__gte=date_from)
    if date_to:
        regrades = regrades.filter(created_at__date__lte=date_to)
    if author is not None:
        regrades = regrades.filter(author=author)
    return regrades.order_by("-created_at", "-id")
