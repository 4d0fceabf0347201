"""Every change to a case: one function each, atomic, audited, notifying after commit."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from onedoor.accounts.models import Team, User
from onedoor.audit.services import audit_record
from onedoor.cases.models import Case, CaseEvent, CaseStatus
from onedoor.notify.services import notification_queue
from onedoor.triage.models import GRADE_RANK, Assessment, Grade, Response


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tracking_token_new() -> str:
    return secrets.token_urlsafe(24)


def secret_code_new() -> str:
    """A code an anonymous reporter can write down: 3 groups of 4 digits."""
    digits = f"{secrets.randbelow(10**12):012d}"
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"


def normalise_secret_code(typed: str) -> str:
    digits = "".join(ch for ch in typed if ch.isdigit())
    return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}" if len(digits) == 12 else ""


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where, for the audit trail."""

    user: User
    request: HttpRequest | None = None


def _event(*, case: Case, kind: str, text: str, public: bool, author: User | None, detail=None) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, text=text, public=public, author=author, at=timezone.now(), detail=detail or {}
    )


def _notify_reporter(*, case: Case, event: CaseEvent, subject: str, body: str) -> None:
    reporter = case.reporter
    if reporter is None or not reporter.email:
        return
    notification_queue(
        channel="email",
        recipient=reporter.email,
        subject=subject,
        body=body,
        dedupe_key=f"case-event:{event.pk}:email",
        case=case,
    )


@transaction.atomic
def case_add_note(*, case: Case, actor: Actor, text: str) -> CaseEvent:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Enter the note.")})
    event = _event(case=case, kind=CaseEvent.Kind.NOTE, text=text, public=False, author=actor.user)
    audit_record(actor=actor.user, request=actor.request, action="case.note", object_type="case", object_id=case.public_reference)
    return event


@transaction.atomic
def case_add_public_update(*, case: Case, actor: Actor, text: str) -> CaseEvent:
    """A timeline entry the reporter sees on the tracking page; it is also sent to them."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Enter the update for the person who reported this.")})
    event = _event(case=case, kind=CaseEvent.Kind.PUBLIC_UPDATE, text=text, public=True, author=actor.user)
    audit_record(
        actor=actor.user, request=actor.request, action="case.public_update", object_type="case", object_id=case.public_reference
    )
    _notify_reporter(
        case=case,
        event=event,
        subject=f"Update on your report {case.display_reference}",
        body=(
            f"There is an update on your report {case.display_reference}:\n\n{text}\n\n"
            "You can see every update by tracking your report online.\n"
            "If you are in danger now, call 999."
        ),
    )
    return event


@transaction.atomic
def case_change_status(*, case: Case, actor: Actor, status: str, note: str = "") -> CaseEvent:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if not case.can_move_to(status):
        raise ValidationError(
            {
                "status": _("A case that is “%(from)s” cannot be moved to “%(to)s”.")
                % {"from": case.get_status_display(), "to": CaseStatus(status).label}
            }
        )
    old = case.status
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    label = CaseStatus(status).label
    text = _("Status changed to: %(status)s.") % {"status": label}
    if note.strip():
        text += " " + note.strip()
    event = _event(
        case=case, kind=CaseEvent.Kind.STATUS, text=text, public=True, author=actor.user, detail={"from": old, "to": status}
    )
    audit_record(
        actor=actor.user,
        request=actor.request,
        action="case.status",
        object_type="case",
        object_id=case.public_reference,
        detail={"from": old, "to": status},
    )
    _notify_reporter(
        case=case,
        event=event,
        subject=f"Your report {case.display_reference}: {label}",
        body=f"{text}\n\nYou can see every update by tracking your report online.",
    )
    return event


# The levels a THRIVE factor can be given, highest first (the engine's levels).
THRIVE_LEVELS: tuple[str, ...] = ("high", "medium", "low", "none")
CONFIRMED_REASON = "Confirmed engine assessment"


def _responses_for_grade(policy, grade: str) -> list[str]:
    """The responses a grade allows, its standard one first (only other resolution has a choice)."""
    standard = policy.service_standard(grade).response
    if grade != Grade.OTHER_RESOLUTION:
        return [standard]
    return [standard, *(r for r in policy.response_standards if r != standard)]


def _record_staff_assessment(
    *,
    case: Case,
    actor: Actor,
    policy,
    grade: str,
    response: str,
    reason: str,
    thrive: dict,
    vulnerabilities: list[str],
    previous: Assessment | None,
    event_text: str,
    audit_action: str,
    audit_detail: dict,
) -> Assessment:
    """Store a staff assessment on a locked, open case and bring the case in line with it.

    The case's grade, rank, response, vulnerabilities and due time follow the new assessment; the
    due time is still counted from when the case was received. Earlier assessments are kept."""
    from onedoor.intake.services import service_due_at

    old_grade = case.grade
    assessment = Assessment.objects.create(
        case=case,
        made_by=Assessment.MadeBy.STAFF,
        author=actor.user,
        grade=grade,
        response=response,
        vulnerabilities=vulnerabilities,
        call_999_advice=previous.call_999_advice if previous else False,
        thrive=thrive,
        rationale=previous.rationale if previous else "",
        policy_version=policy.version,
        reason=reason,
        previous_grade=old_grade,
    )
    case.grade = grade
    case.grade_rank = GRADE_RANK[Grade(grade)]
    case.response = response
    case.vulnerabilities = vulnerabilities
    case.due_at, _next_steps = service_due_at(
        policy=policy, grade=grade, response=response, received_at=case.created_at, rural=bool(case.area and case.area.rural)
    )
    case.save(update_fields=["grade", "grade_rank", "response", "vulnerabilities", "due_at", "updated_at"])
    _event(
        case=case,
        kind=CaseEvent.Kind.REGRADE if grade != old_grade else CaseEvent.Kind.ASSESSMENT,
        text=event_text,
        public=False,
        author=actor.user,
        detail={"from": old_grade, "to": grade, "assessment": assessment.pk},
    )
    audit_record(
        actor=actor.user,
        request=actor.request,
        action=audit_action,
        object_type="case",
        object_id=case.public_reference,
        justification=reason,
        detail={"from": old_grade, "to": grade, **audit_detail},
    )
    return assessment


def _lock_open_case(case: Case, field: str, message: str) -> Case:
    """The case, locked for the rest of the transaction; `message` (with %(status)s) if it is not open."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({field: message % {"status": case.get_status_display()}})
    return case


