"""The request for a free consultation (the interview's screens are in steps.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

CONTACT_TIMES = [
    ("any", _("Any time")),
    ("morning", _("Morning")),
    ("afternoon", _("Afternoon")),
    ("evening", _("Evening")),
]
LANGUAGES = [("en", "English"), ("es", "Español")]


class ConsultationForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please write your name.")},
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("That e-mail does not look right. Check it.")},
    )
    language = forms.ChoiceField(
        label=_("Which language should we use?"),
        choices=LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please pick one."), "invalid_choice": _("Please pick one.")},
    )
    contact_time = forms.ChoiceField(
        label=_("When is a good time to call?"),
        choices=CONTACT_TIMES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please pick one."), "invalid_choice": _("Please pick one.")},
    )
    consent_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice. I agree that the firm may keep my answers to "
            "answer me."
        ),
        error_messages={"required": _("Please check this box to send your request.")},
    )
    consent_no_relationship = forms.BooleanField(
        label=_("I understand that the firm is not my lawyer yet."),
        error_messages={"required": _("Please check this box to send your request.")},
    )
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": _("Please send the page again.")},
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and not 7 <= len(digits) <= 15:
            raise forms.ValidationError(_("That phone number does not look right. Check it."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error(
                "phone", _("Please give a phone number or an e-mail, so we can reach you.")
            )
        return data
