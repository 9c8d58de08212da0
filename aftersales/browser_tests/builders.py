# ruff: noqa: S101 - tests assert (pyproject ignores S101 under tests/ and in conftest.py only)
"""What the earlier steps of the repair would have left, made through the services (no screens).

Each scenario starts from the demo set plus these, so a broken screen fails its own scenario only.
"""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.models import User
from aftersales.coverage.selectors import decide_coverage
from aftersales.customers.models import Customer
from aftersales.demo import data
from aftersales.demo.signature import signature_png
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OldParts, OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.services import assign_technician, open_order, record_visit, sign_visit, transition_order

CALLER_NAME, CALLER_MOBILE = data.SHOWCASE_CONTACT


def user(username: str) -> User:
    return User.objects.get(username=username)


def showcase_customer() -> Customer:
    return Customer.objects.get(name=data.SHOWCASE_CUSTOMER)


def showcase_unit(*, covered: bool) -> Unit:
    """The demo showcase customer has two units: one bought 200 days ago, one out of warranty."""
    units = Unit.objects.filter(customer=showcase_customer()).order_by("-purchase_date")
    unit = units[0] if covered else units[1]
    assert decide_coverage(unit=unit, on=timezone.localdate(), kind="").covered is covered
    return unit


def open_showcase_order() -> ServiceOrder:
    """What scenario 1 leaves: a repair of the showcase unit, opened by the agent."""
    customer = showcase_customer()
    return open_order(
        by=user("agent"),
        kind=OrderKind.REPAIR,
        customer=customer,
        contact=customer.contacts.get(mobile__endswith=CALLER_MOBILE),
        unit=showcase_unit(covered=True),
        reporter_name=CALLER_NAME,
        reporter_phone=CALLER_MOBILE,
        description="主轴异响，开机十分钟后报警 E-21。",
    )


def assigned_showcase_order() -> ServiceOrder:
    """What scenario 2 leaves: the repair assigned to the demo technician (上海)."""
    return assign_technician(open_showcase_order(), by=user("dispatcher"), technician=user("technician"))


def completed_signed_order() -> ServiceOrder:
    """What scenario 3 leaves: the visit recorded and signed, the job marked completed."""
    order = assigned_showcase_order()
    technician = user("technician")
    visit = record_visit(
        order,
        by=technician,
        arrival_confirmed_by=CALLER_NAME,
        diagnosis="主轴轴承磨损。",
        work_done="更换主轴轴承，试机两小时正常。",
        parts_replaced="主轴轴承 6205-2RS ×2",
        old_parts=OldParts.HANDED_TO_CUSTOMER,
    )
    image = SimpleUploadedFile("signature.png", signature_png(random.Random(3)), content_type="image/png")
    sign_visit(visit, by=technician, signer_name=CALLER_NAME, image=image)
    return transition_order(ServiceOrder.objects.get(pk=order.pk), to=OrderStatus.COMPLETED, by=technician)


def ink_pixels(png: bytes) -> int:
    """How many pixels of a signature image are not (nearly) white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(count for value, count in enumerate(image.histogram()) if value < 200)
