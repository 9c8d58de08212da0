"""What a customer sees: units with the warranty, orders with the technician's name, the timeline
meant for them (never a reason or a remark), quote links to money's page, the signed record."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.money.models import Quote
from aftersales.money.services.quotes import quote_from_token
from aftersales.portal.models import PortalAccess
from aftersales.portal.services import ensure_unit_tokens
from aftersales.portal.tests.conftest import Pair, Worked, code_sent_to
from aftersales.service.choices import OrderStatus
from aftersales.service.services import extend_due, transition_order

pytestmark = pytest.mark.django_db


def test_home_lists_units_with_warranty_and_open_orders(pair: Pair, portal_client: Any) -> None:
    response = portal_client(pair.a_admin).get(reverse("portal:home"))

    body = response.content.decode()
    assert pair.unit_a.serial_number in body and 'data-warranty="covered"' in body
    assert pair.order_admin.number in body and pair.order_plain.number in body  # the administrator's view


def test_warranty_is_said_once_with_its_end(pair: Pair, portal_client: Any) -> None:
    body = portal_client(pair.a_admin).get(reverse("portal:home")).content.decode()

    # The badge said 保修期内 and the line beside it said 保修期内 again before "· 至 …".
    assert 'data-warranty="covered">保修期内</span>' in body
    assert body.count("保修期内") == 1


def test_a_contact_without_units_is_given_the_company_hotline(centre: Any, users: Any, portal_client: Any) -> None:
    contact = ContactFactory(customer=CustomerFactory(service_center=centre), mobile="+8613800000009")
    PortalAccess.objects.create(contact=contact, is_admin=True)
    before = portal_client(contact).get(reverse("portal:home")).content.decode()
    update_company_profile(by=users[Role.ADMIN], name="沪东精密机械有限公司", hotline="400-800-1234")

    after = portal_client(contact).get(reverse("portal:home")).content.decode()

    assert "tel:" not in before
    assert 'href="tel:4008001234"' in after and "400 800 1234" in after


def test_unit_page_lists_its_orders(pair: Pair, portal_client: Any) -> None:
    response = portal_client(pair.a_plain).get(reverse("portal:unit_detail", args=[pair.unit_a.pk]))

    assert pair.order_plain.number.encode() in response.content
    assert pair.order_admin.number.encode() not in response.content


def test_contacts_may_see_the_company_orders_when_configured(pair: Pair, portal_client: Any, settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "PORTAL_CONTACTS_SEE_COMPANY_ORDERS": True}

    response = portal_client(pair.a_plain).get(reverse("portal:order_detail", args=[pair.order_admin.pk]))

    assert response.status_code == 200


def test_timeline_shows_progress_and_never_internal_reasons(
    pair: Pair, worked: dict[str, Worked], portal_client: Any, users: Any
) -> None:
    order = worked["plain"].order
    order = extend_due(order, by=users[Role.MANAGER], working_days=2, reason="内部：等配件，供应商拖延")
    transition_order(order, to=OrderStatus.COMPLETED, by=users[Role.TECHNICIAN], reason="内部备注：客户难缠")

    response = portal_client(pair.a_plain).get(reverse("portal:order_detail", args=[order.pk]))

    body = response.content.decode()
    assert "张师傅" in body  # the technician's name …
    assert users[Role.TECHNICIAN].username not in body  # … never the login
    assert "内部" not in body
    steps = body.split('id="portal-timeline"')[1]
    for text in (
        "我们已收到您的报修",
        "已为您安排技术服务人员",
        "技术服务人员已到达",
        "新的完成日期",
        "维修已完成",
        "签字人",
    ):
        assert text in steps, text
    assert 'id="record-link"' in body
    assert reverse("portal:order_photo", args=[order.pk, worked["plain"].photo.pk]) in body


def test_quote_links_to_moneys_page(pair: Pair, portal_client: Any, users: Any) -> None:
    quote = Quote.objects.create(
        order=pair.order_plain,
        number="Q-TEST-1",
        net=Decimal("100.00"),
        tax=Decimal("13.00"),
        gross=Decimal("113.00"),
        expires_at=timezone.now() + datetime.timedelta(days=7),
        nonce="n" * 16,
        created_by=users[Role.AGENT],
    )

    response = portal_client(pair.a_plain).get(reverse("portal:order_detail", args=[pair.order_plain.pk]))

    # The link's token carries the second it was signed: read the page's own link, not one signed again
    # here (the second may have turned in between: failed in CI, 2026-12-07).
    prefix = reverse("money_public:quote", args=["TOKEN"]).split("TOKEN")[0]
    tokens = re.findall(rf'href="{re.escape(prefix)}([^"/]+)/"', response.content.decode())
    assert [quote_from_token(token) for token in tokens] == [quote]


def test_signed_record_signature_and_photo(pair: Pair, worked: dict[str, Worked], portal_client: Any) -> None:
    client = portal_client(pair.a_plain)
    w = worked["plain"]

    record = client.get(reverse("portal:order_record", args=[w.order.pk]))
    signature = client.get(reverse("portal:visit_signature", args=[w.order.pk, w.visit.pk]))
    photo = client.get(reverse("portal:order_photo", args=[w.order.pk, w.photo.pk]))

    assert record.status_code == 200 and "更换密封圈" in record.content.decode()
    assert signature["Content-Type"] == "image/png"
    assert photo["Content-Type"] == "image/png"


def test_record_before_signing_is_404(pair: Pair, portal_client: Any) -> None:
    assert (
        portal_client(pair.a_plain).get(reverse("portal:order_record", args=[pair.order_plain.pk])).status_code == 404
    )


def test_staff_photos_stay_internal(pair: Pair, worked: dict[str, Worked], portal_client: Any, users: Any) -> None:
    from aftersales.portal.tests.conftest import png
    from aftersales.service.services.visits import add_photo

    staff_photo = add_photo(worked["plain"].order, by=users[Role.TECHNICIAN], file=png())

    url = reverse("portal:order_photo", args=[worked["plain"].order.pk, staff_photo.pk])
    assert portal_client(pair.a_plain).get(url).status_code == 404


def test_scanning_the_label_signed_out_signs_in_then_opens_the_report(pair: Pair) -> None:
    token = ensure_unit_tokens([pair.unit_a])[pair.unit_a.pk]
    client = Client()
    public = client.get(reverse("portal:unit_public", args=[token]))
    report_from_label = reverse("portal:unit_public_report", args=[token])
    assert report_from_label.encode() in public.content

    to_sign_in = client.get(report_from_label)
    assert to_sign_in["Location"].startswith(reverse("portal:sign_in"))
    client.post(to_sign_in["Location"], {"mobile": "13800000002"})
    code = code_sent_to("+8613800000002")
    signed_in = client.post(f"{reverse('portal:sign_in_code')}?next={report_from_label}", {"code": code})
    assert signed_in["Location"] == report_from_label
    assert client.get(report_from_label)["Location"] == f"{reverse('portal:report')}?unit={pair.unit_a.pk}"


def test_label_page_in_english(pair: Pair) -> None:
    token = ensure_unit_tokens([pair.unit_a])[pair.unit_a.pk]
    client = Client(headers={"Accept-Language": "en"})
    client.cookies["django_language"] = "en"

    assert client.get(reverse("portal:unit_public", args=[token])).status_code == 200


def test_the_portals_404_leads_back_to_the_portal_not_the_staff_sign_in(pair: Pair, portal_client: Any) -> None:
    # QA 2026-12-07: "返回首页" and the logo pointed to /, which redirects a customer to the staff login.
    response = portal_client(pair.a_admin).get("/portal/orders/99999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page
    assert re.findall(r'href="(/[^"]*)"', page) and all(
        href.startswith(("/portal/", "/static/")) for href in re.findall(r'href="(/[^"]*)"', page)
    )
    assert 'class="btn btn-primary" href="/portal/"' in page


def test_a_console_404_still_leads_to_the_console(client: Client, users: Any) -> None:
    client.force_login(users[Role.MANAGER])

    page = client.get("/orders/999999999/").content.decode()

    assert 'class="btn btn-primary" href="/"' in page
