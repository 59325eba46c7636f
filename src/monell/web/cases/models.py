"""Leads (requests for a free consultation), their history, and the matters accepted ones
become.

What identifies or describes a person is encrypted (EncryptedJSONField / EncryptedTextField).
The queue orders and filters on a few plain columns that identify no one: the state, the
conduct codes, the earliest deadline and the status.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

from monell.web.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField

# Unambiguous letters and digits for references a person reads over the phone.
_REF_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def new_reference() -> str:
    body = "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))
    return f"MN-{body[:4]}-{body[4:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    CONSULTATION_SET = "consultation_set", "Consultation set"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REFERRED = "referred", "Referred"


DECISIONS = {LeadStatus.ACCEPTED, LeadStatus.DECLINED, LeadStatus.REFERRED}


class LeadSource(models.TextChoices):
    INTERVIEW = "interview", "Online interview"
    API = "api", "Firm website (API)"
    STAFF = "staff", "Entered by staff"


class Lead(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        max_length=16, unique=True, default=new_reference, help_text="Shown to the person."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    source = models.CharField(max_length=12, choices=LeadSource.choices)
    language = models.CharField(max_length=5, default="en")
    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    contacted_at = models.DateTimeField(
        null=True, blank=True, help_text="First contact by staff (retention counts from it)."
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Plain columns for the queue: they identify no one.
    state = models.CharField(max_length=2, help_text="USPS code of the incident's state.")
    conduct = models.JSONField(default=list, help_text="Conduct codes from the assessment.")
    earliest_deadline = models.DateField(
        null=True, blank=True, help_text="Earliest deadline of any kind in the assessment."
    )
    earliest_deadline_label = models.CharField(max_length=120, blank=True)
    version = models.PositiveIntegerField(default=1)
    conflict_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last conflict check; acceptance needs one after the latest facts.",
    )
    consent = models.JSONField(
        default=dict, help_text="Which notices the person accepted, and when (no content)."
    )
    # Encrypted: the person, their answers and what Monell made of them.
    contact = EncryptedJSONField(help_text="name, phone, email, language, contact_time")
    answers = EncryptedJSONField(help_text="The incident, as `monell assess` reads it.")
    assessment = EncryptedJSONField(null=True, help_text="`monell assess` JSON of the answers.")

    class Meta:
        ordering = ["earliest_deadline", "created_at"]
        indexes = [models.Index(fields=["status", "earliest_deadline"])]
        permissions = [
            ("change_lead_status", "Can move a lead between open statuses"),
            ("run_conflict_check", "Can run a conflict check"),
            ("decide_lead", "Can accept, decline or refer a lead"),
            ("assign_lead", "Can assign a lead to an attorney"),
            ("edit_lead_facts", "Can edit a lead's facts and reassess"),
            ("export_leads", "Can export leads, memos, letters and calendars"),
            ("manage_settings", "Can change the firm's settings and retention"),
        ]

    def __str__(self) -> str:
        return self.reference


class LeadVersion(models.Model):
    """Each set of facts a lead had, with the assessment made from it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answers = EncryptedJSONField()
    assessment = EncryptedJSONField(null=True)
    reason = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["lead", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "number"], name="one_number_per_version")
        ]


class Note(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    text = EncryptedTextField()

    class Meta:
        ordering = ["created_at"]


class StatusChange(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=LeadStatus.choices)
    to_status = models.CharField(max_length=20, choices=LeadStatus.choices)
    reason = EncryptedTextField()

    class Meta:
        ordering = ["at"]


class Upload(models.Model):
    """A photo or paper the person attached; stored encrypted, only ever downloaded as an
    attachment (never shown inline)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="uploads")
    created_at = models.DateTimeField(auto_now_add=True)
    name = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = EncryptedBinaryField()


class Matter(models.Model):
    lead = models.OneToOneField(Lead, on_delete=models.PROTECT, related_name="matter")
    number = models.CharField(max_length=20, unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="matters"
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)

    def __str__(self) -> str:
        return self.number


class MatterDeadline(models.Model):
    """A deadline copied from the assessment when the lead became a matter."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=40, help_text="section_1983, notice_of_claim, …")
    claim = models.CharField(max_length=60)
    due_on = models.DateField()
    statute = models.CharField(max_length=200, blank=True)
    confidence = models.CharField(max_length=20, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_on"]


class AttorneyCalendar(models.Model):
    """The private feed URL of one attorney's deadlines (a random token, revocable). Only the
    token's hash is kept: the link is shown once, when it is made."""

    attorney = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)


class FirmSettings(models.Model):
    """One row: the firm's choices an admin can change without a restart."""

    firm_name = models.CharField(max_length=200, default="")
    notify_email = models.EmailField(blank=True, help_text="Where new-lead notices go.")
    retention_declined_days = models.PositiveIntegerField(
        default=180, help_text="Purge declined or referred leads this many days after decision."
    )
    retention_uncontacted_days = models.PositiveIntegerField(
        default=365, help_text="Purge leads never contacted this many days after they came in."
    )

    @classmethod
    def load(cls) -> FirmSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
