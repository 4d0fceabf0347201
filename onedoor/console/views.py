"""The staff console: sign in with a second factor, the queue, a case, and the audit trail."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
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
    cases_of_same_reporter,
    cases_queue,
)
from onedoor.cases.services import (
    Actor,
    case_add_note,
    case_add_public_update,
    case_allocate,
    case_change_status,
    case_regrade,
)
from onedoor.console import forms
from onedoor.core.references import reference_normalise

JUSTIFIED_KEY = "case_justifications"
QUEUE_PAGE_SIZE = 25


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


def _case_page(request: HttpRequest, reference: str, *, status: int = 200, **bound_forms) -> HttpResponse:
    try:
        case = access_case_by_reference(
            user=request.user, reference=reference, request=request, justification=_justification(request, reference)
        )
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
        return redirect("console:case", reference)
    return render(request, "console/justify.html", {"form": form, "reference": reference})


def _case_action(capability: Capability, form_class, form_name: str, perform, success: str):
    @staff_required(capability)
    @require_POST
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                case = access_case_by_reference(
                    user=request.user,
                    reference=reference,
                    request=request,
                    justification=_justification(request, reference),
                    action="case.open_for_change",
                )
            except JustificationRequired:
                return redirect("console:justify", reference)
            try:
                perform(case=case, actor=Actor(user=request.user, request=request), data=form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
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
