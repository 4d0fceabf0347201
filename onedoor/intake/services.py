"""The intake spine: every channel turns what it received into an `InboundMessage` and calls
`intake_receive()`. One transaction stores the contact, the person, the assessment and the case,
and queues the acknowledgement; nothing is acknowledged until all of it is durably stored."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from onedoor.audit.services import audit_record
from onedoor.cases.models import Case, CaseEvent
from onedoor.cases.services import secret_code_new, secret_hash, tracking_token_new
from onedoor.core.geography import area_for_location, full_postcode
from onedoor.core.references import reference_display, reference_generate
from onedoor.intake.context import record_context_for
from onedoor.intake.models import Contact
from onedoor.notify.services import notification_queue
from onedoor.people.markers import markers_applied
from onedoor.people.models import Person
from onedoor.triage.engine import assess
from onedoor.triage.models import GRADE_RANK, Assessment, Grade
from onedoor.triage.policy import load_policy

CHANNELS = ("web", "api", "email", "sms", "whatsapp", "social", "chat", "voice", "phone", "open311", "counter")
MAX_TEXT_LENGTH = 20_000


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    email: str = ""
    phone: str = ""  # E.164
    preferred_contact: str = ""
    preferred_language: str = ""
    accessibility_needs: str = ""


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    text: str
    answers: dict = field(default_factory=dict)
    when_text: str = ""
    location_text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    reporter: Reporter | None = None
    anonymous: bool = False
    received_at: datetime | None = None
    provider_message_id: str = ""
    raw_payload: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    contact: Contact
    assessment: Assessment
    created: bool
    # Shown once, never stored in clear: the private tracking link's token, and for anonymous
    # reporters the code that stands in for their email or phone. None on a replay.
    tracking_token: str | None
    secret_code: str | None
    next_steps: str  # as the reporter is told them
    # What the reporter is told (None on a replay: worked out again from the message).
    public_view: "PublicView | None" = None

    @property
    def expected_contact_by(self) -> datetime:
        return self.case.public_due_at

    def public(self, message: InboundMessage) -> "PublicView":
        """What the reporter is told (``PublicView``)."""
        if self.public_view is not None:
            return self.public_view
        return public_view(message, received_at=self.case.created_at, rural=bool(self.case.area and self.case.area.rural))


def _validate(message: InboundMessage) -> None:
    errors = {}
    if message.channel not in CHANNELS:
        errors["channel"] = _("Unknown channel “%(channel)s”.") % {"channel": message.channel}
    if not (message.text or "").strip():
        errors["text"] = _("Tell us what happened.")
    elif len(message.text) > MAX_TEXT_LENGTH:
        errors["text"] = _("Keep the description under %(n)s characters.") % {"n": f"{MAX_TEXT_LENGTH:,}"}
    if message.anonymous and message.reporter and (message.reporter.email or message.reporter.phone):
        errors["anonymous"] = _("An anonymous report cannot include contact details.")
    for name, value, low, high in (("latitude", message.latitude, -90, 90), ("longitude", message.longitude, -180, 180)):
        if value is not None and not (low <= value <= high):
            errors[name] = _("%(name)s must be between %(low)s and %(high)s.") % {"name": name, "low": low, "high": high}
    if errors:
        raise ValidationError(errors)


def _reporter_person(reporter: Reporter | None) -> Person | None:
    """The reporter exactly as they described themselves on this contact.

    Never linked to, or merged with, an existing person by a shared email or phone: households
    share numbers, and an abuser may know the victim's email. Linking people is a reviewed CRM
    decision; the console shows other reports with the same identifiers without merging them.
    """
    if reporter is None or not any((reporter.name, reporter.email, reporter.phone)):
        return None
    return Person.objects.create(
        name=reporter.name,
        email=reporter.email.strip().lower(),
        phone=reporter.phone,
        preferred_contact=reporter.preferred_contact,
        preferred_language=reporter.preferred_language,
        accessibility_needs=reporter.accessibility_needs,
    )


def service_due_at(*, policy, grade: str, response: str, received_at: datetime, rural: bool) -> tuple[datetime, str]:
    """When we promise to respond, and the plain-language next steps, from the policy's standards.

    Advice and signposting are given at once, but the case still needs closing within the
    grade's standard, so their due time is the grade's.
    """
    standard = policy.service_standard(grade, response)
    grade_standard = policy.service_standard(grade)
    minutes = standard.target_minutes or grade_standard.target_minutes
    if rural and (standard.rural_target_minutes or grade_standard.rural_target_minutes):
        minutes = standard.rural_target_minutes or grade_standard.rural_target_minutes
    return received_at + timedelta(minutes=minutes), standard.next_steps_text


@dataclass(frozen=True)
class PublicView:
    """What the person reporting (or the API client relaying them) is told: the assessment of
    their words alone, without what our records add. A marker on a victim's email must not be
    discoverable by submitting a report with that email, and records never lower a grade, so this
    is never less urgent than what they said (call_999_advice comes from their words alone)."""

    grade: str
    response: str
    vulnerabilities: list[str]
    call_999_advice: bool
    rationale: str
    next_steps: str
    expected_contact_by: datetime


def public_view(message: InboundMessage, *, received_at: datetime, rural: bool = False) -> PublicView:
    """The assessment of the message's words alone (no records), and the promise it carries."""
    policy = load_policy()
    result = assess(text=message.text, channel=message.channel, answers=message.answers or {}, policy=policy)
    due_at, next_steps = service_due_at(
        policy=policy, grade=result.grade, response=result.response, received_at=received_at, rural=rural
    )
    return _view_of(result, next_steps=next_steps, due_at=due_at)


