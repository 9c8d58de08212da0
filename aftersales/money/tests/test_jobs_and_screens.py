"""Money's periodic jobs (payment reminders, logistics chasing) and its newer screens: exchange and
installation on the charges page, the acceptance page, the approvals and logistics panels, the server-side
PDFs of quotes and invoices."""

import base64
import datetime
import io
import json
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.money import services, tasks
from aftersales.money.choices import ChargeKind
from aftersales.money.models import Exchange, Installation, Invoice, PickupNotice, Quote
from aftersales.money.services import exchange, installation
from aftersales.money.services.logistics import chase_logistics, record_pickup_notice
from aftersales.money.services.reminders import remind_receivables, reminder_step
from aftersales.money.tests.factories import order_with
from aftersales.notifications.models import OutboxMessage
from aftersales.parts.choices import LocationKind, RequestKind, RequestStatus
from aftersales.parts.models import Location, StockRequest
from aftersales.parts.tests.factories import SupplierFactory
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def issued(users):
    """An issued invoice of 113.00 (an out-of-warranty order, the quote approved)."""
    agent, finance = users[Role.AGENT], users[Role.FINANCE]
    order = order_with("expired", by=agent)
    services.add_charge(order, by=agent, kind=ChargeKind.LABOUR, description="人工", unit_price="100")
    quote = services.send_quote(order, by=agent)
    services.answer_quote(quote, approve=True, name="王")
    invoice = services.create_invoice(order, by=finance)
    return services.issue_invoice(invoice, by=finance)


# ---- payment reminders ----------------------------------------------------------------------------
def test_reminder_steps():
    assert [reminder_step(days) for days in (0, 1, 14, 15, 29, 30, 59, 60, 400)] == [
        None,
        1,
        1,
        15,
        15,
        30,
        30,
        60,
        60,
    ]


def test_overdue_invoices_are_reminded_once_per_step_through_the_outbox(issued, users):
    due = issued.due_on
    assert remind_receivables(now=_at(due)) == 0, "not overdue on its due day"
    assert remind_receivables(now=_at(due + datetime.timedelta(days=1))) == 1
    sms = OutboxMessage.objects.get(key=f"invoice-{issued.pk}-reminder-1")
    assert sms.channel == "sms" and "113.00" in sms.body and issued.number in sms.body
    assert OutboxMessage.objects.filter(key=f"invoice-{issued.pk}-reminder-1-finance-in_app").exists()
    assert remind_receivables(now=_at(due + datetime.timedelta(days=2))) == 0, "once per step"
    assert remind_receivables(now=_at(due + datetime.timedelta(days=40))) == 1, "a missed step: the latest only"
    assert not OutboxMessage.objects.filter(key=f"invoice-{issued.pk}-reminder-15").exists()
    services.record_payment(issued, by=users[Role.FINANCE], amount="113.00")
    assert remind_receivables(now=_at(due + datetime.timedelta(days=70))) == 0, "paid: no more reminders"


def test_a_reminder_gives_the_company_hotline_once_the_profile_has_one(issued, users):
    due = issued.due_on
    remind_receivables(now=_at(due + datetime.timedelta(days=1)))
    update_company_profile(by=users[Role.ADMIN], name="沪东精密机械有限公司", hotline="400-800-1234")
    remind_receivables(now=_at(due + datetime.timedelta(days=15)))

    first = OutboxMessage.objects.get(key=f"invoice-{issued.pk}-reminder-1")
    second = OutboxMessage.objects.get(key=f"invoice-{issued.pk}-reminder-15")
    assert "400" not in first.body and first.body.endswith("请致电我们。")
    # A customer SMS: signed by the profile's company, the hotline after the text (its signature).
    assert second.body.startswith("【沪东精密机械有限公司】") and second.body.endswith(
        "请致电我们。客服热线：400 800 1234"
    )


