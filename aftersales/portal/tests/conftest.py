"""Two customers of different companies and two contacts of one company, each with units and
orders; a client signed in as any of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.customers.models import Contact, Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.notifications.models import OutboxMessage
from aftersales.portal import sessions
from aftersales.portal.models import PortalAccess
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order


@dataclass
class Pair:
    """Company A (admin ``a_admin``, plain contact ``a_plain``) and company B (``b``)."""

    a: Customer
    b: Customer
    a_admin: Contact
    a_plain: Contact
    b_contact: Contact
    unit_a: Unit
    unit_b: Unit
    order_admin: ServiceOrder  # reported by A's administrator
    order_plain: ServiceOrder  # reported by A's plain contact
    order_b: ServiceOrder


@pytest.fixture
def pair(centre: ServiceCenter, users: dict[str, User]) -> Pair:
    agent = users[Role.AGENT]
    a = CustomerFactory(name="甲机械有限公司", service_center=centre)
    b = CustomerFactory(name="乙制造有限公司", service_center=centre)
    a_admin = ContactFactory(customer=a, name="王经理", mobile="+8613800000001", is_primary=True)
    a_plain = ContactFactory(customer=a, name="李工", mobile="+8613800000002")
    b_contact = ContactFactory(customer=b, name="赵主任", mobile="+8613800000003", is_primary=True)
    PortalAccess.objects.create(contact=a_admin, is_admin=True)
    PortalAccess.objects.create(contact=b_contact, is_admin=True)
    site = SiteFactory(customer=a)
    unit_a = UnitFactory(customer=a, site=site, serial_number="SNA0001234")
    unit_b = UnitFactory(customer=b, serial_number="SNB0005678")

    def order(customer: Customer, unit: Unit, contact: Contact) -> ServiceOrder:
        return make_order(
            by=agent,
            customer=customer,
            unit=unit,
            contact=contact,
            reporter_name=contact.name,
            reporter_phone=contact.mobile,
        )

    pair = Pair(
        a=a,
        b=b,
        a_admin=a_admin,
        a_plain=a_plain,
        b_contact=b_contact,
        unit_a=unit_a,
        unit_b=unit_b,
        order_admin=order(a, unit_a, a_admin),
        order_plain=order(a, unit_a, a_plain),
        order_b=order(b, unit_b, b_contact),
    )
    OutboxMessage.objects.all().delete()  # the orders' received SMS: the tests count the sign-in codes
    return pair


@pytest.fixture
def portal_client(db: Any) -> Callable[[Contact | str], Client]:
    """A browser signed in to the portal as a contact (or a mobile), as the code step leaves it."""

    def make(who: Contact | str) -> Client:
        client = Client()
        session = client.session
        now = timezone.now().timestamp()
        session[sessions.MOBILE] = who if isinstance(who, str) else who.mobile
        session[sessions.SIGNED_IN_AT] = now
        session[sessions.SEEN_AT] = now
        session.save()
        return client

    return make


def png(name: str = "photo.png", size: tuple[int, int] = (20, 10)) -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Worked:
    """An order taken to a signed visit, with a photo the customer sent."""

    order: ServiceOrder
    visit: Any
    photo: Any


def work_order(order: ServiceOrder, users: dict[str, User], *, signer: str = "王经理") -> Worked:
    from aftersales.accounts.services import system_actor
    from aftersales.service.services import dispatch, visits

    order = dispatch.assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])
    visit = visits.record_visit(order, by=users[Role.TECHNICIAN], diagnosis="密封圈老化", work_done="更换密封圈")
    visit = visits.sign_visit(visit, by=users[Role.TECHNICIAN], signer_name=signer, image=png("sig.png"))
    photo = visits.add_photo(order, by=system_actor("portal"), file=png())
    order.refresh_from_db()
    return Worked(order=order, visit=visit, photo=photo)


@pytest.fixture
def worked(pair: Pair, users: dict[str, User]) -> dict[str, Worked]:
    """Each of the three orders taken to a signed visit with a customer's photo."""
    users[Role.TECHNICIAN].first_name = "师傅"
    users[Role.TECHNICIAN].last_name = "张"
    users[Role.TECHNICIAN].save()
    return {
        "admin": work_order(pair.order_admin, users),
        "plain": work_order(pair.order_plain, users, signer="李工"),
        "b": work_order(pair.order_b, users, signer="赵主任"),
    }


def code_sent_to(mobile: str) -> str:
    """The code in the last SMS the outbox holds for ``mobile``."""
    import re

    message = OutboxMessage.objects.filter(recipient=mobile).order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found is not None
    return found[1]
