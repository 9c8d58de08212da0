"""The demo's customer portal (issue 12): the showcase customer's contact is the company's
administrator in the portal, so signing in with their mobile (138 1688 1234) shows the company's
units and orders; the code is in the SMS console backend's log (``make run``'s relay)."""

from aftersales.accounts.models import User
from aftersales.customers.models import Contact
from aftersales.demo import data
from aftersales.portal.services import set_portal_admin


def load_portal(*, manager: User) -> int:
    contact = Contact.objects.get(customer__name=data.SHOWCASE_CUSTOMER, name=data.SHOWCASE_CONTACT[0])
    set_portal_admin(contact_id=contact.pk, by=manager, is_admin=True)
    return 1