def test_the_reminder_task_runs_the_job(issued, monkeypatch):
    Invoice.objects.filter(pk=issued.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert tasks.remind_receivables() == 1


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


# ---- logistics chasing ----------------------------------------------------------------------------
@pytest.fixture
def purchase(users, centre):
    keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=centre)
    shop = Location.objects.create(code="ST-L", name="库房", kind=LocationKind.CENTRE_STORE, service_center=centre)
    request = StockRequest.objects.create(
        number="RQ-1",
        kind=RequestKind.PURCHASE,
        status=RequestStatus.SENT,
        location=shop,
        supplier=SupplierFactory(name="无锡压缩机厂"),
        created_by=keeper,
        sent_at=timezone.now() - datetime.timedelta(days=30),
    )
    return keeper, request


def test_a_purchase_with_no_pickup_notice_raises_a_task_once_per_round_until_noticed(purchase):
    keeper, request = purchase
    sent = timezone.localdate(request.sent_at)
    assert chase_logistics(now=_at(sent + datetime.timedelta(days=3))) == 0, "too early"
    assert chase_logistics(now=_at(sent + datetime.timedelta(days=12))) == 1
    notice = OutboxMessage.objects.get(key__startswith=f"logistics-{request.pk}-chase-1")
    assert "无锡压缩机厂" in notice.body
    assert chase_logistics(now=_at(sent + datetime.timedelta(days=12))) == 0, "once per round"
    assert tasks.chase_logistics() == 1, "today is a later round"

    listed = Client()
    listed.force_login(keeper)
    assert "RQ-1" in listed.get("/money/logistics/").content.decode()
    assert listed.post(f"/money/logistics/{request.pk}/pickup-notice/", {"note": "已到货"}).status_code == 302
    assert PickupNotice.objects.filter(request=request).exists()
    assert chase_logistics(now=_at(sent + datetime.timedelta(days=60))) == 0, "noticed: no more chasing"
    again = listed.post(f"/money/logistics/{request.pk}/pickup-notice/", {})
    assert again.status_code == 302 and PickupNotice.objects.count() == 1


def test_pickup_notice_through_the_api_checks_role_scope_and_state(purchase, users, api_client, other_centre):
    keeper, request = purchase
    path = f"/api/v1/stock-requests/{request.pk}/pickup-notice"
    stranger = api_client(UserFactory(role=Role.PARTS_KEEPER, service_center=other_centre))
    assert stranger.post(path, "{}", content_type="application/json").status_code == 404
    agent = api_client(users[Role.AGENT])
    assert agent.post(path, "{}", content_type="application/json").status_code in (403, 404)
    mine = api_client(keeper)
    assert mine.get("/api/v1/logistics/awaiting-pickup").json()["items"][0]["supplier_name"] == "无锡压缩机厂"
    future = mine.post(path, json.dumps({"noticed_on": "2999-01-01"}), content_type="application/json")
    assert (future.status_code, future.json()["field"]) == (400, "noticed_on")
    assert not PickupNotice.objects.exists()
    assert mine.post(path, "{}", content_type="application/json").status_code == 201
    assert mine.post(path, "{}", content_type="application/json").json()["code"] == "pickup_noticed"
    assert mine.get("/api/v1/logistics/awaiting-pickup").json()["items"] == []
    StockRequest.objects.filter(pk=request.pk).update(status=RequestStatus.RECEIVED)
    PickupNotice.objects.all().delete()
    assert record_pickup_notice_code(request, keeper) == "not_awaiting_pickup"


def record_pickup_notice_code(request, keeper) -> str:
    try:
        record_pickup_notice(request, by=keeper)
    except Exception as exc:  # noqa: BLE001 - the code of the refusal is what is checked
        return getattr(exc, "code", "")
    return ""


