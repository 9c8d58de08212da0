"""Service centres, users (a primary role and any extra roles), and API tokens."""

import datetime
import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts import capabilities
from aftersales.accounts.choices import Role, SystemActor
from aftersales.core.models import TimeStampedModel
from aftersales.core.text import join_list


class ServiceCenter(TimeStampedModel):
    """A service centre (服务网点) with its region; orders, customers and staff belong to one."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CompanyProfile(TimeStampedModel):
    """The company running the after-sales department: its name, 客服热线, address and the seller's
    particulars printed on service forms, quotes and invoices. One row at most (``id`` 1): until an
    administrator saves it, ``AFTERSALES["COMPANY_NAME"]`` (env ``AFTERSALES_COMPANY_NAME``) stands in."""

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    name = models.CharField(_("company name"), max_length=100)
    hotline = models.CharField(_("service hotline"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    email = models.EmailField(_("service e-mail"), max_length=254, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="accounts_companyprofile_single_row"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffManager(UserManager["User"]):
    """Django's user manager; a superuser (``manage.py createsuperuser``, the first administrator of a
    new install) is an administrator by role too. Found by a probe, 2026-12-06: created with the default
    role, the first administrator read as 客服 (agent) everywhere and could not change their own role."""

    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A member of staff. The role decides what they may do; the centre what they may see."""

    objects = StaffManager()

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    service_center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    # Set only on the service accounts of ``accounts.services.system_actor``: no role, no password,
    # no sign-in, no token; their capabilities are their own (``accounts.capabilities``).
    system_kind = models.CharField(
        _("system actor"), max_length=20, choices=SystemActor.choices, blank=True, default=""
    )
    # Kept by ``accounts.services.set_roles``: whether ``extra_roles`` has rows, so the capability
    # check of a user without extra roles (nearly everyone) costs no query.
    has_extra_roles = models.BooleanField(_("has extra roles"), default=False, editable=False)
    # Kept by ``accounts.services.create_stand_in``: the last day someone hands this user their
    # capabilities (an upper bound: ending a stand-in early leaves it). After it, the check costs no query.
    stand_in_until = models.DateField(_("stands in until"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"),
            models.CheckConstraint(
                condition=models.Q(system_kind__in=["", *SystemActor.values]), name="accounts_user_system_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_system(self) -> bool:
        """A service account (a scheduled job, a connected machine, an import), not a person."""
        return bool(self.system_kind)

    def get_full_name(self) -> str:
        """Chinese names read family name first with no space (张伟); others "first last". A system
        actor is named as such ("系统（设备）") wherever its actions are shown."""
        if self.system_kind:
            return str(SystemActor(self.system_kind).label)
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()

    def get_roles_display(self) -> str:
        """The primary role, then any extra roles: "调度（兼：技术服务人员、财务）"."""
        extra = [str(label) for value, label in Role.choices if value in capabilities.extra_roles_of(self)]
        primary = str(self.get_role_display())
        return (
            _("%(primary)s (also: %(extra)s)") % {"primary": primary, "extra": join_list(extra)} if extra else primary
        )

    @property
    def sees_all_centres(self) -> bool:
        return capabilities.sees_all_centres(self)


class UserRole(models.Model):
    """A role a user holds besides their primary ``User.role`` (written by ``services.set_roles``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="extra_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("extra role")
        verbose_name_plural = _("extra roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_user_role_uniq"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="accounts_userrole_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class StandInQuerySet(models.QuerySet["StandIn"]):
    def in_force(self, day: datetime.date) -> "StandInQuerySet":
        """Stand-ins in force on ``day``: started, not past their last day, not ended early, given by
        an active user."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, ended_at__isnull=True, from_user__is_active=True)


class StandIn(TimeStampedModel):
    """代班: ``from_user`` hands their capabilities to ``to_user`` from ``starts_on`` to ``ends_on``
    (whole days in Asia/Shanghai, both included). Written by ``services.create_stand_in``; ended early
    by ``services.end_stand_in`` (``ended_at``), never deleted."""

    from_user = models.ForeignKey(
        User, verbose_name=_("stands in for"), on_delete=models.PROTECT, related_name="stand_ins_given"
    )
    to_user = models.ForeignKey(
        User, verbose_name=_("stand-in"), on_delete=models.PROTECT, related_name="stand_ins_taken"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("ended early at"), null=True, blank=True)

    objects = StandInQuerySet.as_manager()

    class Meta:
        verbose_name = _("stand-in")
        verbose_name_plural = _("stand-ins")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="accounts_standin_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_user=models.F("to_user")), name="accounts_standin_not_self"
            ),
        ]
        indexes = [models.Index(fields=["to_user", "ends_on"], name="accounts_standin_to_ends")]

    def __str__(self) -> str:
        return f"{self.to_user} → {self.from_user} {self.starts_on}–{self.ends_on}"


class ApiToken(TimeStampedModel):
    """A bearer token for the REST API. Only its SHA-256 is stored; ``prefix`` (its first characters)
    lets the owner tell tokens apart. One token per (user, client name): a new token for the same
    client replaces the old one. A token stops working at ``expires_at`` (``None``: never)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("client name"), max_length=100, default="")
    prefix = models.CharField(_("prefix"), max_length=12, default="")
    key_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="accounts_apitoken_user_name_uniq")]

    def __str__(self) -> str:
        return f"token {self.prefix}… ({self.name}) of {self.user}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
