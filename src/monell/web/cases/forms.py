"""Staff forms: a lead's facts (validated again by the incident rules on save) and the
firm's settings."""

from __future__ import annotations

import copy
from typing import Any

from django import forms

from monell.domain.vocabulary import AgencyKind, Conduct, CriminalCaseStatus, Custody, State
from monell.web.cases.models import FirmSettings


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ")) for m in enum]


class FactsForm(forms.Form):
    """The facts an attorney most often corrects; everything else in the answers is kept.
    Saving makes a new version and a new assessment (monell.app), never an edit in place."""

    incident_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    state = forms.ChoiceField(choices=[(s.value, s.value) for s in State])
    city = forms.CharField(required=False, max_length=200)
    county = forms.CharField(required=False, max_length=200)
    agency_name = forms.CharField(max_length=300)
    agency_kind = forms.ChoiceField(choices=_choices(AgencyKind))
    conduct = forms.MultipleChoiceField(
        choices=_choices(Conduct), widget=forms.CheckboxSelectMultiple
    )
    custody = forms.ChoiceField(choices=_choices(Custody))
    birth_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    criminal_status = forms.ChoiceField(choices=_choices(CriminalCaseStatus))
    criminal_resolved_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    narrative = forms.CharField(required=False, widget=forms.Textarea, max_length=20000)
    reason = forms.CharField(max_length=500, help_text="Why the facts change (kept in history).")

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> FactsForm:
        agency = answers.get("agency") or {}
        person = answers.get("person") or {}
        case = answers.get("criminal_case") or {}
        return cls(
            initial={
                "incident_date": answers.get("incident_date"),
                "state": answers.get("state"),
                "city": answers.get("city", ""),
                "county": answers.get("county", ""),
                "agency_name": agency.get("name", ""),
                "agency_kind": agency.get("kind", ""),
                "conduct": answers.get("conduct") or [],
                "custody": person.get("custody", "free"),
                "birth_date": person.get("birth_date"),
                "criminal_status": case.get("status", "none"),
                "criminal_resolved_on": case.get("resolved_on"),
                "narrative": answers.get("narrative", ""),
            }
        )

    def apply(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers with this form's fields replaced (and empty optional ones removed)."""
        c = self.cleaned_data
        new = copy.deepcopy(answers)
        new["incident_date"] = c["incident_date"].isoformat()
        new["state"] = c["state"]
        for key in ("city", "county", "narrative"):
            if c[key]:
                new[key] = c[key]
            else:
                new.pop(key, None)
        new["agency"] = {**(new.get("agency") or {}), "name": c["agency_name"],
                         "kind": c["agency_kind"]}  # fmt: skip
        new["conduct"] = list(c["conduct"])
        person = {**(new.get("person") or {}), "custody": c["custody"]}
        if c["birth_date"]:
            person["birth_date"] = c["birth_date"].isoformat()
        else:
            person.pop("birth_date", None)
        new["person"] = person
        case = {**(new.get("criminal_case") or {}), "status": c["criminal_status"]}
        if c["criminal_resolved_on"]:
            case["resolved_on"] = c["criminal_resolved_on"].isoformat()
        else:
            case.pop("resolved_on", None)
        new["criminal_case"] = case
        new.pop("evaluated_on", None)  # a lead is always assessed as of today
        return new


MAX_RETENTION_DAYS = 36500  # a hundred years; beyond that a date cannot be counted back


class FirmSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    def _days(self, name: str) -> int:
        days = int(self.cleaned_data[name])
        if days > MAX_RETENTION_DAYS:
            raise forms.ValidationError(
                f"{name}: at most {MAX_RETENTION_DAYS} days (100 years); {days} is too many."
            )
        return days

    def clean_retention_declined_days(self) -> int:
        return self._days("retention_declined_days")

    def clean_retention_uncontacted_days(self) -> int:
        return self._days("retention_uncontacted_days")

    class Meta:
        model = FirmSettings
        fields = [
            "firm_name",
            "notify_email",
            "retention_declined_days",
            "retention_uncontacted_days",
        ]
