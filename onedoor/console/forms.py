"""Staff console forms."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from onedoor.accounts.models import Role, Team, User
from onedoor.cases.models import STATUS_TRANSITIONS, CaseStatus
from onedoor.core.models import Area
from onedoor.people.models import MarkerKind
from onedoor.triage.models import Grade, Response
from onedoor.triage.policy import FACTORS, VULNERABILITIES


class SignInForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, error_messages={"required": _("Enter your username")})
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, error_messages={"required": _("Enter your password")})
    token = forms.CharField(
        label=_("Security code"),
        help_text=_("The 6-digit code from your authenticator app."),
        max_length=8,
        error_messages={"required": _("Enter the security code from your authenticator app")},
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        self.device = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        user = authenticate(self.request, username=data["username"], password=data["password"])
        device = match_token(user, data["token"].replace(" ", "")) if user is not None else None
        if user is None or device is None:
            # One message for every failure, so a guesser learns nothing about which part was wrong.
            raise forms.ValidationError(_("The username, password or security code is not right."))
        self.user, self.device = user, device
        return data


class QueueFilterForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", _("All grades")), *Grade.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All open")), *CaseStatus.choices], required=False)
    area = forms.ModelChoiceField(
        label=_("Division"), queryset=Area.objects.filter(kind=Area.Kind.DIVISION), required=False, empty_label=_("All divisions")
    )


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label=_("Why do you need to see this case?"),
        help_text=_("This case is not allocated to you or your team. Your reason is recorded with your access (Data Protection Act 2018, section 62)."),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("Enter why you need to see this case")},
    )


class NoteForm(forms.Form):
    prefix = "note"

    text = forms.CharField(label=_("Internal note"), max_length=5000, widget=forms.Textarea, error_messages={"required": _("Enter the note")})


class PublicUpdateForm(forms.Form):
    prefix = "update"

    text = forms.CharField(
        label=_("Update for the reporter"),
        help_text=_("The reporter sees this on the tracking page and is sent it. Write in plain language."),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the update")},
    )


class StatusForm(forms.Form):
    prefix = "status"

    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices, error_messages={"required": _("Choose a status")})
    note = forms.CharField(label=_("Note for the reporter (optional)"), max_length=1000, required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            # Offer only the moves the lifecycle allows from here; the service still checks.
            allowed = STATUS_TRANSITIONS.get(case.status, frozenset())
            self.fields["status"].choices = [("", _("Choose a status"))] + [
                (value, label) for value, label in CaseStatus.choices if value in allowed
            ]


class RegradeForm(forms.Form):
    prefix = "regrade"

    grade = forms.ChoiceField(
        label=_("New grade"), choices=[("", _("Choose a grade")), *Grade.choices], error_messages={"required": _("Choose a grade")}
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        help_text=_("Required. The reason is kept with the assessment and the audit trail."),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter the reason for changing the grade")},
    )


class AllocateForm(forms.Form):
    prefix = "allocate"

    officer = forms.ModelChoiceField(
        label=_("Officer"),
        queryset=User.objects.filter(role__in=["officer", "supervisor"], is_active=True),
        required=False,
        empty_label=_("No officer"),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("Officer's team"))

    def clean(self):
        data = super().clean()
        if not data.get("officer") and not data.get("team"):
            raise forms.ValidationError(_("Choose an officer or a team"))
        return data


class AuditSearchForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20, required=False)
    actor = forms.CharField(label=_("Username"), max_length=150, required=False)


FACTOR_LABELS = {
    "threat": _("Threat"),
    "harm": _("Harm"),
    "risk": _("Risk"),
    "investigation": _("Investigation"),
    "vulnerability": _("Vulnerability"),
    "engagement": _("Engagement"),
}
LEVEL_CHOICES = [("high", _("High")), ("medium", _("Medium")), ("low", _("Low")), ("none", _("None"))]
OTHER_RESOLUTION_RESPONSES = [Response.RESOLUTION_TEAM, Response.ADVICE, Response.SIGNPOST]


class AssessForm(forms.Form):
    """An advisor's THRIVE assessment, prefilled with the latest one (the engine's at first).

    Each factor's hint is what the engine found. A reason is needed only when the grade changes
    from the case's current grade; the service checks the same."""

    vulnerabilities = forms.MultipleChoiceField(
        label=_("Vulnerabilities"),
        help_text=_("Select all that apply."),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grade = forms.ChoiceField(
        label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect, error_messages={"required": _("Choose a grade")}
    )
    response = forms.ChoiceField(
        label=_("Response for other resolution"),
        help_text=_("Only used when the grade is Other resolution; other grades get their standard response."),
        choices=[(r.value, r.label) for r in OTHER_RESOLUTION_RESPONSES],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Needed if you change the grade. Kept with your assessment and in the audit trail."),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args, case, latest=None, engine=None, **kwargs):
        from onedoor.console.templatetags.console import vulnerability_label

        self.case = case
        latest_thrive = latest.thrive if latest else {}
        engine_thrive = engine.thrive if engine else {}
        initial = {
            "grade": case.grade,
            "vulnerabilities": list(case.vulnerabilities),
            "response": case.response if case.response in OTHER_RESOLUTION_RESPONSES else Response.RESOLUTION_TEAM,
        }
        for factor in FACTORS:
            initial[factor] = (latest_thrive.get(factor) or {}).get("level") or "none"
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.factor_names = list(FACTORS)
        for factor in FACTORS:
            found = engine_thrive.get(factor) or {}
            reasons = "; ".join(found.get("reasons") or []) or _("nothing found")
            hint = _("Engine: %(level)s – %(reasons)s") % {
                "level": dict(LEVEL_CHOICES).get(found.get("level", ""), _("not assessed")), "reasons": reasons}
            self.fields[factor] = forms.ChoiceField(
                label=FACTOR_LABELS[factor],
                help_text=hint,
                choices=LEVEL_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a level for %(factor)s") % {"factor": FACTOR_LABELS[factor].lower()}},
            )
        self.fields["vulnerabilities"].choices = [(v, vulnerability_label(v)) for v in VULNERABILITIES]
        self.order_fields([*FACTORS, "vulnerabilities", "grade", "response", "reason"])

    def factor_fields(self):
        return [self[factor] for factor in self.factor_names]

    def clean(self):
        data = super().clean()
        grade = data.get("grade")
        if grade and grade != self.case.grade and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _("Enter the reason for changing the grade from %(old)s to %(new)s")
                % {"old": Grade(self.case.grade).label, "new": Grade(grade).label},
            )
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"),
        help_text=_("What you found and what you have done, for example who you asked to attend."),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _("Enter what you found and what you have done")},
    )


