"""Public pages: home, advice, the report journey and tracking. Thin: parse, call a service, render."""

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage
from django_ratelimit.decorators import ratelimit

from onedoor.audit.services import audit_record
from onedoor.cases.models import Case
from onedoor.cases.selectors import (
    case_public_timeline,
    case_track_by_code,
    case_track_by_contact,
    case_track_by_token,
)
from onedoor.intake.services import InboundMessage, Reporter, contact_add_to_case, intake_receive
from onedoor.portal import forms
from onedoor.portal.advice import ADVICE_PAGES
from onedoor.portal.journey import (
    CONFIRMATION_KEY,
    QUESTIONS_BY_SLUG,
    SESSION_KEY,
    journey_answers,
    journey_get,
    journey_update,
    step_first_missing,
    step_next,
    step_previous,
)
from onedoor.triage.engine import assess

TRACKED_KEY = "tracked_cases"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"advice_pages": ADVICE_PAGES.values()})


def static_page(request: HttpRequest, template: str) -> HttpResponse:
    return render(request, f"portal/{template}.html")


def advice_index(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/advice_index.html", {"advice_pages": ADVICE_PAGES.values()})


def advice_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = ADVICE_PAGES.get(slug)
    if page is None:
        raise Http404
    return render(request, f"portal/advice/{slug}.html", {"page": page})


# --- Report journey ----------------------------------------------------------------------------


def _journey_context(request: HttpRequest, slug: str, form, **extra) -> dict:
    data = journey_get(request.session)
    previous = step_previous(slug, data)
    back = reverse("portal:report_check") if request.GET.get("change") else (
        reverse("portal:report_step", args=[previous]) if previous else reverse("portal:report_start")
    )
    return {"form": form, "back_url": back, "slug": slug, "change": bool(request.GET.get("change")), **extra}


def _after_step(request: HttpRequest, slug: str) -> HttpResponse:
    data = journey_get(request.session)
    if _emergency_now(data) and not data.get("emergency_reference"):
        _save_emergency(request, data)
        return redirect("portal:report_emergency")
    if request.GET.get("change") and slug != "about-you":
        return redirect("portal:report_check")
    return redirect("portal:report_step", step_next(slug, data))


def _emergency_now(data: dict) -> bool:
    if data.get("in_danger_now") == "yes":
        return True
    if not data.get("text"):
        return False
    return assess(text=data["text"], channel="web", answers=journey_answers(data)).grade == "immediate"


def _message_from_journey(data: dict, *, submission: str) -> InboundMessage:
    details = data.get("details") or {}
    anonymous = data.get("anonymous") != "no"
    return InboundMessage(
        channel="web",
        provider_message_id=f"journey-{data['journey_id']}-{submission}",
        text=data.get("text", ""),
        answers=journey_answers(data),
        when_text=data.get("when_text", ""),
        location_text=data.get("location_text", ""),
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        anonymous=anonymous,
        reporter=None if anonymous else Reporter(**details),
    )


def _save_emergency(request: HttpRequest, data: dict) -> None:
    """An emergency is stored at once, so it reaches the queue even if the person stops here."""
    message = _message_from_journey({**data, "anonymous": "yes", "details": None}, submission="emergency")
    result = intake_receive(message=message, request=request)
    journey_update(
        request.session,
        emergency_reference=result.case.public_reference,
        emergency_token=result.tracking_token,
        emergency_code=result.secret_code,
    )


def report_start(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/report/start.html")


@require_http_methods(["GET", "POST"])
def report_step(request: HttpRequest, step: str) -> HttpResponse:
    data = journey_get(request.session)
    if step != "what-happened" and not data.get("text"):
        return redirect("portal:report_step", "what-happened")
    if step == "what-happened":
        return _form_step(request, step, forms.WhatHappenedForm, "portal/report/what_happened.html", {"text": data.get("text", "")})
    if step == "when":
        return _form_step(request, step, forms.WhenForm, "portal/report/when.html",
                          {"happened": data.get("happened", ""), "when_text": data.get("when_text", "")})
    if step == "where":
        return _form_step(request, step, forms.WhereForm, "portal/report/where.html",
                          {"location_text": data.get("location_text", "")})
    if step in QUESTIONS_BY_SLUG:
        return _yes_no_step(request, QUESTIONS_BY_SLUG[step])
    if step == "about-you":
        return _form_step(request, step, forms.AboutYouForm, "portal/report/about_you.html", {"anonymous": data.get("anonymous", "")})
    if step == "your-details":
        if data.get("anonymous") != "no":
            return redirect("portal:report_step", "about-you")
        return _form_step(request, step, forms.YourDetailsForm, "portal/report/your_details.html", data.get("details") or {"preferred_language": "en"})
    if step == "check":
        return report_check(request)
    raise Http404


def _form_step(request: HttpRequest, slug: str, form_class, template: str, initial: dict) -> HttpResponse:
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            if slug == "your-details":
                journey_update(request.session, details=values)
            else:
                journey_update(request.session, **values)
            if slug == "about-you" and values["anonymous"] == "no":
                return redirect(reverse("portal:report_step", args=["your-details"]) + ("?change=1" if request.GET.get("change") else ""))
            return _after_step(request, slug)
    else:
        form = form_class(initial=initial)
    return render(request, template, _journey_context(request, slug, form))


def _yes_no_step(request: HttpRequest, question) -> HttpResponse:
    data = journey_get(request.session)
    kwargs = {"label": question.label, "hint": question.hint, "error": question.error}
    if request.method == "POST":
        form = forms.YesNoForm(request.POST, **kwargs)
        if form.is_valid():
            journey_update(request.session, **{question.answer_key: form.cleaned_data["answer"]})
            return _after_step(request, question.slug)
    else:
        form = forms.YesNoForm(initial={"answer": data.get(question.answer_key, "")}, **kwargs)
    return render(request, "portal/report/yes_no.html", _journey_context(request, question.slug, form))


def report_emergency(request: HttpRequest) -> HttpResponse:
    data = journey_get(request.session)
    if not data.get("emergency_reference"):
        return redirect("portal:report_start")
    from onedoor.core.references import reference_display

    return render(request, "portal/report/emergency.html", {
        "reference": reference_display(data["emergency_reference"]),
        "continue_url": reverse("portal:report_step", args=[step_first_missing(data) or "check"]),
    })


@ratelimit(key="ip", rate="20/h", method="POST", block=True)
def report_check(request: HttpRequest) -> HttpResponse:
    data = journey_get(request.session)
    missing = step_first_missing(data)
    if missing:
        return redirect("portal:report_step", missing)
    if request.method == "POST":
        return _submit_report(request, data)
    from onedoor.people.models import ContactMethod
    from onedoor.portal.forms import LANGUAGES, YES_NO_UNSURE

    labels = dict(YES_NO_UNSURE)
    return render(request, "portal/report/check.html", {
        "data": data,
        "back_url": reverse("portal:report_step", args=[step_previous("check", data)]),
        "happened_label": dict(forms.WhenForm.base_fields["happened"].choices).get(data.get("happened"), ""),
        "yes_no": [(q, labels.get(data.get(q.answer_key), "")) for q in QUESTIONS_BY_SLUG.values()],
        "language_label": dict(LANGUAGES).get((data.get("details") or {}).get("preferred_language"), ""),
        "contact_label": dict(ContactMethod.choices).get((data.get("details") or {}).get("preferred_contact"), ""),
    })


def _submit_report(request: HttpRequest, data: dict) -> HttpResponse:
    message = _message_from_journey(data, submission="report")
    emergency_case = Case.objects.filter(public_reference=data.get("emergency_reference") or "").first()
    if emergency_case is not None and emergency_case.is_open:
        result = contact_add_to_case(case=emergency_case, message=message, request=request)
        token = result.tracking_token or data.get("emergency_token")
        code = data.get("emergency_code") if message.anonymous else None
    else:
        # No early emergency save, or staff have already closed it: this is a report of its own.
        result = intake_receive(message=message, request=request)
        token, code = result.tracking_token, result.secret_code
    if not result.created and request.session.get(CONFIRMATION_KEY):
        # A second "Send report" for the same journey: nothing new was stored.
        return redirect("portal:report_confirmation")
    public = result.public(message)  # what their words alone give, never what our records add
    request.session[CONFIRMATION_KEY] = {
        "reference": result.case.display_reference,
        "token": token,
        "code": code,
        "next_steps": public.next_steps,
        "due_at": public.expected_contact_by.isoformat(),
        "call_999_advice": result.case.call_999_advice,
        "email": (message.reporter.email if message.reporter else ""),
        "shown_until": (timezone.now() + CONFIRMATION_LIFETIME).isoformat(),
    }
    request.session.pop(SESSION_KEY, None)
    return redirect("portal:report_confirmation")


# The confirmation (with the private link and any secret code) stays viewable briefly, so a
# reload works, but not for the next person at a shared computer.
CONFIRMATION_LIFETIME = timedelta(minutes=10)


def report_confirmation(request: HttpRequest) -> HttpResponse:
    confirmation = request.session.get(CONFIRMATION_KEY)
    if confirmation and parse_datetime(confirmation.get("shown_until", "")) < timezone.now():
        request.session.pop(CONFIRMATION_KEY, None)
        confirmation = None
    if not confirmation:
        return redirect("portal:home")
    due_at = parse_datetime(confirmation["due_at"])
    tracking_link = request.build_absolute_uri(reverse("portal:track_token", args=[confirmation["token"]])) if confirmation.get("token") else ""
    return render(request, "portal/report/confirmation.html", {"c": confirmation, "due_at": due_at, "tracking_link": tracking_link})


# --- Tracking ----------------------------------------------------------------------------------


TRACK_FAILURE_RATE = "5/15m"


def _track_failures(request: HttpRequest, *, record: bool) -> bool:
    """Count a failed tracking attempt (record=True) or ask whether the limit is reached."""
    usage = get_usage(request, group="track-failures", key="ip", rate=TRACK_FAILURE_RATE, increment=record)
    return usage is not None and usage["count"] >= usage["limit"]


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.POST or None)
    if request.method == "POST":
        if _track_failures(request, record=False):
            return render(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            reference, secret = form.cleaned_data["reference"], form.cleaned_data["secret"]
            case = case_track_by_contact(reference=reference, email_or_phone=secret) or case_track_by_code(reference=reference, code=secret)
            if case is not None:
                tracked = set(request.session.get(TRACKED_KEY, []))
                tracked.add(case.public_reference)
                request.session[TRACKED_KEY] = sorted(tracked)
                request.session.cycle_key()
                return redirect("portal:track_case", case.public_reference)
            _track_failures(request, record=True)
            form.add_error(None, _("We could not find a report with those details. Check the reference and the email address, phone number or secret code, and try again."))
    return render(request, "portal/track/form.html", {"form": form})


def _render_case(request: HttpRequest, case: Case) -> HttpResponse:
    audit_record(action="case.track", object_type="case", object_id=case.public_reference, actor_label="public", request=request)
    return render(request, "portal/track/case.html", {"case": case, "timeline": case_public_timeline(case=case)})


def track_case(request: HttpRequest, reference: str) -> HttpResponse:
    if reference not in request.session.get(TRACKED_KEY, []):
        return redirect("portal:track")
    case = Case.objects.filter(public_reference=reference).first()
    if case is None:
        return redirect("portal:track")
    return _render_case(request, case)


@ratelimit(key="ip", rate="30/m", block=True)
def track_token(request: HttpRequest, token: str) -> HttpResponse:
    case = case_track_by_token(token=token)
    if case is None:
        return render(request, "portal/track/link_not_found.html", status=404)
    return _render_case(request, case)