# ---- PDFs ---------------------------------------------------------------------------------------
def test_quote_and_invoice_pdfs_are_made_on_the_server(issued, users, api_client):
    quote = Quote.objects.get(order=issued.order)
    agent = login(users[Role.AGENT])
    pdf = agent.get(f"/money/quotes/{quote.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    finance = api_client(users[Role.FINANCE])
    invoice_pdf = finance.get(f"/api/v1/invoices/{issued.pk}/pdf")
    assert invoice_pdf.status_code == 200 and invoice_pdf.content[:5] == b"%PDF-"
    assert issued.number in invoice_pdf["Content-Disposition"]
    assert api_client(users[Role.AGENT]).get(f"/api/v1/quotes/{quote.pk}/pdf").content[:5] == b"%PDF-"
    assert login(users[Role.FINANCE]).get(f"/money/invoices/{issued.pk}/pdf/").status_code == 200
    assert api_client(users[Role.AGENT]).get(f"/api/v1/invoices/{issued.pk}/pdf").status_code == 403
    assert agent.get(f"/money/invoices/{issued.pk}/print/").status_code == 403


def test_another_centres_quote_pdf_is_not_found(issued, api_client, other_centre):
    quote = Quote.objects.get(order=issued.order)
    stranger = api_client(UserFactory(role=Role.AGENT, service_center=other_centre))
    assert stranger.get(f"/api/v1/quotes/{quote.pk}/pdf").status_code == 404


# ---- exchange and installation screens ---------------------------------------------------------------
@pytest.mark.parametrize("value", [None, "", "true", "1", "on"])
def test_an_exchange_decision_without_yes_or_no_is_refused_and_decides_nothing(users, value):
    # The buttons send yes or no; anything else was read as a refusal and recorded (QA 2026-12-07 kind).
    order = order_with("in_warranty", by=users[Role.AGENT])
    desk, manager = login(users[Role.AGENT]), login(users[Role.MANAGER])
    desk.post(f"/money/orders/{order.pk}/exchange/", {"reason": "三次维修仍故障"})
    ex = Exchange.objects.get()

    body = {"note": "再修一次"} | ({} if value is None else {"answer": value})

    answer = manager.post(f"/money/exchanges/{ex.pk}/decision/", body, follow=True)

    assert Exchange.objects.get().status == "requested"
    assert "请选择所给的答案之一。" in answer.content.decode()


def test_exchange_through_the_console_and_the_managers_approvals_panel(users):
    order = order_with("in_warranty", by=users[Role.AGENT])
    desk, manager = login(users[Role.AGENT]), login(users[Role.MANAGER])
    page = f"/money/orders/{order.pk}/"
    assert 'id="exchange"' in desk.get(page).content.decode()
    bad = desk.post(f"/money/orders/{order.pk}/exchange/", {"reason": ""})
    assert bad.status_code == 400 and not Exchange.objects.exists()
    assert desk.post(f"/money/orders/{order.pk}/exchange/", {"reason": "三次维修仍故障"}).status_code == 302
    ex = Exchange.objects.get()

    home = manager.get("/").content.decode()
    assert f'id="approval-exchange-{ex.pk}"' in home
    assert desk.post(f"/money/exchanges/{ex.pk}/decision/", {"answer": "yes"}).status_code == 302
    assert Exchange.objects.get().status == "requested", "the desk cannot approve"
    manager.post(f"/money/exchanges/{ex.pk}/decision/", {"answer": "yes"})
    desk.post(f"/money/exchanges/{ex.pk}/factory/", {"answer": "yes"})
    desk.post(f"/money/exchanges/{ex.pk}/ship-old/", {"carrier": "顺丰", "waybill": "SF1"})  # no packaging box ticked
    assert Exchange.objects.get().status == "agreed"
    desk.post(f"/money/exchanges/{ex.pk}/ship-old/", {"carrier": "", "waybill": ""})  # the form refuses
    desk.post(
        f"/money/exchanges/{ex.pk}/ship-old/",
        {"carrier": "顺丰", "waybill": "SF1", "original_packaging": "on", "freight": "20.00"},
    )
    desk.post(f"/money/exchanges/{ex.pk}/deliver/", {"serial_number": "NEW-9"})
    assert Exchange.objects.get().status == "delivered"
    assert "NEW-9" in desk.get(page).content.decode()
    assert desk.post(f"/money/exchanges/{ex.pk}/nonsense/", {}).status_code == 404


def ids_used_twice(html: str) -> set[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return {i for i in ids if ids.count(i) > 1}


def test_every_field_of_the_charges_page_has_its_own_id_so_each_label_names_its_field(users):
    """The exchange's and the factory return's step forms share field names (carrier, waybill, freight)
    with the factory shipment: each must keep its own ids, or a label points at another form's field."""
    order = order_with("in_warranty", by=users[Role.AGENT])
    desk, manager = login(users[Role.AGENT]), login(users[Role.MANAGER])
    page = f"/money/orders/{order.pk}/"
    desk.post(f"/money/orders/{order.pk}/exchange/", {"reason": "三次维修仍故障"})
    ex = Exchange.objects.get()
    manager.post(f"/money/exchanges/{ex.pk}/decision/", {"answer": "yes"})
    desk.post(f"/money/exchanges/{ex.pk}/factory/", {"answer": "yes"})
    html = desk.get(page).content.decode()
    assert 'id="exchange-ship-carrier"' in html and 'for="exchange-ship-carrier"' in html
    assert ids_used_twice(html) == set()

    desk.post(f"/money/exchanges/{ex.pk}/ship-old/", {"carrier": "顺丰", "waybill": "SF1", "original_packaging": "on"})
    html = desk.get(page).content.decode()
    assert 'id="exchange-deliver-serial_number"' in html
    assert ids_used_twice(html) == set()


def test_installation_through_the_console_with_the_signed_acceptance(users):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")
    model = ProductModelFactory(code="AC-1")
    desk = login(users[Role.AGENT])
    page = f"/money/orders/{order.pk}/"
    assert 'id="installation"' in desk.get(page).content.decode()
    bad = desk.post(f"/money/orders/{order.pk}/installation/", {"mode": "large", "product_model": model.pk})
    assert bad.status_code == 400 and not Installation.objects.exists(), "on site needs an appointment"
    ok = desk.post(
        f"/money/orders/{order.pk}/installation/",
        {"mode": "large", "product_model": model.pk, "appointment_at": "2026-12-08T09:00"},
    )
    assert ok.status_code == 302
    inst = Installation.objects.get()
    desk.post(
        f"/money/installations/{inst.pk}/commissioning/",
        {"done": [str(i) for i in range(6)], "readings_before": "0", "readings_after": "8 bar"},
    )
    accept = f"/money/installations/{inst.pk}/accept/"
    assert "data-signature-pad" in desk.get(accept).content.decode()
    unsigned = desk.post(accept, {"name": "赵", "serials": "AC1-001"})
    assert unsigned.status_code == 400 and Installation.objects.get().status == "open"
    signed = desk.post(accept, {"name": "赵", "serials": "AC1-001\nAC1-002\n", "signature": _signature()})
    assert signed.status_code == 302
    inst.refresh_from_db()
    assert inst.status == "accepted" and inst.units.count() == 2
    shown = desk.get(page).content.decode()
    assert "AC1-002" in shown and f"/money/installations/{inst.pk}/signature.png" in shown
    assert desk.get(f"/money/installations/{inst.pk}/signature.png").status_code == 200


def test_installation_plan_offers_only_active_models(users):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")
    ProductModelFactory(code="AC-NEW")
    retired = ProductModelFactory(code="AC-OLD", active=False)
    desk = login(users[Role.AGENT])

    html = desk.get(f"/money/orders/{order.pk}/").content.decode()
    refused = desk.post(f"/money/orders/{order.pk}/installation/", {"mode": "small", "product_model": retired.pk})

    assert "AC-NEW" in html and "AC-OLD" not in html
    assert refused.status_code == 400 and not Installation.objects.exists()


def test_installation_plan_of_a_model_retired_while_the_form_was_open_shows_the_services_sentence_at_it(users):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")
    model = ProductModelFactory(code="AC-7")
    desk = login(users[Role.AGENT])
    assert f'value="{model.pk}"' in desk.get(f"/money/orders/{order.pk}/").content.decode()
    ProductModel.objects.filter(pk=model.pk).update(active=False)  # a manager retires it meanwhile

    refused = desk.post(f"/money/orders/{order.pk}/installation/", {"mode": "small", "product_model": model.pk})

    with translation.override("zh-hans"):
        sentence = _("Product model %(code)s is retired: new units cannot be registered with it.") % {"code": "AC-7"}
    assert refused.status_code == 400
    assert dict(refused.context["installation_form"].errors) == {"product_model": [sentence]}
    html = refused.content.decode()
    assert f'id="id_product_model_errors">{sentence}</div>' in html
    assert re.search(r'<select name="product_model" class="[^"]*\bis-invalid\b', html), "the field is marked red"
    assert not Installation.objects.exists()


def test_installation_screens_refuse_outsiders(users, other_centre):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")
    inst = installation.plan_installation(order, by=users[Role.AGENT], mode="small")
    stranger = login(UserFactory(role=Role.AGENT, service_center=other_centre))
    assert stranger.get(f"/money/installations/{inst.pk}/accept/").status_code == 404
    assert stranger.post(f"/money/installations/{inst.pk}/commissioning/", {"done": ["0"]}).status_code == 404
    assert login(users[Role.FINANCE]).get(f"/money/installations/{inst.pk}/accept/").status_code == 403
    assert login(users[Role.AGENT]).get(f"/money/installations/{inst.pk}/signature.png").status_code == 404
    ex_order = order_with("in_warranty", by=users[Role.AGENT])
    ex = exchange.request_exchange(ex_order, by=users[Role.AGENT], reason="换")
    assert stranger.post(f"/money/exchanges/{ex.pk}/decision/", {"answer": "yes"}).status_code == 404


def _signature() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_an_installation_appointment_tells_the_reporter_the_time_and_the_technicians_name(users):
    from aftersales.service.services import assign_technician

    update_company_profile(by=users[Role.ADMIN], name="华东设备有限公司", hotline="400 800 1234")
    technician = users[Role.TECHNICIAN]
    technician.first_name, technician.last_name, technician.phone = "伟", "张", "+8613700009999"
    technician.save()
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")
    order = assign_technician(order, by=users[Role.DISPATCHER], technician=technician)
    at = timezone.now() + datetime.timedelta(days=2)

    inst = installation.plan_installation(order, by=users[Role.AGENT], mode="large", appointment_at=at)

    message = OutboxMessage.objects.get(key=f"order-{order.pk}-installation-{inst.pk}-appointment-reporter-sms")
    assert message.recipient == order.reporter_phone
    assert message.body.startswith("【华东设备有限公司】") and message.body.endswith("客服热线：400 800 1234")
    assert f"{timezone.localtime(at):%Y-%m-%d %H:%M}" in message.body and "张伟" in message.body
    assert "137" not in message.body
    # Its key is a "-reporter-sms" one: care logs it on the customer's contact log (docs/notifications.md).
    from aftersales.care.models import ContactEntry

    assert ContactEntry.objects.filter(customer=customer, message_key=message.key).exists()


def test_an_installation_without_an_appointment_sends_none(users):
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)
    order = make_order(by=users[Role.AGENT], customer=customer, with_unit=False, kind="installation")

    installation.plan_installation(order, by=users[Role.AGENT], mode="small")

    assert not OutboxMessage.objects.filter(key__contains="-appointment-").exists()