class DateInput(forms.DateInput):
    """A browser date picker (falls back to a text box in year-month-day form). Its value must be
    year-month-day whatever the locale's date format, or the browser shows it empty."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs=attrs, format=format)


class RegradeReportForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), help_text=_("For example, 2026-11-28"), required=False, widget=DateInput,
        error_messages={"invalid": _("Enter the start date as year-month-day, for example 2026-11-28")},
    )
    date_to = forms.DateField(
        label=_("To"), help_text=_("For example, 2026-11-29"), required=False, widget=DateInput,
        error_messages={"invalid": _("Enter the end date as year-month-day, for example 2026-11-29")},
    )
    author = forms.ModelChoiceField(
        label=_("Regraded by"),
        queryset=User.objects.filter(role__in=[Role.ADVISOR, Role.SUPERVISOR, Role.ADMIN]).order_by("username"),
        required=False,
        empty_label=_("Anyone"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].label_from_instance = lambda user: f"{user.display_name} ({user.username})"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return data


class MarkerForm(forms.Form):
    """A supervisor places a vulnerability marker on an email address or phone number."""

    kind = forms.ChoiceField(
        label=_("On"), choices=MarkerKind.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose an email address or a phone number")},
    )
    value = forms.CharField(
        label=_("Email address or phone number"), max_length=254,
        help_text=_("Contacts from it will be assessed with the marker. People who share it (a household) will be too."),
        error_messages={"required": _("Enter the email address or phone number")},
    )
    category = forms.ChoiceField(
        label=_("Vulnerability"), choices=(),
        error_messages={"required": _("Choose the vulnerability the marker records")},
    )
    reason = forms.CharField(
        label=_("Reason and source"), max_length=2000, widget=forms.Textarea,
        help_text=_("Why the marker is needed and where it comes from, for example a MARAC referral or a case reference."),
        error_messages={"required": _("Enter why the marker is needed and where it comes from")},
    )
    review_by = forms.DateField(
        label=_("Review by"), widget=DateInput, help_text=_("Within two years. After this date the marker stops applying."),
        error_messages={"required": _("Enter the review date"), "invalid": _("Enter the review date as year-month-day, for example 2027-11-29")},
    )

    def __init__(self, *args, **kwargs):
        from onedoor.console.templatetags.console import vulnerability_label

        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose")), *((v, vulnerability_label(v)) for v in VULNERABILITIES)]


class WithdrawMarkerForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the marker withdrawn?"), max_length=2000, widget=forms.Textarea,
        error_messages={"required": _("Enter why the marker is withdrawn")},
    )


class MarkerSearchForm(forms.Form):
    value = forms.CharField(label=_("Email address or phone number"), max_length=254, required=False)