def _view_of(result, *, next_steps: str, due_at: datetime) -> PublicView:
    return PublicView(
        grade=result.grade, response=result.response, vulnerabilities=list(result.vulnerabilities),
        call_999_advice=result.call_999_advice, rationale=result.rationale_text, next_steps=next_steps,
        expected_contact_by=due_at,
    )


def _told(message: InboundMessage, result, context, *, next_steps: str, due_at: datetime, received_at: datetime,
          rural: bool) -> PublicView:
    """What the reporter is told: the engine's assessment when our records added nothing to it;
    otherwise the assessment of their words alone, so a marker or repeat contacts never show."""
    if context.empty:
        return _view_of(result, next_steps=next_steps, due_at=due_at)
    return public_view(message, received_at=received_at, rural=rural)


def _told_again(case: Case, view: PublicView, policy) -> PublicView:
    """What the reporter of an added contact is told: the more urgent of this contact's own view
    and what the case's reporter was told before, and the earlier of the two promised times. A
    case from before ``Case.told_grade`` falls back to the case's own grade."""
    before_grade = case.told_grade or case.grade
    before_response = case.told_response or case.response
    before_due = case.public_due_at
    if GRADE_RANK[Grade(before_grade)] < GRADE_RANK[Grade(view.grade)]:
        next_steps = policy.service_standard(before_grade, before_response).next_steps_text
        view = replace(view, grade=before_grade, response=before_response, next_steps=next_steps)
    return replace(view, expected_contact_by=min(before_due, view.expected_contact_by))


def _unique_reference() -> str:
    for _attempt in range(10):
        reference = reference_generate()
        if not Case.objects.filter(public_reference=reference).exists():
            return reference
    raise RuntimeError("Could not allocate a unique public reference.")


