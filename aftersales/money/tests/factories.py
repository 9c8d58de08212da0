"""Orders in and out of warranty, made through the services (the factories never bypass a rule)."""

import datetime
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aftersales.accounts.models import User
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order


def order_with(coverage: str, *, by: User, customer: Customer | None = None, **kwargs: Any) -> ServiceOrder:
    """``coverage``: "in_warranty", "expired", "no_proof" (misuse is found on a visit or decided by a manager)."""
    customer = customer or CustomerFactory(service_center=by.service_center)
    today = datetime.date.today()
    unit_fields: dict[str, Any] = {"customer": customer}
    if coverage == "expired":
        unit_fields["purchase_date"] = today - datetime.timedelta(days=365 * 6)
    elif coverage == "no_proof":
        unit_fields["proof_reference"] = ""
        unit_fields["purchase_date"] = None
    return make_order(by=by, customer=customer, unit=UnitFactory(**unit_fields), **kwargs)


def png(name: str = "sig.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
