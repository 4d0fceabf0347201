"""The staff console: sign in with a second factor, the queue, a case, its assessment, supervisor
reviews, the regrade report, vulnerability markers and the audit trail."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from onedoor.accounts.permissions import Capability, user_can
from onedoor.audit.selectors import audit_events_for
from onedoor.audit.services import audit_record
from onedoor.cases.selectors import (
    JustificationRequired,
    access_case_by_reference,
    cases_due_for_review,
    cases_of_same_reporter,
    cases_queue,
    review_minutes,
    staff_regrades,
)
from onedoor.cases.services import (
    Actor,
    case_add_note,
    case_add_public_update,
    case_allocate,
    case_assess,
    case_change_status,
    case_regrade,
    case_review,
)
from onedoor.console import forms
from onedoor.console.templatetags.console import vulnerability_label
from onedoor.core.references import reference_display, reference_normalise
from onedoor.people.markers import DEFAULT_REVIEW, identifier_forms, marker_place, markers_in_force
from onedoor.people.markers import marker_withdraw as marker_withdraw_service
from onedoor.people.models import Marker
from onedoor.triage.models import Assessment, Grade

JUSTIFIED_KEY = "case_justifications"
QUEUE_PAGE_SIZE = 25


def _add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def staff_required(capability: Capability | None = None):
    """Signed in with a verified second factor, and (if given) holding the capability."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_verified():
                return redirect(f"{reverse('console:login')}?next={request.path}")
            if capability is not None and not user_can(user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@ratelimit(key="ip", rate="10/5m", method="POST", block=True)
def sign_in(request: HttpRequest) -> HttpResponse:
    form = forms.SignInForm(request.POST or None, request=request)
    if request.method == "POST" and not form.is_valid() and form.cleaned_data.get("username"):
        audit_record(action="staff.sign_in_failed", object_type="user", object_id=form.cleaned_data["username"][:64],
                     actor_label="unknown", request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        otp_login(request, form.device)
        audit_record(actor=form.user, action="staff.sign_in", object_type="user", object_id=form.user.username, request=request)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/console/"):
            target = reverse("console:home")
        return redirect(target)
    return render(request, "console/sign_in.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="staff.sign_out", object_type="user", object_id=request.user.username,
                     request=request)
    logout(request)
    return redirect("console:login")


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    if user_can(request.user, Capability.VIEW_QUEUE):
        return redirect("console:queue")
    if user_can(request.user, Capability.VIEW_AUDIT):
        return redirect("console:audit")
    raise PermissionDenied


@staff_required(Capability.VIEW_QUEUE)
def queue(request: HttpRequest) -> HttpResponse:
    form = forms.QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = cases_queue(
        grade=filters.get("grade", ""),
        status=filters.get("status", ""),
        area_id=filters["area"].pk if filters.get("area") else None,
    )
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/queue.html",
        {"form": form, "page": page, "now": timezone.now(), "query": query.urlencode()},
    )


def _justification(request: HttpRequest, reference: str) -> str:
    return request.session.get(JUSTIFIED_KEY, {}).get(reference, "")


def _open_case(request: HttpRequest, reference: str, *, action: str = "case.view"):
    """The case, read (and audited) with the reason the user gave for it, if any; raises
    JustificationRequired when it is not theirs and they have not given one."""
    return access_case_by_reference(
        user=request.user, reference=reference, request=request, justification=_justification(request, reference), action=action
    )


def _case_page(request: HttpRequest, reference: str, *, status: int = 200, **bound_forms) -> HttpResponse:
    try:
        case = _open_case(request, reference)
    except JustificationRequired:
        return redirect("console:justify", reference)
    context = {
        "case": case,
        "assessments": list(case.assessments.all()),
        "events": list(case.events.all()),
        "contacts": list(case.contacts.all()),
        "other_cases": cases_of_same_reporter(case=case),
        "note_form": bound_forms.get("note_form") or forms.NoteForm(),
        "update_form": bound_forms.get("update_form") or forms.PublicUpdateForm(),
        "status_form": bound_forms.get("status_form") or forms.StatusForm(case=case),
        "regrade_form": bound_forms.get("regrade_form") or forms.RegradeForm(),
        "allocate_form": bound_forms.get("allocate_form") or forms.AllocateForm(),
        "can_regrade": user_can(request.user, Capability.REGRADE),
        "can_allocate": user_can(request.user, Capability.ALLOCATE),
        "can_supervise": user_can(request.user, Capability.SUPERVISE),
        "due_for_review": cases_due_for_review().filter(pk=case.pk).exists(),
        "now": timezone.now(),
    }
    return render(request, "console/case.html", context, status=status)


@staff_required(Capability.VIEW_CASE)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    canonical = reference_normalise(reference)
    if canonical and canonical != reference:
        return redirect("console:case", canonical)
    return _case_page(request, reference)


@staff_required(Capability.VIEW_CASE)
def case_justify(request: HttpRequest, reference: str) -> HttpResponse:
    form = forms.JustificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        justified = request.session.get(JUSTIFIED_KEY, {})
        justified[reference] = form.cleaned_data["justification"].strip()
        request.session[JUSTIFIED_KEY] = justified
        if request.GET.get("next") == "assess":
            return redirect("console:case_assess", reference)
        return redirect("console:case", reference)
    return render(request, "console/justify.html", {"form": form, "reference": reference_display(reference)})


def _case_action(capability: Capability, form_class, form_name: str, perform, success: str):
    @staff_required(capability)
    @require_POST
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                case = _open_case(request, reference, action="case.open_for_change")
            except JustificationRequired:
                return redirect("console:justify", reference)
            try:
                perform(case=case, actor=Actor(user=request.user, request=request), data=form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, success)
                return redirect("console:case", reference)
        return _case_page(request, reference, status=400, **{form_name: form})

    return view


case_note = _case_action(
    Capability.ADD_NOTE, forms.NoteForm, "note_form",
    lambda case, actor, data: case_add_note(case=case, actor=actor, text=data["text"]), _("Note added."),
)
case_update = _case_action(
    Capability.ADD_PUBLIC_UPDATE, forms.PublicUpdateForm, "update_form",
    lambda case, actor, data: case_add_public_update(case=case, actor=actor, text=data["text"]),
    _("Update published to the reporter."),
)
case_status = _case_action(
    Capability.CHANGE_STATUS, forms.StatusForm, "status_form",
    lambda case, actor, data: case_change_status(case=case, actor=actor, status=data["status"], note=data["note"]),
    _("Status changed."),
)
case_regrade_view = _case_action(
    Capability.REGRADE, forms.RegradeForm, "regrade_form",
    lambda case, actor, data: case_regrade(case=case, actor=actor, grade=data["grade"], reason=data["reason"]),
    _("Case regraded."),
)
case_allocate_view = _case_action(
    Capability.ALLOCATE, forms.AllocateForm, "allocate_form",
    lambda case, actor, data: case_allocate(case=case, actor=actor, officer=data["officer"], team=data["team"]),
    _("Case allocated."),
)


@staff_required(Capability.REGRADE)
def case_assess_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The THRIVE assessment form, one page: prefilled with the latest assessment, the engine's
    findings as hints; the advisor confirms or changes each factor, the vulnerabilities and the grade."""
    try:
        case = _open_case(request, reference, action="case.open_for_change" if request.method == "POST" else "case.view")
    except JustificationRequired:
        return redirect(f"{reverse('console:justify', args=[reference])}?next=assess")
    assessments = list(case.assessments.all())
    context = {"case": case, "now": timezone.now()}
    if not case.is_open:
        return render(request, "console/assess.html", context, status=409)
    latest = assessments[0] if assessments else None
    engine = next((a for a in assessments if a.made_by == Assessment.MadeBy.ENGINE), None)
    form = forms.AssessForm(request.POST or None, case=case, latest=latest, engine=engine)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = case_assess(
                case=case,
                actor=Actor(user=request.user, request=request),
                grade=data["grade"],
                levels={factor: data[factor] for factor in form.factor_names},
                vulnerabilities=data["vulnerabilities"],
                response=data["response"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            if assessment.previous_grade != assessment.grade:
                messages.success(request, _("Assessment saved. Case regraded from %(old)s to %(new)s.") % {
                    "old": Grade(assessment.previous_grade).label, "new": assessment.get_grade_display()})
            else:
                messages.success(request, _("Assessment saved. Grade confirmed as %(grade)s.") % {
                    "grade": assessment.get_grade_display()})
            return redirect("console:case", case.public_reference)
    context.update({"form": form, "latest": latest, "engine": engine})
    return render(request, "console/assess.html", context, status=400 if request.method == "POST" else 200)


@staff_required(Capability.SUPERVISE)
def reviews(request: HttpRequest) -> HttpResponse:
    """Prompt cases nobody has attended within the review time, for a supervisor."""
    page = Paginator(cases_due_for_review(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "console/reviews.html",
        {"page": page, "now": timezone.now(), "review_minutes": review_minutes(), "query": ""},
    )


@staff_required(Capability.SUPERVISE)
def review_case(request: HttpRequest, reference: str) -> HttpResponse:
    """Mark one case reviewed, with a note. Shows only what the queue shows until it is saved."""
    canonical = reference_normalise(reference)
    entry = cases_queue().filter(public_reference=canonical).first() if canonical else None
    if entry is None:
        raise Http404
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = access_case_by_reference(
            user=request.user,
            reference=canonical,
            request=request,
            justification=_justification(request, canonical) or "Supervisor review of a prompt case not attended in time",
            action="case.open_for_change",
        )
        try:
            case_review(case=case, actor=Actor(user=request.user, request=request), note=form.cleaned_data["note"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("%(reference)s marked as reviewed.") % {"reference": case.display_reference})
            return redirect("console:reviews")
    return render(
        request,
        "console/review.html",
        {"case": entry, "form": form, "now": timezone.now(), "review_minutes": review_minutes()},
        status=400 if request.method == "POST" else 200,
    )


REPORT_PAGE_SIZE = 50


def _csv_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@staff_required(Capability.SUPERVISE)
def regrade_report(request: HttpRequest) -> HttpResponse:
    """Who regraded what, from what to what, and why; filtered by date and person; HTML or CSV."""
    params = request.GET.copy()
    wanted_csv = params.pop("format", [""])[0] == "csv"
    params.pop("page", None)
    form = forms.RegradeReportForm(params or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        regrades = staff_regrades().none()
    else:
        regrades = staff_regrades(
            date_from=filters.get("date_from"), date_to=filters.get("date_to"), author=filters.get("author")
        )
    audit_record(
        actor=request.user,
        request=request,
        action="report.read",
        object_type="report",
        object_id="regrades",
        detail={
            "format": "csv" if wanted_csv else "html",
            "date_from": str(filters.get("date_from") or ""),
            "date_to": str(filters.get("date_to") or ""),
            "author": filters["author"].username if filters.get("author") else "",
        },
    )
    if wanted_csv:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="regrades.csv"'
        writer = csv.writer(response)
        writer.writerow(["when", "username", "name", "case", "from", "to", "reason"])
        for item in regrades:
            writer.writerow([_csv_cell(value) for value in (
                timezone.localtime(item.created_at).isoformat(timespec="seconds"),
                item.author.username if item.author else "",
                item.author.display_name if item.author else "",
                item.case.display_reference,
                Grade(item.from_grade).label if item.from_grade else "",
                item.get_grade_display(),
                item.reason,
            )])
        return response
    page = Paginator(regrades, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = params.urlencode()
    return render(request, "console/regrade_report.html", {
        "form": form, "page": page, "query": query, "csv_query": f"{query}&format=csv" if query else "format=csv",
    })


@staff_required(Capability.VIEW_AUDIT)
def audit(request: HttpRequest) -> HttpResponse:
    form = forms.AuditSearchForm(request.GET or None)
    events = audit_events_for()
    if form.is_valid():
        reference = form.cleaned_data["reference"]
        if reference:
            events = events.filter(object_type="case", object_id=reference_normalise(reference) or reference.upper())
        if form.cleaned_data["actor"]:
            events = events.filter(actor_label__iexact=form.cleaned_data["actor"])
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/audit.html", {"form": form, "page": page, "query": query.urlencode()})


MARKERS_PAGE_SIZE = 50


@staff_required(Capability.SUPERVISE)
def markers(request: HttpRequest) -> HttpResponse:
    """Vulnerability markers in force, searchable by email address or phone number."""
    search = forms.MarkerSearchForm(request.GET if "value" in request.GET else None)
    wanted = search.cleaned_data["value"].strip() if search.is_valid() else ""
    in_force = markers_in_force().select_related("created_by")
    if wanted:
        in_force = in_force.filter(value__in=identifier_forms(wanted))
    page = Paginator(in_force, MARKERS_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, request=request, action="marker.list", object_type="marker", object_id="*",
                 detail={"searched": wanted, "shown": len(page.object_list)})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "console/markers.html", {
        "search": search, "searched": wanted, "page": page, "query": query.urlencode(),
    })


@staff_required(Capability.SUPERVISE)
def marker_new(request: HttpRequest) -> HttpResponse:
    """Place a marker; `?kind=phone&value=...` prefills it (the case page links here)."""
    if request.method == "POST":
        form = forms.MarkerForm(request.POST)
        if form.is_valid():
            try:
                marker = marker_place(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("Marker placed: %(marker)s, review by %(date)s.") % {
                    "marker": vulnerability_label(marker.category), "date": f"{marker.review_by:%d %b %Y}",
                })
                return redirect("console:markers")
    else:
        form = forms.MarkerForm(initial={"kind": request.GET.get("kind", ""), "value": request.GET.get("value", ""),
                                         "review_by": (timezone.localdate() + DEFAULT_REVIEW).isoformat()})
    return render(request, "console/marker_new.html", {"form": form}, status=400 if request.method == "POST" else 200)


@staff_required(Capability.SUPERVISE)
def marker_withdraw(request: HttpRequest, marker_id: int) -> HttpResponse:
    marker = Marker.objects.filter(pk=marker_id, withdrawn_at__isnull=True).select_related("created_by").first()
    if marker is None:
        raise Http404
    form = forms.WithdrawMarkerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            marker_withdraw_service(actor=request.user, request=request, marker=marker, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("Marker withdrawn."))
            return redirect("console:markers")
    return render(request, "console/marker_withdraw.html", {"marker": marker, "form": form},
                  status=400 if request.method == "POST" else 200)