def _summary(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 120 else flat[:117].rstrip() + "…"


def _existing(message: InboundMessage) -> IntakeResult | None:
    if not message.provider_message_id:
        return None
    contact = (
        Contact.objects.select_related("case")
        .filter(channel=message.channel, provider_message_id=message.provider_message_id)
        .first()
    )
    if contact is None:
        return None
    case = contact.case
    assessment = case.assessments.filter(made_by=Assessment.MadeBy.ENGINE).last()
    next_steps = load_policy().service_standard(case.told_grade or case.grade, case.told_response or case.response).next_steps_text
    return IntakeResult(case, contact, assessment, False, None, None, next_steps)


def _store_contact(*, case: Case, message: InboundMessage, reporter: Person | None, received_at: datetime, result):
    """The contact as received, and the engine's assessment of it."""
    contact = Contact.objects.create(
        case=case,
        channel=message.channel,
        text=message.text,
        answers=message.answers or {},
        when_text=message.when_text[:200],
        location_text=message.location_text[:300],
        postcode=full_postcode(message.location_text),
        latitude=message.latitude,
        longitude=message.longitude,
        reporter=reporter,
        anonymous=reporter is None,
        received_at=received_at,
        provider_message_id=message.provider_message_id,
        raw_payload=message.raw_payload,
        language=result.language,
        interpreter_needed=result.interpreter_needed,
    )
    outcome = result.to_dict()
    assessment = Assessment.objects.create(
        case=case,
        contact=contact,
        made_by=Assessment.MadeBy.ENGINE,
        grade=result.grade,
        response=result.response,
        vulnerabilities=list(result.vulnerabilities),
        call_999_advice=result.call_999_advice,
        thrive=outcome["thrive"],
        rationale=outcome["rationale"],
        policy_version=result.policy_version,
    )
    return contact, assessment


def intake_receive(*, message: InboundMessage, actor_label: str = "public", request=None) -> IntakeResult:
    """Store a contact from any channel, assess it, open its case and queue the acknowledgement.

    A message whose provider id was seen before returns the stored result and changes nothing.
    """
    _validate(message)
    replay = _existing(message)
    if replay:
        return replay
    try:
        return _receive(message=message, actor_label=actor_label, request=request)
    except IntegrityError:
        # Two deliveries of the same provider message raced; the other one won.
        replay = _existing(message)
        if replay:
            return replay
        raise


@transaction.atomic
def _receive(*, message: InboundMessage, actor_label: str, request) -> IntakeResult:
    received_at = message.received_at or timezone.now()
    policy = load_policy()
    context = record_context_for(message, received_at=received_at)
    result = assess(
        text=message.text, channel=message.channel, answers=message.answers or {}, policy=policy, context=context
    )
    reporter = None if message.anonymous else _reporter_person(message.reporter)
    anonymous = message.anonymous or reporter is None
    token = tracking_token_new()
    code = secret_code_new() if anonymous else None
    area = area_for_location(message.location_text)
    due_at, next_steps = service_due_at(
        policy=policy, grade=result.grade, response=result.response, received_at=received_at, rural=bool(area and area.rural)
    )
    # What the reporter is told (the confirmation, the tracking page, the email).
    told = _told(message, result, context, next_steps=next_steps, due_at=due_at, received_at=received_at,
                 rural=bool(area and area.rural))
    case = Case.objects.create(
        public_reference=_unique_reference(),
        summary=_summary(message.text),
        channel=message.channel,
        grade=result.grade,
        grade_rank=GRADE_RANK[Grade(result.grade)],
        response=result.response,
        vulnerabilities=list(result.vulnerabilities),
        call_999_advice=result.call_999_advice,
        language=result.language,
        interpreter_needed=result.interpreter_needed,
        area=area,
        location_text=message.location_text[:300],
        postcode=full_postcode(message.location_text),
        latitude=message.latitude,
        longitude=message.longitude,
        reporter=reporter,
        anonymous=anonymous,
        due_at=due_at,
        told_grade=told.grade,
        told_response=told.response,
        told_due_at=told.expected_contact_by,
        created_at=received_at,
        tracking_token_hash=secret_hash(token),
        secret_code_hash=secret_hash(code) if code else "",
    )
    contact, assessment = _store_contact(case=case, message=message, reporter=reporter, received_at=received_at, result=result)
    event = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CREATED,
        text=_("We received your report. %(next)s") % {"next": told.next_steps},
        public=True,
        at=received_at,
    )
    audit_record(
        action="contact.receive",
        object_type="case",
        object_id=case.public_reference,
        actor_label=actor_label,
        request=request,
        detail={"channel": message.channel, "grade": result.grade},
    )
    markers_applied(context.marker_ids, case=case)
    _acknowledge(case=case, event=event, reporter=reporter, next_steps=told.next_steps, token=token,
                 due_at=told.expected_contact_by)
    return IntakeResult(case, contact, assessment, True, token, code, told.next_steps, told)


def tracking_url(token: str) -> str:
    from django.conf import settings

    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/track/{token}/"


def _acknowledge(*, case: Case, event: CaseEvent, reporter: Person | None, next_steps: str, token: str,
                 due_at: datetime | None = None) -> None:
    """Queue the acknowledgement, with the private tracking link, to a reporter who gave an email."""
    if reporter is None or not reporter.email:
        return
    notification_queue(
        channel="email",
        recipient=reporter.email,
        subject=f"We have received your report {reference_display(case.public_reference)}",
        body=_acknowledgement_body(case=case, next_steps=next_steps, token=token, due_at=due_at),
        dedupe_key=f"case-event:{event.pk}:email",
        case=case,
    )


