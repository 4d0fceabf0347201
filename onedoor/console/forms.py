"""Staff console forms."""

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from onedoor.accounts.models import Team, User
from onedoor.cases.models import STATUS_TRANSITIONS, CaseStatus
from onedoor.core.models import Area
from onedoor.triage.models import Grade


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