@transaction.atomic
def case_assess(
    *,
    case: Case,
    actor: Actor,
    grade: str,
    levels: dict[str, str],
    vulnerabilities: list[str],
    response: str = "",
    reason: str = "",
) -> Assessment:
    """Record an advisor's THRIVE assessment: each factor's level, the vulnerabilities and the grade.

    The advisor confirms or changes what the engine (or an earlier advisor) found. A change of the
    case's grade needs a reason; when the grade stays, the reason is optional and a summary of what
    was confirmed is kept instead. The engine's assessment and every earlier one are kept.
    """
    from onedoor.triage.policy import FACTORS, VULNERABILITIES, load_policy

    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if grade not in Grade.values:
        errors["grade"] = _("Choose a grade.")
    for factor in FACTORS:
        if levels.get(factor) not in THRIVE_LEVELS:
            errors[factor] = _("Choose a level for %(factor)s.") % {"factor": _(factor)}
    unknown = [v for v in vulnerabilities if v not in VULNERABILITIES]
    if unknown:
        errors["vulnerabilities"] = _("Choose vulnerabilities from the list.")
    if errors:
        raise ValidationError(errors)
    case = _lock_open_case(case, "grade", _("A case that is %(status)s cannot be assessed."))
    if grade != case.grade and not reason:
        raise ValidationError({"reason": _("Enter the reason for changing the grade from %(old)s to %(new)s.")
                               % {"old": Grade(case.grade).label, "new": Grade(grade).label}})
    policy = load_policy()
    allowed = _responses_for_grade(policy, grade)
    if response not in allowed:
        response = allowed[0]
    previous = case.assessments.first()
    engine = case.assessments.filter(made_by=Assessment.MadeBy.ENGINE).first()
    previous_thrive = previous.thrive if previous else {}
    engine_thrive = engine.thrive if engine else {}
    thrive, changes = {}, []
    for factor in FACTORS:
        before = (previous_thrive.get(factor) or {}).get("level", "none")
        level = levels[factor]
        engine_factor = engine_thrive.get(factor) or {}
        thrive[factor] = {
            "level": level,
            "reasons": list(engine_factor.get("reasons") or []),
            "engine_level": engine_factor.get("level", ""),
            "advisor": "confirmed" if level == before else f"changed from {before}",
        }
        if level != before:
            changes.append(_("%(factor)s from %(old)s to %(new)s") % {"factor": _(factor), "old": before, "new": level})
    vulnerabilities = [v for v in VULNERABILITIES if v in set(vulnerabilities)]
    added = [v for v in vulnerabilities if v not in case.vulnerabilities]
    removed = [v for v in case.vulnerabilities if v not in vulnerabilities]
    if added:
        changes.append(_("vulnerabilities added: %(list)s") % {"list": ", ".join(added)})
    if removed:
        changes.append(_("vulnerabilities removed: %(list)s") % {"list": ", ".join(removed)})
    if response != case.response and grade == case.grade:
        changes.append(_("response changed to %(response)s") % {"response": Response(response).label})
    if not reason:
        if changes:
            reason = _("Grade confirmed; changed %(changes)s") % {"changes": "; ".join(changes)}
        elif previous is None or previous.made_by == Assessment.MadeBy.ENGINE:
            reason = CONFIRMED_REASON
        else:
            reason = _("Confirmed the current assessment")
    if grade != case.grade:
        text = _regraded_text(case, grade, reason)
    else:
        text = _("Assessment confirmed: %(grade)s. %(reason)s") % {"grade": Grade(grade).label, "reason": reason}
    if changes and grade != case.grade:
        text += " " + _("Also changed: %(changes)s.") % {"changes": "; ".join(changes)}
    return _record_staff_assessment(
        case=case,
        actor=actor,
        policy=policy,
        grade=grade,
        response=response,
        reason=reason,
        thrive=thrive,
        vulnerabilities=vulnerabilities,
        previous=previous,
        event_text=text,
        audit_action="case.assess",
        audit_detail={"levels": dict(levels), "vulnerabilities": vulnerabilities, "response": response},
    )


