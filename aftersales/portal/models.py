"""What the portal keeps of its own: who may sign in (a contact's access), the one-time codes, and
the unguessable token each unit's QR label carries. Business records (orders, photos, quotes) stay in
the apps that own them; the portal calls their services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStampedModel
from aftersales.customers.models import Contact
from aftersales.installed_base.models import Unit


class PortalAccess(TimeStampedModel):
    """A contact's standing in the portal. Every contact with a mobile may sign in until staff revoke
    it; the row is made at the first sign-in (or when staff change it). ``is_admin``: the company's
    administrator, who sees every order of the company."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="portal_access")
    is_admin = models.BooleanField(_("company administrator"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal access")

    def __str__(self) -> str:
        return f"{self.contact_id} {'revoked' if self.revoked_at else 'active'}"


class SignInCode(models.Model):
    """A one-time code sent to a mobile (stored as a keyed hash, never the digits)."""

    mobile = models.CharField(_("mobile"), max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["mobile", "-id"], name="portal_code_mobile_idx")]

    def __str__(self) -> str:
        return f"{self.mobile} {self.created_at:%Y-%m-%d %H:%M}"


class UnitToken(TimeStampedModel):
    """The token a unit's QR label carries (``/portal/u/<token>/``). One is in force per unit;
    reissuing revokes it, and a label printed with the old one then answers 404."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="portal_tokens")
    token = models.CharField(max_length=43)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("QR label token")
        verbose_name_plural = _("QR label tokens")
        constraints = [
            models.UniqueConstraint(fields=["token"], name="portal_unit_token_uniq"),
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(revoked_at__isnull=True), name="portal_unit_token_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {'revoked' if self.revoked_at else 'active'}"
