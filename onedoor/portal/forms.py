"""Forms for the public journeys: one question per page, plain-language errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from onedoor.people.models import ContactMethod
from onedoor.people.phones import phone_to_e164

YES_NO_UNSURE = [("yes", _("Yes")), ("no", _("No")), ("unsure", _("I don’t know"))]

LANGUAGES = [
    ("en", _("English")),
    ("pl", _("Polish")),
    ("gd", _("Gaelic")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("ro", _("Romanian")),
    ("uk", _("Ukrainian")),
    ("bsl", _("British Sign Language")),
    ("other", _("Another language")),
]


class WhatHappenedForm(forms.Form):
    text = forms.CharField(
        label=_("What happened?"),
        help_text=_("Tell us in your own words: what happened, who was involved and anything that will help us."),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Tell us what happened"),
            "max_length": _("What happened must be 5,000 characters or fewer"),
        },
    )


class WhenForm(forms.Form):
    happened = forms.ChoiceField(
        label=_("When did it happen?"),
        choices=[
            ("now", _("It is happening now")),
            ("within_hour", _("In the last hour")),
            ("today", _("Earlier today")),
            ("earlier", _("Before today")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select when it happened")},
    )
    when_text = forms.CharField(
        label=_("Date and time, if you know (optional)"),
        help_text=_("For example, 27 November around 10pm"),
        max_length=200,
        required=False,
    )


class WhereForm(forms.Form):
    location_text = forms.CharField(
        label=_("Where did it happen?"),
        help_text=_("An address, a postcode, or a description of the place, for example ‘outside the library on Mill Road, Perth’."),
        max_length=300,
        widget=forms.Textarea,
        error_messages={"required": _("Enter where it happened"), "max_length": _("Where it happened must be 300 characters or fewer")},
    )
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With a location from the browser, a description helps but is not needed.
        data = self.data or {}
        if data.get("latitude") and data.get("longitude"):
            self.fields["location_text"].required = False

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            data["latitude"] = data["longitude"] = None
        return data


class YesNoForm(forms.Form):
    answer = forms.ChoiceField(choices=YES_NO_UNSURE, widget=forms.RadioSelect)

    def __init__(self, *args, label: str, hint: str = "", error: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = label
        self.fields["answer"].help_text = hint
        self.fields["answer"].error_messages["required"] = error


class AboutYouForm(forms.Form):
    anonymous = forms.ChoiceField(
        label=_("Do you want to give your contact details?"),
        help_text=_("If you give your details we can update you and ask questions. You can report anonymously, but we will not be able to contact you."),
        choices=[("no", _("Yes, give my details")), ("yes", _("No, report anonymously"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you want to give your contact details")},
    )


class YourDetailsForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, error_messages={"required": _("Enter your full name")})
    email = forms.EmailField(
        label=_("Email address (optional if you give a phone number)"),
        help_text=_("We’ll send your reference and updates here."),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    phone = forms.CharField(
        label=_("Phone number (optional if you give an email address)"),
        help_text=_("For example, 07700 900 982 or +44 7700 900 982"),
        required=False,
        max_length=30,
    )
    preferred_contact = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how we should contact you")},
    )
    preferred_language = forms.ChoiceField(label=_("Which language do you prefer?"), choices=LANGUAGES, initial="en")
    accessibility_needs = forms.CharField(
        label=_("Do you have any accessibility or communication needs? (optional)"),
        help_text=_("For example, you need an interpreter, text relay, BSL, large print, or we should not call at certain times."),
        required=False,
        max_length=1000,
        widget=forms.Textarea,
    )

    def clean_phone(self) -> str:
        typed = self.cleaned_data.get("phone", "").strip()
        if not typed:
            return ""
        e164 = phone_to_e164(typed)
        if not e164:
            raise forms.ValidationError(_("Enter a phone number, like 07700 900 982 or +44 7700 900 982"))
        return e164

    def clean(self):
        data = super().clean()
        email, phone, method = data.get("email"), data.get("phone"), data.get("preferred_contact")
        if not email and not phone and "email" not in self.errors and "phone" not in self.errors:
            self.add_error("email", _("Enter an email address or a phone number"))
        if method == ContactMethod.EMAIL and not email and "email" not in self.errors:
            self.add_error("email", _("Enter an email address, or choose another way for us to contact you"))
        if method in (ContactMethod.PHONE, ContactMethod.SMS) and not phone and "phone" not in self.errors:
            self.add_error("phone", _("Enter a phone number, or choose another way for us to contact you"))
        return data


class TrackForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example, 4K7M-Q2XR-8. You’ll find it in your confirmation email."),
        max_length=20,
        error_messages={"required": _("Enter your reference")},
    )
    secret = forms.CharField(
        label=_("Email address or phone number you gave us, or your secret code if you reported anonymously"),
        max_length=254,
        error_messages={"required": _("Enter the email address, phone number or secret code")},
    )