def _regraded_text(case: Case, grade: str, reason: str) -> str:
    return _("Regraded from %(old)s to %(new)s. Reason: %(reason)s") % {
        "old": Grade(case.grade).label, "new": Grade(grade).label, "reason": reason}


@transaction.atomic
def case_regrade(*, case: Case, actor: Actor, grade: str, reason: str, response: str = "") -> Assessment:
    """Record a staff assessment that overrides the grade only. The reason is mandatory and kept."""
    from onedoor.triage.policy import load_policy

    reason = (reason or "").strip()
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = _("Choose a grade.")
    if not reason:
        errors["reason"] = _("Enter the reason for changing the grade.")
    if errors:
        raise ValidationError(errors)
    case = _lock_open_case(case, "grade", _("A case that is %(status)s cannot be regraded."))
    if grade == case.grade:
        raise ValidationError({"grade": _("The case is already graded %(grade)s.") % {"grade": Grade(grade).label}})
    policy = load_policy()
    if response not in Response.values:
        response = policy.service_standard(grade).response
    previous = case.assessments.first()
    return _record_staff_assessment(
        case=case,
        actor=actor,
        policy=policy,
        grade=grade,
        response=response,
        reason=reason,
        thrive=previous.thrive if previous else {},
        vulnerabilities=list(case.vulnerabilities),
        previous=previous,
        event_text=_regraded_text(case, grade, reason),
        audit_action="case.regrade",
        audit_detail={},
    )


@transaction.atomic
def case_review(*, case: Case, actor: Actor, note: str) -> CaseEvent:
    """A supervisor's review of a prompt case not attended within the review time. Clears the flag."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Enter what you found and what you have done.")})
    case = _lock_open_case(case, "note", _("A case that is %(status)s cannot be reviewed."))
    case.reviewed_at = timezone.now()
    case.reviewed_by = actor.user
    case.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    event = _event(case=case, kind=CaseEvent.Kind.REVIEW, text=_("Supervisor review: %(note)s") % {"note": note},
                   public=False, author=actor.user)
    audit_record(
        actor=actor.user,
        request=actor.request,
        action="case.review",
        object_type="case",
        object_id=case.public_reference,
        justification=note,
        detail={"grade": case.grade},
    )
    return event


@transaction.atomic
def case_allocate(*, case: Case, actor: Actor, officer: User | None = None, team: Team | None = None) -> CaseEvent:
    if officer is None and team is None:
        raise ValidationError({"officer": _("Choose an officer or a team.")})
    if officer is not None and officer.role not in ("officer", "supervisor"):
        raise ValidationError({"officer": _("Cases can only be allocated to officers or supervisors.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({"officer": _("A case that is %(status)s cannot be allocated.") % {"status": case.get_status_display()}})
    case.allocated_officer = officer
    case.allocated_team = team if team is not None else (officer.team if officer else None)
    case.save(update_fields=["allocated_officer", "allocated_team", "updated_at"])
    who = ", ".join(str(x) for x in (officer.display_name if officer else None, case.allocated_team) if x)
    event = _event(
        case=case,
        kind=CaseEvent.Kind.ALLOCATION,
        text=_("Allocated to %(who)s.") % {"who": who},
        public=False,
        author=actor.user,
        detail={"officer": officer.pk if officer else None, "team": case.allocated_team_id},
    )
    audit_record(
        actor=actor.user,
        request=actor.request,
        action="case.allocate",
        object_type="case",
        object_id=case.public_reference,
        detail=event.detail,
    )
    return event
