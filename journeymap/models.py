from __future__ import annotations

import secrets
import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_single_line(value: str) -> None:
    """A name shown in e-mail subjects, page titles and file names: one line of text, no
    control characters (a line break in an e-mail subject is a header injection)."""
    if any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value):
        raise ValidationError(
            _("Use letters, digits, spaces and punctuation only: no line breaks or tabs."),
            code="control_characters",
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address; the name is what others see on a board."""

    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    is_active = models.BooleanField(_("active"), default=True)
    # Set by following the link of a confirmation (or password reset) mail: only then is
    # the person known to read this address, and may accept an invite sent to it.
    email_verified = models.BooleanField(_("e-mail address confirmed"), default=False)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Empty: the browser's (its Accept-Language, its clock). journeymap.locale applies them.
    language = models.CharField(_("language"), max_length=8, blank=True, choices=settings.LANGUAGES)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Someone on a board through a workshop link (boards.models.Guest), with no account of
    # their own yet: no usable password, a placeholder address (GUEST_EMAIL_DOMAIN) no mail
    # goes to, never a member of an organisation. Making an account clears it.
    is_guest = models.BooleanField(_("guest"), default=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Role(models.TextChoices):
    # Ordered from most to least powerful; access.py relies on ROLE_RANK.
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    FACILITATOR = "facilitator", _("Facilitator")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


ROLE_RANK = {
    Role.OWNER: 5,
    Role.ADMIN: 4,
    Role.FACILITATOR: 3,
    Role.EDITOR: 2,
    Role.VIEWER: 1,
}


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[validate_single_line])
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Owners and admins may keep the organisation's boards inside it.
    allow_exports = models.BooleanField(
        _("allow exports"),
        default=True,
        help_text=_("Members may download boards as SVG, PNG, PDF, JSON and CSV."),
    )
    allow_share_links = models.BooleanField(
        _("allow share links"),
        default=True,
        help_text=_("Members may share read-only links to boards with people outside."),
    )
    # For what is written when nobody's own choice applies: invites and e-mails to people
    # without an account, automatic version names, and times shown before a browser said.
    language = models.CharField(
        _("language"), max_length=8, default="en", choices=settings.LANGUAGES
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="organisation_name_not_empty")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    joined = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="membership_unique_user_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


def _invite_token() -> str:
    return secrets.token_urlsafe(32)


class Invite(models.Model):
    """An invitation to join an organisation with a role: single use, expiring, revocable.

    `email` is empty for a copyable link that anyone holding it may accept once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=_invite_token, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires = models.DateTimeField(_("expires"))
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invite")
        verbose_name_plural = _("invites")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values) & ~models.Q(role=Role.OWNER),
                name="invite_role_valid_not_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email or _('link')} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_usable(self) -> bool:
        return self.accepted is None and self.revoked is None and self.expires > timezone.now()

    @property
    def status(self) -> str:
        if self.revoked:
            return str(_("revoked"))
        if self.accepted:
            return str(_("accepted"))
        if self.expires <= timezone.now():
            return str(_("expired"))
        return str(_("pending"))


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    INVITE_CREATED = "invite_created", _("Invite made")
    INVITE_REVOKED = "invite_revoked", _("Invite revoked")
    INVITE_ACCEPTED = "invite_accepted", _("Invite accepted")
    SHARING_CHANGED = "sharing_changed", _("Sharing settings changed")
    SHARE_LINK_CREATED = "share_link_created", _("Share link made")
    SHARE_LINK_REVOKED = "share_link_revoked", _("Share link revoked")
    BOARD_EXPORTED = "board_exported", _("Board exported")
    BOARD_RESTORED = "board_restored", _("Version restored")
    BOARD_DELETED = "board_deleted", _("Board deleted")


class AuditEvent(models.Model):
    """Something an owner may need to account for later: who signed in, who changed whose
    role, what left the organisation and how (journeymap.audit). Written in the same
    transaction as what it records; never changed afterwards.

    `subject` is what the event was about, as it was called then (a person's address, a
    board's title), so the line still reads when the thing is gone. Sign-ins of a person
    in no organisation keep `organisation` empty (the admin shows them)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["organisation", "-created"], name="audit_org_created")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.subject}"
