"""Staff's side of a contact's portal access: revoke or restore it, make the contact the company's
administrator, send a sign-in code on the customer's behalf (the code goes to the contact's phone,
never to the staff member)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.customers.models import Contact
from aftersales.history.services import record_activity
from aftersales.portal.models import PortalAccess
from aftersales.portal.permissions import can_manage_access, contacts_visible_to
from aftersales.portal.services.signin import _check_limits, send_code


def _access_for(contact_id: int, *, by: User) -> PortalAccess:
    """The contact's access row, locked and made when missing; 403 without the capability, 404 for a
    contact outside the caller's customers."""
    if not can_manage_access(by):
        raise PermissionDeniedError("forbidden", _("Your role may not manage portal access."))
    contact = contacts_visible_to(by).select_related("customer").filter(pk=contact_id).first()
    if contact is None or not can_manage_access(by, centre_id=contact.customer.service_center_id):
        raise NotFoundError("not_found", _("No such contact."), field="contact_id")
    access, _created = PortalAccess.objects.get_or_create(contact=contact, defaults={"is_admin": contact.is_primary})
    # The access row only: the contact's and the customer's belong to the customers services, which
    # lock the customer first, then the contact; taking them here in another order could deadlock.
    access = PortalAccess.objects.select_for_update(of=("self",)).select_related("contact__customer").get(pk=access.pk)
    return access


@transaction.atomic
def set_access_revoked(*, contact_id: int, by: User, revoked: bool) -> PortalAccess:
    """Revoke a contact's access (their open sessions end at their next request) or restore it."""
    access = _access_for(contact_id, by=by)
    if bool(access.revoked_at) == revoked:
        return access
    access.revoked_at = timezone.now() if revoked else None
    access.revoked_by = by if revoked else None
    access.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    record_activity(
        target=access.contact.customer,
        type="portal.access_revoked" if revoked else "portal.access_restored",
        by=by,
        data={"contact": access.contact.name},
    )
    return access


@transaction.atomic
def set_portal_admin(*, contact_id: int, by: User, is_admin: bool) -> PortalAccess:
    """Make a contact the company's administrator in the portal (sees every order) or not."""
    access = _access_for(contact_id, by=by)
    if access.is_admin == is_admin:
        return access
    access.is_admin = is_admin
    access.save(update_fields=["is_admin", "updated_at"])
    record_activity(
        target=access.contact.customer,
        type="portal.admin_set" if is_admin else "portal.admin_cleared",
        by=by,
        data={"contact": access.contact.name},
    )
    return access


@transaction.atomic
def send_code_for_contact(*, contact_id: int, by: User) -> Contact:
    """Send a contact a sign-in code (a customer on the phone who got none): the per-mobile limits
    apply; 409 ``access_revoked`` while their access is revoked."""
    access = _access_for(contact_id, by=by)
    if access.revoked_at is not None:
        raise ConflictError(
            "access_revoked", _("This contact's portal access is revoked: restore it first."), field="contact_id"
        )
    _check_limits(access.contact.mobile, address=None)
    send_code(access.contact.mobile)
    record_activity(
        target=access.contact.customer, type="portal.code_sent", by=by, data={"contact": access.contact.name}
    )
    return access.contact