def _acknowledgement_body(*, case: Case, next_steps: str, token: str, due_at: datetime | None = None) -> str:
    local_due = timezone.localtime(due_at or case.due_at)
    lines = [
        f"Thank you. We have received your report and its reference is {case.display_reference}.",
        "",
        f"What happens next: {next_steps}",
        f"We aim to contact you by {local_due:%A %-d %B %Y at %H:%M}.",
        "",
        f"Track your report: {tracking_url(token)}",
        "Keep this link private: anyone with it can see the updates on your report.",
        "",
        "If you are in danger now, call 999. For anything else, call 101.",
        "Deaf, deafened, hard of hearing or speech-impaired: text relay 18000 (emergency) or 18001 101.",
    ]
    if case.call_999_advice:
        lines.insert(0, "IF ANYONE IS IN DANGER NOW, CALL 999.\n")
    return "\n".join(lines)


@transaction.atomic
def contact_add_to_case(*, case: Case, message: InboundMessage, actor_label: str = "public", request=None) -> IntakeResult:
    """Attach a further contact about the same matter to an existing case.

    Used when an emergency report was saved early and the person then tells us more, and by
    channels that recognise a reply to an open conversation. The grade may rise, never fall: only
    staff lower a grade, with a reason.
    """
    _validate(message)
    replay = _existing(message)
    if replay:
        return replay
    case = Case.objects.select_for_update().get(pk=case.pk)
    received_at = message.received_at or timezone.now()
    policy = load_policy()
    context = record_context_for(message, case=case, received_at=received_at)
    markers_applied(context.marker_ids, case=case)
    result = assess(
        text=message.text, channel=message.channel, answers=message.answers or {}, policy=policy, context=context
    )
    reporter = None if message.anonymous else _reporter_person(message.reporter)
    contact, assessment = _store_contact(case=case, message=message, reporter=reporter, received_at=received_at, result=result)
    update_fields = ["updated_at", "vulnerabilities", "call_999_advice"]
    case.vulnerabilities = sorted(set(case.vulnerabilities) | set(result.vulnerabilities))
    case.call_999_advice = case.call_999_advice or result.call_999_advice
    if result.interpreter_needed and not case.interpreter_needed:
        case.interpreter_needed = True
        update_fields.append("interpreter_needed")
    if result.language and not case.language:
        case.language = result.language  # the case keeps its first contact's language once known
        update_fields.append("language")
    rural = bool(case.area and case.area.rural)
    due_at, next_steps = service_due_at(
        policy=policy, grade=result.grade, response=result.response, received_at=received_at, rural=rural,
    )
    new_rank = GRADE_RANK[Grade(result.grade)]
    if new_rank < case.grade_rank:
        case.grade, case.grade_rank, case.response = result.grade, new_rank, result.response
        case.due_at = min(case.due_at, due_at)
        update_fields += ["grade", "grade_rank", "response", "due_at"]
    # What the reporter is told now: this contact's words, or what they were told before if that
    # was more urgent; never the grade our records gave the case.
    told = _told_again(case, _told(message, result, context, next_steps=next_steps, due_at=due_at,
                                   received_at=received_at, rural=rural), policy)
    case.told_grade, case.told_response, case.told_due_at = told.grade, told.response, told.expected_contact_by
    update_fields += ["told_grade", "told_response", "told_due_at"]
    if message.location_text and not case.location_text:
        case.location_text = message.location_text[:300]
        case.postcode = full_postcode(message.location_text)
        case.area = case.area or area_for_location(message.location_text)
        update_fields += ["location_text", "postcode", "area"]
    if message.latitude is not None and case.latitude is None:
        case.latitude, case.longitude = message.latitude, message.longitude
        update_fields += ["latitude", "longitude"]
    token = None
    if reporter is not None and case.reporter_id is None:
        case.reporter, case.anonymous = reporter, False
        token = tracking_token_new()
        case.tracking_token_hash = secret_hash(token)
        update_fields += ["reporter", "anonymous", "tracking_token_hash"]
    case.save(update_fields=update_fields)
    event = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CONTACT,
        text=_("We received more information about this report."),
        public=True,
        at=received_at,
        detail={"contact": contact.pk},
    )
    audit_record(
        action="contact.add",
        object_type="case",
        object_id=case.public_reference,
        actor_label=actor_label,
        request=request,
        detail={"channel": message.channel, "grade": result.grade},
    )
    if token:
        _acknowledge(case=case, event=event, reporter=reporter, next_steps=told.next_steps, token=token,
                     due_at=told.expected_contact_by)
    return IntakeResult(case, contact, assessment, True, token, None, told.next_steps, told)
