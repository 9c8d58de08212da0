"""Every write service checks the caller's scope itself, whichever face (screen, API, import, job)
calls it: called directly by a user of another service centre it answers 404 for a record out of
their scope, 403 for a capability they lack, and writes nothing.

``CASES`` lists every public service function; ``EXEMPT`` lists the ones that are not a caller's
write (helpers, reads, sign-in), each with its reason. ``test_every_service_is_listed`` fails when a
new public function appears in a ``services`` module without being added to one of them.
"""

import datetime
import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from PIL import Image

from aftersales.accounts import services as accounts
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, ServiceCenter, User
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.calendars import services as calendars
from aftersales.catalog import services as catalog
from aftersales.core.errors import DomainError
from aftersales.core.testing import shared_test_data
from aftersales.coverage import services as coverage
from aftersales.coverage.tests.factories import LifetimeItemFactory, SerialDateRuleFactory
from aftersales.customers import services as customers
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.devices.services import devices as device_services
from aftersales.devices.services import rule_settings as device_rules
from aftersales.exchange import services as exchange
from aftersales.installed_base import services as installed_base
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.money import services as money
from aftersales.money.models import ChargeLine, Exchange, FactoryReturn, Installation, Invoice, Quote
from aftersales.money.services import exchange as money_exchange
from aftersales.money.services import installation as money_installation
from aftersales.money.services import logistics as money_logistics
from aftersales.notifications import services as notifications
from aftersales.notifications.models import CustomerSmsSwitch
from aftersales.parts.models import Location, Part, StockRequest
from aftersales.parts.services import catalogue as parts_catalogue
from aftersales.parts.services import claims as parts_claims
from aftersales.parts.services import loans as parts_loans
from aftersales.parts.services import requests as parts_requests
from aftersales.parts.services import reservations as parts_reservations
from aftersales.parts.services import stock as parts_stock
from aftersales.parts.services import stocktakes as parts_stocktakes
from aftersales.parts.services import tools as parts_tools
from aftersales.parts.services import visits as parts_visits
from aftersales.pay import services as pay
from aftersales.portal import services as portal
from aftersales.repurchase import services as repurchase
from aftersales.service.choices import OrderStatus
from aftersales.service.models import SlaPolicy
from aftersales.service.services import dispatch, due_moves, imported, orders, sla_policies, visits
from aftersales.service.tests.factories import make_order


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@dataclass
class World:
    """One centre's records (Shanghai) and the staff of another centre (Beijing) who call in."""

    home: ServiceCenter
    away: ServiceCenter
    staff: dict[str, User]  # home centre
    outsiders: dict[str, User]  # away centre
    customer: Any
    unit: Any
    order: Any
    visit: Any
    token_id: int
    rule: Any
    item: Any
    stand_in: Any = None
    pay: dict[str, Any] = field(default_factory=dict)
    device: Any = None  # bound to ``unit``
    spare_device: Any = None  # bound to nothing
    device_rule: Any = None


@pytest.fixture(scope="module")
def world_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The world's rows, written once for the module's tests (each refused call writes nothing)."""
    with shared_test_data(django_db_blocker, _build_world) as built:
        yield built


@pytest.fixture
def world(world_rows: World, db: Any) -> World:
    """The world, every record read again: a refused call may have changed the objects it was given."""
    return _reread(world_rows)


def _reread(value: Any) -> Any:
    if isinstance(value, Model):
        return type(value)._default_manager.get(pk=value.pk)
    if isinstance(value, dict):
        return {key: _reread(item) for key, item in value.items()}
    if isinstance(value, World):
        return replace(value, **{f.name: _reread(getattr(value, f.name)) for f in fields(value)})
    return value


def _build_world() -> World:
    home = ServiceCenterFactory(code="SH", name="上海服务网点")
    away = ServiceCenterFactory(code="BJ", name="北京服务网点")
    staff = {role: UserFactory(username=f"{role}-sh", role=role, service_center=home) for role in Role.values}
    outsiders = {role: UserFactory(username=f"{role}-bj", role=role, service_center=away) for role in Role.values}
    customer = CustomerFactory(service_center=home)
    unit = UnitFactory(customer=customer)
    order = make_order(by=staff[Role.AGENT], customer=customer, unit=unit)
    order = dispatch.assign_technician(order, by=staff[Role.DISPATCHER], technician=staff[Role.TECHNICIAN])
    visit = visits.record_visit(order, by=staff[Role.TECHNICIAN])
    order.refresh_from_db()
    token = ApiToken.objects.create(user=staff[Role.AGENT], key_hash=ApiToken.hash_key("k" * 20))
    rule = SerialDateRuleFactory(product_model=unit.product_model)
    item = LifetimeItemFactory(product_model=unit.product_model)
    stand_in = accounts.create_stand_in(
        from_user=staff[Role.DISPATCHER],
        to_user=staff[Role.AGENT],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=300),
        reason="年假",
        by=staff[Role.DISPATCHER],
    )
    world = World(home, away, staff, outsiders, customer, unit, order, visit, token.pk, rule, item, stand_in)
    world.pay = _pay_world(staff, home)
    manager = staff[Role.MANAGER]
    world.device, _secret = device_services.register_device(by=manager, serial="T-1", secret="s" * 20, unit=unit)
    world.spare_device, _secret = device_services.register_device(by=manager, serial="T-2", secret="s" * 20)
    world.device_rule = device_rules.create_rule(by=manager, name="Any fault", kind="fault")
    return world


def _pay_world(staff: dict[str, User], home: ServiceCenter) -> dict[str, Any]:
    """Pay in the home centre: the default plan, one profile, an approved April run and a draft May run."""
    pay.load_default_plan(by=staff[Role.ADMIN], effective_from=datetime.date(2026, 1, 1))
    pay.set_profile(
        by=staff[Role.MANAGER],
        user=staff[Role.AGENT],
        education="bachelor",
        posts=["service_adviser"],
        joined_on=datetime.date(2020, 1, 1),
    )
    april = pay.create_run(by=staff[Role.MANAGER], centre=home, period=datetime.date(2026, 4, 1))
    pay.transition_run(by=staff[Role.MANAGER], run=april, to="reviewed")
    pay.transition_run(by=staff[Role.FINANCE], run=april, to="approved")
    may = pay.create_run(by=staff[Role.MANAGER], centre=home, period=datetime.date(2026, 5, 1))
    return {"approved": april.statements.get(), "run": may, "statement": may.statements.get()}


def _with_repurchase(call: Callable[[World, User, Any], Any], *, posted: bool = False) -> Callable[[World, User], Any]:
    """A home-centre sale with a repurchase clause (例1), made in the call's transaction by the home
    centre's finance clerk: the refusal rolls it back with it."""

    def run(w: World, by: User) -> Any:
        with transaction.atomic():
            made = repurchase.create_contract(
                by=w.staff[Role.FINANCE],
                customer=w.customer,
                number="HT-1",
                asset="挖掘机",
                sale_date=datetime.date(2015, 1, 1),
                deadline=datetime.date(2015, 12, 31),
                holder="seller_option",
                price=Decimal("1000000.00"),
                repurchase_price=Decimal("750000.00"),
                cost=Decimal("600000.00"),
            )
            if posted:
                made = repurchase.post_inception(by=w.staff[Role.FINANCE], contract=made)
            return call(w, by, made)

    return run


def _with_site(call: Callable[[World, User, Any], Any]) -> Callable[[World, User], Any]:
    """A site of the home centre's customer, made in the call's transaction (rolled back with it)."""

    def run(w: World, by: User) -> Any:
        with transaction.atomic():
            site = Site.objects.create(customer=w.customer, name="仓库", address="路1号")
            return call(w, by, site)

    return run


@dataclass(frozen=True)
class Case:
    service: str  # "module.function", as test_every_service_is_listed finds it
    role: str  # the caller's role, in the other centre
    status: int
    call: Callable[[World, User], Any]

    def __str__(self) -> str:
        return f"{self.service}-{self.role}-{self.status}"


def _switch_off(by: User) -> Any:
    """A customer SMS switch (written after migrate; made here, in the call's transaction, if a flush
    removed it) switched off by ``by``."""
    with transaction.atomic():
        switch, _created = CustomerSmsSwitch.objects.get_or_create(kind="order_received")
        return notifications.switch_customer_sms(by=by, switch=switch, enabled=False)


def _with_parts(call: Callable[[World, User, Location, Part], Any]) -> Callable[[World, User], Any]:
    """The home centre's store with 5 of a part, made in the call's transaction: the refusal rolls
    them back with it, so the fingerprint compares what the service itself wrote."""

    def run(w: World, by: User) -> Any:
        with transaction.atomic():
            shop = Location.objects.create(code="ST-SH", name="上海库房", kind="store", service_center=w.home)
            part = Part.objects.create(number="BRG-1", name="轴承", unit="piece")
            parts_stock.receive_stock(by=w.staff[Role.PARTS_KEEPER], location=shop, part=part, quantity=5)
            return call(w, by, shop, part)

    return run


def _claim(w: World, shop: Location, part: Part) -> Any:
    part.supplier = parts_catalogue.create_supplier(by=w.staff[Role.PARTS_KEEPER], code="SKF", name="斯凯孚")
    part.supplier_warranty_months = 12
    part.save()
    return parts_claims.open_claim(
        by=w.staff[Role.PARTS_KEEPER],
        part=part,
        fitted_on=timezone.localdate(),
        failure="坏",
        location=shop,
        amount_claimed="40.00",
    )


def _loan(w: World, shop: Location, part: Part) -> Any:
    part.turnover = True
    part.save()
    return parts_loans.lend_spare(
        by=w.staff[Role.PARTS_KEEPER],
        part=part,
        serial="TS-1",
        location=shop,
        order=w.order,
        due_back=timezone.localdate(),
    )


def _take(w: World, shop: Location, *, submitted: bool = False) -> Any:
    keeper = w.staff[Role.PARTS_KEEPER]
    take = parts_stocktakes.start_stock_take(by=keeper, location=shop)
    if submitted:
        parts_stocktakes.record_counts(by=keeper, stock_take=take, counts={line.pk: 5 for line in take.lines.all()})
        take = parts_stocktakes.submit_stock_take(by=keeper, stock_take=take)
    return take


def _tool(w: World) -> Any:
    return parts_tools.add_tool(by=w.staff[Role.PARTS_KEEPER], code="MM-1", name="万用表", service_center=w.home)


def _parts_request(w: World, shop: Location, part: Part, *, send: bool = False) -> Any:
    keeper = w.staff[Role.PARTS_KEEPER]
    store = Location.objects.create(code="ST2-SH", name="上海二库", kind="store", service_center=w.home)
    made = parts_requests.create_request(by=keeper, kind="transfer", location=store, source=shop, lines=[(part, 1)])
    return parts_requests.send_request(by=keeper, request=made) if send else made


def _with_contact(call: Callable[[World, User, Any], Any]) -> Callable[[World, User], Any]:
    """A contact of the home centre's customer, made in the call's transaction (rolled back with it)."""

    def run(w: World, by: User) -> Any:
        with transaction.atomic():
            contact = Contact.objects.create(customer=w.customer, name="王经理", mobile="+8613800000001")
            return call(w, by, contact)

    return run


A = Role.AGENT
D = Role.DISPATCHER
K = Role.PARTS_KEEPER
M = Role.MANAGER
T = Role.TECHNICIAN
F = Role.FINANCE


def _with_failed_message(call: Callable[[World, User, Any], Any]) -> Callable[[World, User], Any]:
    """A failed SMS in the outbox, written in the call's transaction (rolled back with it)."""

    def run(w: World, by: User) -> Any:
        with transaction.atomic():
            message = notifications.enqueue_message(channel="sms", recipient="+8613900001111", body="改期")
            type(message).objects.filter(pk=message.pk).update(status="failed", next_attempt_at=None)
            return call(w, by, message)

    return run


CASES = [
    # notifications: the outbox is run by managers and administrators (it names no centre); others 403.
    Case(
        "aftersales.notifications.services.requeue_message",
        T,
        403,
        _with_failed_message(lambda w, by, m: notifications.requeue_message(by=by, message_id=m.pk)),
    ),
    Case(
        "aftersales.notifications.services.cancel_message",
        T,
        403,
        _with_failed_message(lambda w, by, m: notifications.cancel_message(by=by, message_id=m.pk, reason="错号")),
    ),
    # accounts: centres and staff are scoped by centre; a centre's code and new centres are the admin's.
    Case(
        "aftersales.accounts.services.centres.create_service_center",
        M,
        403,
        lambda w, by: accounts.create_service_center(by=by, code="GZ", name="广州", region="华南"),
    ),
    Case(
        "aftersales.accounts.services.centres.update_service_center",
        M,
        404,
        lambda w, by: accounts.update_service_center(centre=w.home, by=by, code="SH", name="改名", region="华东"),
    ),
    # The company profile is the whole company's: administrators only, whatever the caller's centre.
    Case(
        "aftersales.accounts.services.company.update_company_profile",
        M,
        403,
        lambda w, by: accounts.update_company_profile(by=by, name="改名有限公司"),
    ),
    # So are the SMS it signs to customers (settings → 客户短信).
    Case("aftersales.notifications.services.switch_customer_sms", M, 403, lambda w, by: _switch_off(by)),
    Case(
        "aftersales.accounts.services.users.create_user",
        M,
        404,
        lambda w, by: accounts.create_user(
            by=by, username="new", password="Un1que-pass-42", role=A, service_center=w.home, first_name="新"
        ),
    ),
    Case(
        "aftersales.accounts.services.users.update_user",
        M,
        404,
        lambda w, by: accounts.update_user(user=w.staff[A], by=by, role=D, service_center=w.home, first_name="改"),
    ),
    Case(
        "aftersales.accounts.services.users.update_user",
        A,
        403,
        lambda w, by: accounts.update_user(user=w.staff[A], by=by, role=D, service_center=w.home, first_name="改"),
    ),
    Case(
        "aftersales.accounts.services.users.deactivate_user",
        M,
        404,
        lambda w, by: accounts.deactivate_user(user=w.staff[A], by=by),
    ),
    Case(
        "aftersales.accounts.services.users.reset_user_password",
        M,
        404,
        lambda w, by: accounts.reset_user_password(user=w.staff[A], by=by, password="Quite-Long-Pass-2027"),
    ),
    Case(
        "aftersales.accounts.services.users.reactivate_user",
        M,
        404,
        lambda w, by: accounts.reactivate_user(user=w.staff[A], by=by),
    ),
    Case(
        "aftersales.accounts.services.users.set_roles",
        M,
        403,
        lambda w, by: accounts.set_roles(user=w.staff[A], roles=[D], by=by),
    ),
    Case(
        "aftersales.accounts.services.users.set_roles",
        A,
        403,
        lambda w, by: accounts.set_roles(user=w.staff[A], roles=[D], by=by),
    ),
    Case(
        "aftersales.accounts.services.stand_ins.create_stand_in",
        M,
        404,
        lambda w, by: accounts.create_stand_in(
            from_user=w.staff[D],
            to_user=w.staff[A],
            starts_on=datetime.date(2030, 1, 1),
            ends_on=datetime.date(2030, 1, 2),
            reason="代班",
            by=by,
        ),
    ),
    Case(
        "aftersales.accounts.services.stand_ins.end_stand_in",
        M,
        404,
        lambda w, by: accounts.end_stand_in(stand_in_id=w.stand_in.pk, by=by),
    ),
    Case(
        "aftersales.accounts.services.tokens.revoke_token",
        M,
        404,
        lambda w, by: accounts.revoke_token(token_id=w.token_id, by=by),
    ),
    # calendars: one calendar for every centre, changed by administrators only.
    Case(
        "aftersales.calendars.services.set_calendar_day",
        M,
        403,
        lambda w, by: calendars.set_calendar_day(day=datetime.date(2026, 6, 1), kind="holiday", name="假", by=by),
    ),
    Case(
        "aftersales.calendars.services.remove_calendar_day",
        M,
        403,
        lambda w, by: calendars.remove_calendar_day(day=datetime.date(2026, 10, 1), by=by),
    ),
    Case(
        "aftersales.calendars.services.mark_year_entered",
        M,
        403,
        lambda w, by: calendars.mark_year_entered(year=2026, by=by),
    ),
    Case(
        "aftersales.calendars.services.unmark_year_entered",
        M,
        403,
        lambda w, by: calendars.unmark_year_entered(year=2026, by=by),
    ),
    # catalog: product models belong to no centre; the capability alone decides.
    Case(
        "aftersales.catalog.services.create_product_model",
        A,
        403,
        lambda w, by: catalog.create_product_model(by=by, code="X1", name="X", category="泵"),
    ),
    Case(
        "aftersales.catalog.services.update_product_model",
        A,
        403,
        lambda w, by: catalog.update_product_model(
            product_model=w.unit.product_model, by=by, code="X1", name="X", category="泵", warranty_months=1
        ),
    ),
    # coverage rules belong to no centre; the capability alone decides.
    Case(
        "aftersales.coverage.services.create_serial_date_rule",
        A,
        403,
        lambda w, by: coverage.create_serial_date_rule(by=by, date_position=1, date_format="YYMM", serial_prefix="Q"),
    ),
    Case(
        "aftersales.coverage.services.update_serial_date_rule",
        A,
        403,
        lambda w, by: coverage.update_serial_date_rule(by=by, rule=w.rule, date_position=2, date_format="YYMM"),
    ),
    Case(
        "aftersales.coverage.services.create_lifetime_item",
        A,
        403,
        lambda w, by: coverage.create_lifetime_item(
            by=by, product_model=w.unit.product_model, code="NEW-1", name="机壳"
        ),
    ),
    Case(
        "aftersales.coverage.services.update_lifetime_item",
        A,
        403,
        lambda w, by: coverage.update_lifetime_item(
            by=by, item=w.item, product_model=w.unit.product_model, code="NEW-2", name="机壳"
        ),
    ),
    # customers and their units.
    Case(
        "aftersales.customers.services.create_customer",
        A,
        404,
        lambda w, by: customers.create_customer(by=by, name="新客户", service_center=w.home),
    ),
    Case(
        "aftersales.customers.services.create_customer",
        T,
        403,
        lambda w, by: customers.create_customer(by=by, name="新客户"),
    ),
    Case(
        "aftersales.customers.services.clean_customer",
        A,
        404,
        lambda w, by: customers.clean_customer(by=by, name="新客户", service_center=w.home),
    ),
    Case(
        "aftersales.installed_base.services.clean_unit",
        A,
        404,
        lambda w, by: installed_base.clean_unit(
            by=by, serial_number="SN-NEW-2", product_model=w.unit.product_model, customer=w.customer
        ),
    ),
    Case(
        "aftersales.service.services.imported.clean_imported_order",
        M,
        404,
        lambda w, by: imported.clean_imported_order(
            by=by,
            number="SO2023051000001",
            kind="repair",
            customer=w.customer,
            description="x",
            received_at=datetime.datetime(2023, 5, 10, 9, tzinfo=datetime.UTC),
            finished_at=datetime.datetime(2023, 5, 11, 9, tzinfo=datetime.UTC),
        ),
    ),
    Case(
        "aftersales.customers.services.update_customer",
        A,
        404,
        lambda w, by: customers.update_customer(customer=w.customer, by=by, name="改名"),
    ),
    Case(
        "aftersales.customers.services.add_contact",
        A,
        404,
        lambda w, by: customers.add_contact(
            customer=w.customer, by=by, data=customers.ContactData(name="王五", mobile="13800001111")
        ),
    ),
    Case(
        "aftersales.customers.services.add_site",
        A,
        404,
        lambda w, by: customers.add_site(
            customer=w.customer, by=by, data=customers.SiteData(name="仓库", address="路1号")
        ),
    ),
    Case(
        "aftersales.customers.services.update_contact",
        A,
        404,
        _with_contact(lambda w, by, contact: customers.update_contact(contact=contact, by=by, name="改名")),
    ),
    Case(
        "aftersales.customers.services.set_contact_in_use",
        A,
        404,
        _with_contact(lambda w, by, contact: customers.set_contact_in_use(contact=contact, by=by, in_use=False)),
    ),
    Case(
        "aftersales.customers.services.set_contact_in_use",
        T,
        403,
        _with_contact(lambda w, by, contact: customers.set_contact_in_use(contact=contact, by=by, in_use=False)),
    ),
    Case(
        "aftersales.customers.services.update_site",
        A,
        404,
        _with_site(lambda w, by, site: customers.update_site(site=site, by=by, name="改名")),
    ),
    Case(
        "aftersales.customers.services.set_site_in_use",
        A,
        404,
        _with_site(lambda w, by, site: customers.set_site_in_use(site=site, by=by, in_use=False)),
    ),
    Case(
        "aftersales.installed_base.services.register_unit",
        A,
        404,
        lambda w, by: installed_base.register_unit(
            by=by, serial_number="SN-NEW-1", product_model=w.unit.product_model, customer=w.customer
        ),
    ),
    Case(
        "aftersales.installed_base.services.attach_proof_of_purchase",
        A,
        404,
        lambda w, by: installed_base.attach_proof_of_purchase(unit=w.unit, by=by, file=_png()),
    ),
    Case(
        "aftersales.installed_base.services.update_proof_of_purchase",
        A,
        404,
        lambda w, by: installed_base.update_proof_of_purchase(
            unit=w.unit, by=by, purchase_date=datetime.date(2025, 1, 1), seller="own", reason="发票"
        ),
    ),
    Case(
        "aftersales.exchange.services.start_import_job",
        T,
        403,
        lambda w, by: exchange.start_import_job(kind="customers", mode="preview", file=io.BytesIO(b"x"), by=by),
    ),
    # service orders.
    Case(
        "aftersales.service.services.orders.open_order",
        A,
        404,
        lambda w, by: orders.open_order(
            by=by,
            kind="repair",
            customer=w.customer,
            reporter_name="李四",
            reporter_phone="13900001111",
            description="坏了",
        ),
    ),
    Case(
        "aftersales.service.services.orders.open_order",
        F,
        403,
        lambda w, by: orders.open_order(
            by=by,
            kind="repair",
            customer=w.customer,
            reporter_name="李四",
            reporter_phone="13900001111",
            description="坏了",
        ),
    ),
    Case(
        "aftersales.service.services.orders.transition_order",
        M,
        404,
        lambda w, by: orders.transition_order(w.order, to=OrderStatus.CANCELLED, by=by, reason="不修了"),
    ),
    Case(
        "aftersales.service.services.orders.transition_order",
        T,
        404,
        lambda w, by: orders.transition_order(w.order, to=OrderStatus.WAITING, by=by, waiting_for="parts"),
    ),
    Case(
        "aftersales.service.services.orders.update_order",
        M,
        404,
        lambda w, by: orders.update_order(
            w.order, by=by, expected_version=w.order.version, changes={"description": "改"}
        ),
    ),
    Case(
        "aftersales.service.services.orders.update_order",
        F,
        403,
        lambda w, by: orders.update_order(
            w.order, by=by, expected_version=w.order.version, changes={"description": "改"}
        ),
    ),
    Case(
        "aftersales.service.services.orders.override_warranty",
        M,
        404,
        lambda w, by: orders.override_warranty(w.order, by=by, covered=False, reason="人为损坏"),
    ),
    Case(
        "aftersales.service.services.orders.override_warranty",
        D,
        403,
        lambda w, by: orders.override_warranty(w.order, by=by, covered=False, reason="人为损坏"),
    ),
    Case(
        "aftersales.service.services.orders.extend_due",
        M,
        404,
        lambda w, by: orders.extend_due(w.order, by=by, working_days=3, reason="等配件"),
    ),
    Case(
        "aftersales.service.services.orders.extend_due",
        A,
        403,
        lambda w, by: orders.extend_due(w.order, by=by, working_days=3, reason="等配件"),
    ),
    Case(
        "aftersales.service.services.due_moves.apply_due_date_moves",
        M,
        403,
        lambda w, by: due_moves.apply_due_date_moves(by=by),
    ),
    Case(
        "aftersales.service.services.dispatch.assign_technician",
        D,
        404,
        lambda w, by: dispatch.assign_technician(
            w.order, by=by, technician=w.outsiders[T], reason="换人", expected_version=w.order.version
        ),
    ),
    Case(
        "aftersales.service.services.visits.record_visit",
        M,
        404,
        lambda w, by: visits.record_visit(w.order, by=by),
    ),
    Case(
        "aftersales.service.services.visits.record_visit",
        T,
        404,
        lambda w, by: visits.record_visit(w.order, by=by),
    ),
    Case(
        "aftersales.service.services.visits.record_visit",
        A,
        403,
        lambda w, by: visits.record_visit(w.order, by=by),
    ),
    Case(
        "aftersales.service.services.visits.update_visit",
        M,
        404,
        lambda w, by: visits.update_visit(w.visit, by=by, diagnosis="看过了"),
    ),
    Case(
        "aftersales.service.services.visits.sign_visit",
        T,
        404,
        lambda w, by: visits.sign_visit(w.visit, by=by, signer_name="王五", image=_png()),
    ),
    Case(
        "aftersales.service.services.visits.end_visit_unsigned",
        T,
        404,
        lambda w, by: visits.end_visit_unsigned(w.visit, by=by, reason="customer_absent"),
    ),
    Case(
        "aftersales.service.services.visits.take_back_job",
        D,
        404,
        lambda w, by: visits.take_back_job(w.order, by=by),
    ),
    Case(
        "aftersales.service.services.visits.take_back_job",
        T,
        403,
        lambda w, by: visits.take_back_job(w.order, by=by),
    ),
    Case(
        "aftersales.service.services.visits.add_photo",
        A,
        404,
        lambda w, by: visits.add_photo(w.order, by=by, file=_png()),
    ),
    Case(
        "aftersales.service.services.visits.add_photo",
        F,
        403,
        lambda w, by: visits.add_photo(w.order, by=by, file=_png()),
    ),
    # money: every write locks the order (lock_order) before anything else, so a line, quote or invoice
    # of another centre's order (built here unsaved, on the home order) answers 404 and writes nothing.
    Case(
        "aftersales.money.services.prices.add_price",
        A,
        403,
        lambda w, by: money.add_price(
            by=by, code="LAB", name="人工", kind="labour_hour", amount="100", valid_from=datetime.date(2026, 1, 1)
        ),
    ),
    Case(
        "aftersales.money.services.charges.add_charge",
        A,
        404,
        lambda w, by: money.add_charge(w.order, by=by, kind="labour", description="人工", unit_price="100"),
    ),
    Case(
        "aftersales.money.services.charges.override_bearer",
        M,
        404,
        lambda w, by: money.override_bearer(ChargeLine(pk=1, order=w.order), by=by, bearer="customer", reason="x"),
    ),
    Case(
        "aftersales.money.services.charges.void_charge",
        A,
        404,
        lambda w, by: money.void_charge(ChargeLine(pk=1, order=w.order), by=by),
    ),
    Case(
        "aftersales.money.services.quotes.send_quote",
        A,
        404,
        lambda w, by: money.send_quote(w.order, by=by),
    ),
    Case(
        "aftersales.money.services.quotes.answer_quote",
        T,
        404,
        lambda w, by: money.answer_quote(
            Quote(pk=1, order=w.order), approve=True, name="王", channel="on_site", by=by, signature=_png()
        ),
    ),
    Case(
        "aftersales.money.services.quotes.withdraw_quote",
        A,
        404,
        lambda w, by: money.withdraw_quote(Quote(pk=1, order=w.order), by=by),
    ),
    Case(
        "aftersales.money.services.invoices.create_invoice",
        F,
        404,
        lambda w, by: money.create_invoice(w.order, by=by),
    ),
    Case(
        "aftersales.money.services.invoices.create_invoice",
        M,
        403,
        lambda w, by: money.create_invoice(w.order, by=by),
    ),
    Case(
        "aftersales.money.services.invoices.update_invoice",
        F,
        404,
        lambda w, by: money.update_invoice(Invoice(pk=1, order=w.order), by=by, buyer_name="改"),
    ),
    Case(
        "aftersales.money.services.invoices.discard_invoice",
        F,
        404,
        lambda w, by: money.discard_invoice(Invoice(pk=1, order=w.order), by=by),
    ),
    Case(
        "aftersales.money.services.invoices.issue_invoice",
        F,
        404,
        lambda w, by: money.issue_invoice(Invoice(pk=1, order=w.order), by=by),
    ),
    Case(
        "aftersales.money.services.invoices.set_fapiao_number",
        F,
        404,
        lambda w, by: money.set_fapiao_number(Invoice(pk=1, order=w.order), by=by, fapiao_number="12345678"),
    ),
    Case(
        "aftersales.money.services.invoices.credit_invoice",
        F,
        404,
        lambda w, by: money.credit_invoice(Invoice(pk=1, order=w.order), by=by, reason="错"),
    ),
    Case(
        "aftersales.money.services.invoices.record_payment",
        F,
        404,
        lambda w, by: money.record_payment(Invoice(pk=1, order=w.order), by=by, amount="1.00"),
    ),
    Case(
        "aftersales.money.services.invoices.record_payment",
        A,
        403,
        lambda w, by: money.record_payment(Invoice(pk=1, order=w.order), by=by, amount="1.00"),
    ),
    Case(
        "aftersales.money.services.factory.ship_to_factory",
        A,
        404,
        lambda w, by: money.ship_to_factory(w.order, by=by, factory="厂", carrier="顺丰", waybill="SF1"),
    ),
    Case(
        "aftersales.money.services.factory.record_factory_quote",
        A,
        404,
        lambda w, by: money.record_factory_quote(FactoryReturn(pk=1, order=w.order), by=by, diagnosis="x", amount="1"),
    ),
    Case(
        "aftersales.money.services.factory.record_factory_shipment_back",
        A,
        404,
        lambda w, by: money.record_factory_shipment_back(
            FactoryReturn(pk=1, order=w.order), by=by, carrier="顺丰", waybill="SF2"
        ),
    ),
    Case(
        "aftersales.money.services.factory.receive_from_factory",
        A,
        404,
        lambda w, by: money.receive_from_factory(FactoryReturn(pk=1, order=w.order), by=by),
    ),
    Case(
        "aftersales.money.services.exchange.request_exchange",
        A,
        404,
        lambda w, by: money_exchange.request_exchange(w.order, by=by, reason="换机"),
    ),
    Case(
        "aftersales.money.services.exchange.decide_exchange",
        M,
        404,
        lambda w, by: money_exchange.decide_exchange(Exchange(pk=1, order=w.order), by=by, approve=True),
    ),
    Case(
        "aftersales.money.services.exchange.decide_exchange",
        A,
        403,
        lambda w, by: money_exchange.decide_exchange(Exchange(pk=1, order=w.order), by=by, approve=True),
    ),
    Case(
        "aftersales.money.services.exchange.record_factory_answer",
        A,
        404,
        lambda w, by: money_exchange.record_factory_answer(Exchange(pk=1, order=w.order), by=by, agreed=True),
    ),
    Case(
        "aftersales.money.services.exchange.ship_old_unit",
        A,
        404,
        lambda w, by: money_exchange.ship_old_unit(
            Exchange(pk=1, order=w.order), by=by, carrier="顺丰", waybill="SF1", original_packaging=True
        ),
    ),
    Case(
        "aftersales.money.services.exchange.deliver_new_unit",
        A,
        404,
        lambda w, by: money_exchange.deliver_new_unit(Exchange(pk=1, order=w.order), by=by, serial_number="NEW-1"),
    ),
    Case(
        "aftersales.money.services.installation.plan_installation",
        A,
        404,
        lambda w, by: money_installation.plan_installation(w.order, by=by, mode="small"),
    ),
    Case(
        "aftersales.money.services.installation.record_commissioning",
        A,
        404,
        lambda w, by: money_installation.record_commissioning(Installation(pk=1, order=w.order), by=by, done=[0]),
    ),
    Case(
        "aftersales.money.services.installation.accept_installation",
        A,
        404,
        lambda w, by: money_installation.accept_installation(
            Installation(pk=1, order=w.order), by=by, name="赵", signature=_png(), units=[{"serial_number": "X"}]
        ),
    ),
    Case(
        "aftersales.money.services.logistics.record_pickup_notice",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: money_logistics.record_pickup_notice(
                StockRequest.objects.create(
                    number="RQ-SCOPE",
                    kind="purchase",
                    status="sent",
                    location=shop,
                    created_by=w.staff[Role.PARTS_KEEPER],
                    sent_at=timezone.now(),
                ),
                by=by,
            )
        ),
    ),
    # parts: stock is scoped by the location's centre; the catalogue is the parts keeper's.
    Case(
        "aftersales.parts.services.stock.receive_stock",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_stock.receive_stock(by=by, location=shop, part=part, quantity=1)),
    ),
    Case(
        "aftersales.parts.services.stock.adjust_stock",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_stock.adjust_stock(by=by, location=shop, part=part, delta=-1, reason="盘亏")
        ),
    ),
    Case(
        "aftersales.parts.services.stock.scrap_stock",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_stock.scrap_stock(by=by, location=shop, part=part, quantity=1, reason="坏")
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.create_part",
        A,
        403,
        lambda w, by: parts_catalogue.create_part(by=by, number="X-1", name="件", unit="piece"),
    ),
    Case(
        "aftersales.parts.services.catalogue.create_parts",
        A,
        403,
        lambda w, by: parts_catalogue.create_parts(by=by, rows=[{"number": "X-1", "name": "件", "unit": "piece"}]),
    ),
    Case(
        "aftersales.parts.services.catalogue.update_part",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_catalogue.update_part(
                by=by, part=part, number="X-2", name="件", unit="piece"
            )
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.set_list_price",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_catalogue.set_list_price(
                by=by, part=part, price="1.00", valid_from=timezone.localdate()
            )
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.create_supplier",
        A,
        403,
        lambda w, by: parts_catalogue.create_supplier(by=by, code="S1", name="供应商"),
    ),
    Case(
        "aftersales.parts.services.catalogue.update_supplier",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_catalogue.update_supplier(
                by=by,
                supplier=parts_catalogue.create_supplier(by=w.staff[Role.PARTS_KEEPER], code="S1", name="供应商"),
                code="S1",
                name="改名",
            )
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.update_location",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_catalogue.update_location(by=by, location=shop, code="ST-SH", name="改名")
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.create_location",
        K,
        404,
        lambda w, by: parts_catalogue.create_location(
            by=by, code="ST-X", name="库", kind="store", service_center=w.home
        ),
    ),
    Case(
        "aftersales.parts.services.catalogue.set_stock_levels",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_catalogue.set_stock_levels(
                by=by, location=shop, part=part, min_qty=1, max_qty=2
            )
        ),
    ),
    Case(
        "aftersales.parts.services.requests.create_request",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_requests.create_request(
                by=by, kind="purchase", location=shop, lines=[(part, 1)]
            )
        ),
    ),
    Case(
        "aftersales.parts.services.requests.request_shortages",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_requests.request_shortages(by=by, location=shop)),
    ),
    Case(
        "aftersales.parts.services.requests.send_request",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_requests.send_request(by=by, request=_parts_request(w, shop, part))
        ),
    ),
    Case(
        "aftersales.parts.services.requests.receive_request",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_requests.receive_request(
                by=by, request=_parts_request(w, shop, part, send=True)
            )
        ),
    ),
    Case(
        "aftersales.parts.services.requests.cancel_request",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_requests.cancel_request(by=by, request=_parts_request(w, shop, part))
        ),
    ),
    Case(
        "aftersales.parts.services.reservations.reserve_parts",
        D,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_reservations.reserve_parts(
                by=by, order=w.order, part=part, location=shop, quantity=1
            )
        ),
    ),
    Case(
        "aftersales.parts.services.reservations.release_reservation",
        D,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_reservations.release_reservation(
                by=by,
                reservation=parts_reservations.reserve_parts(
                    by=w.staff[D], order=w.order, part=part, location=shop, quantity=1
                ),
            )
        ),
    ),
    Case(
        "aftersales.parts.services.visits.use_parts",
        T,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_visits.use_parts(
                by=by,
                visit=w.visit,
                lines=[parts_visits.IssueLine(part=part, quantity=1, location=shop, old_part_fate="customer")],
            )
        ),
    ),
    Case(
        "aftersales.parts.services.claims.open_claim",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_claims.open_claim(
                by=by, part=part, fitted_on=timezone.localdate(), failure="坏", location=shop
            )
        ),
    ),
    Case(
        "aftersales.parts.services.claims.open_claim",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_claims.open_claim(
                by=by, part=part, fitted_on=timezone.localdate(), failure="坏"
            )
        ),
    ),
    Case(
        "aftersales.parts.services.claims.move_claim",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_claims.move_claim(by=by, claim=_claim(w, shop, part), to="sent")),
    ),
    Case(
        "aftersales.parts.services.claims.add_claim_photo",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_claims.add_claim_photo(by=by, claim=_claim(w, shop, part), file=_png())
        ),
    ),
    Case(
        "aftersales.parts.services.loans.lend_spare",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_loans.lend_spare(
                by=by, part=part, serial="TS-1", location=shop, order=w.order, due_back=timezone.localdate()
            )
        ),
    ),
    Case(
        "aftersales.parts.services.loans.return_spare",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_loans.return_spare(by=by, loan=_loan(w, shop, part))),
    ),
    Case(
        "aftersales.parts.services.loans.inspect_spare",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_loans.inspect_spare(
                by=by,
                loan=parts_loans.return_spare(by=w.staff[K], loan=_loan(w, shop, part)),
                usable=True,
                note="好",
            )
        ),
    ),
    Case(
        "aftersales.parts.services.stocktakes.start_stock_take",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_stocktakes.start_stock_take(by=by, location=shop)),
    ),
    Case(
        "aftersales.parts.services.stocktakes.record_counts",
        K,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_stocktakes.record_counts(by=by, stock_take=_take(w, shop), counts={})
        ),
    ),
    Case(
        "aftersales.parts.services.stocktakes.submit_stock_take",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_stocktakes.submit_stock_take(by=by, stock_take=_take(w, shop))),
    ),
    Case(
        "aftersales.parts.services.stocktakes.decide_stock_take",
        M,
        404,
        _with_parts(
            lambda w, by, shop, part: parts_stocktakes.decide_stock_take(
                by=by, stock_take=_take(w, shop, submitted=True), approve=True
            )
        ),
    ),
    Case(
        "aftersales.parts.services.tools.add_tool",
        K,
        404,
        lambda w, by: parts_tools.add_tool(by=by, code="MM-2", name="万用表", service_center=w.home),
    ),
    Case(
        "aftersales.parts.services.tools.hand_tool",
        K,
        404,
        _with_parts(lambda w, by, shop, part: parts_tools.hand_tool(by=by, tool=_tool(w), holder=None)),
    ),
    Case(
        "aftersales.parts.services.tools.record_calibration",
        A,
        403,
        _with_parts(
            lambda w, by, shop, part: parts_tools.record_calibration(
                by=by, tool=_tool(w), next_due=timezone.localdate() + datetime.timedelta(days=30)
            )
        ),
    ),
    # SLA policies are company-wide settings; the capability alone decides.
    Case(
        "aftersales.service.services.sla_policies.update_sla_policy",
        A,
        403,
        lambda w, by: sla_policies.update_sla_policy(
            policy=SlaPolicy.objects.order_by("pk").first(),
            by=by,
            response_hours=1,
            resolution_working_days=1,
            at_risk_working_days=0,
        ),
    ),
    # pay: runs, statements and profiles are the centre's; plans are kept by finance and the general manager.
    Case(
        "aftersales.pay.services.save_plan",
        M,
        403,
        lambda w, by: pay.save_plan(by=by, document={}, effective_from=datetime.date(2026, 6, 1)),
    ),
    Case(
        "aftersales.pay.services.load_default_plan",
        M,
        403,
        lambda w, by: pay.load_default_plan(by=by, effective_from=datetime.date(2026, 6, 1)),
    ),
    Case(
        "aftersales.pay.services.set_profile",
        M,
        404,
        lambda w, by: pay.set_profile(
            by=by, user=w.staff[A], education="bachelor", posts=["driver"], joined_on=datetime.date(2021, 1, 1)
        ),
    ),
    Case(
        "aftersales.pay.services.set_profile",
        A,
        403,
        lambda w, by: pay.set_profile(
            by=by, user=w.staff[A], education="bachelor", posts=["driver"], joined_on=datetime.date(2021, 1, 1)
        ),
    ),
    Case(
        "aftersales.pay.services.create_run",
        M,
        404,
        lambda w, by: pay.create_run(by=by, centre=w.home, period=datetime.date(2026, 6, 1)),
    ),
    Case(
        "aftersales.pay.services.create_run",
        A,
        403,
        lambda w, by: pay.create_run(by=by, centre=w.home, period=datetime.date(2026, 6, 1)),
    ),
    Case("aftersales.pay.services.recompute_run", M, 404, lambda w, by: pay.recompute_run(by=by, run=w.pay["run"])),
    Case(
        "aftersales.pay.services.transition_run",
        M,
        404,
        lambda w, by: pay.transition_run(by=by, run=w.pay["run"], to="reviewed"),
    ),
    Case(
        "aftersales.pay.services.enter_statement",
        M,
        404,
        lambda w, by: pay.enter_statement(by=by, statement=w.pay["statement"], coefficients={"service_adviser": "1.0"}),
    ),
    Case(
        "aftersales.pay.services.add_adjustment",
        M,
        404,
        lambda w, by: pay.add_adjustment(
            by=by, run=w.pay["run"], corrects=w.pay["approved"], amount=Decimal("10"), reason="漏计"
        ),
    ),
]

_WORKFORCE = "proved from another centre in aftersales/workforce/tests/test_scope.py (its own records)"
# devices: devices are scoped by the unit they are bound to; rules are company-wide (managers').
CASES += [
    Case(
        "aftersales.devices.services.devices.register_device",
        A,
        403,
        lambda w, by: device_services.register_device(by=by, serial="T-9"),
    ),
    Case(
        "aftersales.devices.services.devices.bind_device",
        M,
        404,
        lambda w, by: device_services.bind_device(by=by, device=w.spare_device, unit=w.unit),
    ),
    Case(
        "aftersales.devices.services.devices.unbind_device",
        M,
        404,
        lambda w, by: device_services.unbind_device(by=by, device=w.device),
    ),
    Case(
        "aftersales.devices.services.devices.retire_device",
        M,
        404,
        lambda w, by: device_services.retire_device(by=by, device=w.device),
    ),
    Case(
        "aftersales.devices.services.devices.rotate_secret",
        M,
        404,
        lambda w, by: device_services.rotate_secret(by=by, device=w.device),
    ),
    Case(
        "aftersales.devices.services.rule_settings.create_rule",
        A,
        403,
        lambda w, by: device_rules.create_rule(by=by, name="x", kind="fault"),
    ),
    Case(
        "aftersales.devices.services.rule_settings.update_rule",
        A,
        403,
        lambda w, by: device_rules.update_rule(by=by, rule=w.device_rule, name="y", kind="fault"),
    ),
    # portal: a contact's access and a unit's label, from another centre: 404.
    Case(
        "aftersales.portal.services.access.set_access_revoked",
        A,
        404,
        _with_contact(lambda w, by, c: portal.set_access_revoked(contact_id=c.pk, by=by, revoked=True)),
    ),
    Case(
        "aftersales.portal.services.access.set_portal_admin",
        A,
        404,
        _with_contact(lambda w, by, c: portal.set_portal_admin(contact_id=c.pk, by=by, is_admin=True)),
    ),
    Case(
        "aftersales.portal.services.access.send_code_for_contact",
        A,
        404,
        _with_contact(lambda w, by, c: portal.send_code_for_contact(contact_id=c.pk, by=by)),
    ),
    Case(
        "aftersales.portal.services.labels.reissue_unit_token",
        A,
        404,
        lambda w, by: portal.reissue_unit_token(unit_id=w.unit.pk, by=by),
    ),
    # repurchase: a centre's finance clerk records and posts; another centre's sees none of it.
    Case(
        "aftersales.repurchase.services.create_contract",
        F,
        404,
        lambda w, by: repurchase.create_contract(
            by=by,
            customer=w.customer,
            number="HT-9",
            asset="挖掘机",
            sale_date=datetime.date(2015, 1, 1),
            deadline=datetime.date(2015, 12, 31),
            holder="seller_obliged",
            price=Decimal("1000000.00"),
            repurchase_price=Decimal("750000.00"),
        ),
    ),
    Case(
        "aftersales.repurchase.services.change_contract",
        F,
        404,
        _with_repurchase(lambda w, by, c: repurchase.change_contract(by=by, contract=c, asset="装载机")),
    ),
    Case(
        "aftersales.repurchase.services.post_inception",
        F,
        404,
        _with_repurchase(lambda w, by, c: repurchase.post_inception(by=by, contract=c)),
    ),
    Case(
        "aftersales.repurchase.services.post_exercise",
        F,
        404,
        _with_repurchase(
            lambda w, by, c: repurchase.post_exercise(by=by, contract=c, on=datetime.date(2015, 12, 31)), posted=True
        ),
    ),
    Case(
        "aftersales.repurchase.services.post_lapse",
        F,
        404,
        _with_repurchase(
            lambda w, by, c: repurchase.post_lapse(by=by, contract=c, on=datetime.date(2015, 12, 31)), posted=True
        ),
    ),
    Case(
        "aftersales.repurchase.services.reverse_posting",
        F,
        404,
        _with_repurchase(
            lambda w, by, c: repurchase.reverse_posting(by=by, contract=c, on=datetime.date(2015, 12, 31), reason="x"),
            posted=True,
        ),
    ),
]

# Public functions of ``services`` modules that are not a caller's write, with the reason.
EXEMPT: dict[str, str] = {
    "aftersales.portal.services.signin.request_code": "a customer asking for a sign-in code: there is no caller yet",
    "aftersales.portal.services.signin.verify_code": "a customer signing in with a code: there is no caller yet",
    "aftersales.portal.services.signin.send_code": "called by request_code and send_code_for_contact after their checks",
    "aftersales.portal.services.signin.code_hash": "a pure function of a number and a code",
    "aftersales.portal.services.signin.clean_mobile": "validation only; writes nothing",
    "aftersales.portal.services.signin.build_portal_user": "a read of the contacts a verified mobile stands for",
    "aftersales.portal.services.labels.new_token": "a random token; writes nothing",
    "aftersales.portal.services.labels.unit_from_token": "a read of the unit a label's token is in force for",
    "aftersales.portal.services.labels.ensure_unit_tokens": (
        "called by the label screens after their scope check (portal/tests/test_isolation.py)"
    ),
    "aftersales.portal.services.reports.report_fault": (
        "a customer's write, scoped to their own units: proved in portal/tests/test_isolation.py"
    ),
    "aftersales.repurchase.services.check_terms": "validation and classification only; writes nothing",
    "aftersales.repurchase.services.remind_deadlines": "the periodic job; no caller",
    "aftersales.accounts.services.tokens.issue_token": "signs in with a username and password: there is no caller yet",
    "aftersales.accounts.services.tokens.user_for_token": "authenticates a bearer token; writes only its last use",
    "aftersales.accounts.services.tokens.touch_token": "called by user_for_token for the token being used",
    "aftersales.accounts.services.tokens.tokens_of": "a read of the caller's own tokens",
    "aftersales.accounts.services.users.system_actor": "returns (made once) the service account a job or machine acts as",
    "aftersales.accounts.services.users.set_user_language": "changes only the signed-in user's own preference",
    "aftersales.accounts.services.users.change_own_password": "changes only the signed-in user's own password",
    "aftersales.calendars.services.validate_calendar_day": "validation only; writes nothing",
    "aftersales.history.services.plain": "helper of record_activity",
    "aftersales.history.services.record_activities": "record_activity for a batch; called by the writes",
    "aftersales.customers.services.create_customers": "writes customers that clean_customer checked (scope included)",
    "aftersales.installed_base.services.register_units": "writes units that clean_unit checked (scope included)",
    "aftersales.installed_base.services.require_active_model": "checks input (a retired model); writes nothing",
    "aftersales.service.services.imported.import_orders": "writes orders that clean_imported_order checked (scope included)",
    "aftersales.service.services.imported.bump_counters": "helper of import_orders",
    "aftersales.service.services.imported.parse_number": "parses a number; writes nothing",
    "aftersales.history.services.changed": "helper of record_activity",
    "aftersales.history.services.snapshot": "helper of record_activity",
    "aftersales.history.services.activity_source": "helper of record_activity",
    "aftersales.history.services.actor_label": "helper of record_activity",
    "aftersales.history.services.created_values": "helper of record_activity",
    "aftersales.history.services.record_activity": "called by write services inside their transaction, after their checks",
    "aftersales.notifications.services.enqueue_message": "called by write services inside their transaction",
    "aftersales.notifications.services.claim_due_messages": "the relay worker's step; no caller",
    "aftersales.notifications.services.deliver_message": "the relay worker's step; no caller",
    "aftersales.notifications.services.relay_due_messages": "the relay worker; no caller",
    "aftersales.notifications.services.retry_delay": "a pure function of a count",
    "aftersales.notifications.services.hold_recipients": (
        "no user: the demo loader and the admin site (staff only) hold numbers; it reads no order"
    ),
    "aftersales.notifications.services.notify_user": "called by write services inside their transaction",
    "aftersales.notifications.services.enqueue_notices": "called by write services inside their transaction",
    "aftersales.service.services.customer_sms.register_kinds": "registers the kinds at start-up (ServiceConfig.ready)",
    "aftersales.money.services.customer_sms.register_kinds": "registers the kinds at start-up (MoneyConfig.ready)",
    "aftersales.care.services.customer_sms.register_kinds": "registers the kinds at start-up (CareConfig.ready)",
    "aftersales.service.services.customer_sms.tell_order_received": "called by open_order inside its transaction",
    "aftersales.service.services.customer_sms.tell_technician_assigned": (
        "called by assign_technician inside its transaction"
    ),
    "aftersales.service.services.customer_sms.tell_order_completed": "called by transition_order inside its transaction",
    "aftersales.service.services.customer_sms.tell_due_moved": (
        "called by extend_due and apply_due_date_moves inside their transaction"
    ),
    "aftersales.money.services.customer_sms.tell_reporter": (
        "called by money's services (quotes, factory returns, exchanges, installations, reminders) inside their "
        "transaction, after their checks"
    ),
    "aftersales.service.services.sla_alerts.sweep_sla_alerts": (
        "a periodic job (beat, the relay loop); no caller: it tells each centre's own staff only "
        "(service/tests/test_sla_sweep.py)"
    ),
    "aftersales.notifications.services.mark_notice_read": (
        "acts only on the caller's own notices (another user's answers 404: notifications/tests/test_notices.py)"
    ),
    "aftersales.notifications.services.mark_all_notices_read": "acts only on the caller's own notices",
    "aftersales.notifications.services.can_requeue": "a predicate of a message's status",
    "aftersales.notifications.services.can_cancel": "a predicate of a message's status",
    "aftersales.parts.services.alerts.alert_if_critical_low": "called by post_move inside the write's transaction",
    "aftersales.parts.services.catalogue.clean_part_fields": "checks input; writes nothing",
    "aftersales.parts.services.claims.recovery_by_supplier": "a read (the recovery report)",
    "aftersales.parts.services.claims.supplier_warranty_until": "a pure function of a date",
    "aftersales.parts.services.loans.overdue_loans": "a read (narrows a queryset the caller scoped)",
    "aftersales.parts.services.common.clean_money": "checks input; writes nothing",
    "aftersales.parts.services.common.clean_quantity": "checks input; writes nothing",
    "aftersales.parts.services.common.lock_in_status": "helper: re-reads a record under its lock for a write service",
    "aftersales.parts.services.common.require_location_in_scope": "the scope check itself",
    "aftersales.parts.services.common.require_manages": "the scope and capability check itself",
    "aftersales.parts.services.ledger.post_move": "the ledger writer, called by write services after their checks",
    "aftersales.parts.services.ledger.qty_text": "formats a number",
    "aftersales.parts.services.orders.require_open_order": "the order scope check itself",
    "aftersales.parts.services.orders.order_is_open": "a read",
    "aftersales.parts.services.orders.require_unsigned_visit": "a check inside use_parts, after its order scope check",
    "aftersales.parts.services.requests.suggested_quantity": "a pure function of a balance",
    "aftersales.parts.services.reservations.consume_held": "called by use_parts inside its transaction",
    "aftersales.parts.services.reservations.fill_waiting": "called by receipts inside their transaction",
    "aftersales.parts.services.reservations.lock_waiting": "a receipt's locks, inside its transaction",
    "aftersales.parts.services.reservations.release_for_order": (
        "called by the order's cancel or close (order_status_changed) inside its transaction"
    ),
    "aftersales.parts.services.stock.van_of": "a read",
    "aftersales.parts.services.visits.clean_lines": "checks input; writes nothing",
    "aftersales.service.services.common.lock_order": "helper: checks the scope of the caller it is given",
    "aftersales.service.services.common.require_order_in_scope": "the scope check itself",
    "aftersales.service.services.common.record_event": "called by write services inside their transaction",
    "aftersales.service.services.common.record_events": "called by write services inside their transaction",
    "aftersales.service.services.common.notify_user": "called by write services inside their transaction",
    "aftersales.service.services.coverage.coverage_day": "a pure function of a date",
    "aftersales.service.services.coverage.redecide_order_coverage": "computes a decision; the caller writes it",
    "aftersales.service.services.coverage.decide_order_coverage": "computes a decision (in the site's language); the caller writes it",
    "aftersales.service.services.orders.check_move": "a check (used by transition_order and available_moves)",
    "aftersales.service.services.orders.available_moves": "a read of check_move's verdicts for an order the caller has in scope; writes nothing",
    "aftersales.service.services.orders.visits_signed": "a read (are the order's visits signed); writes nothing",
    "aftersales.service.services.orders.visits_let_complete": "a read of visits already loaded; writes nothing",
    "aftersales.money.services.charges.get_line": "a read through charge_lines_visible_to (404 outside the scope)",
    "aftersales.money.services.charges.rederive_bearers": "called by money's receiver of the order's coverage events, inside that service's transaction",
    "aftersales.money.services.quotes.get_quote": "a read through quotes_visible_to (404 outside the scope)",
    "aftersales.money.services.quotes.quote_token": "signs a quote's link; writes nothing",
    "aftersales.money.services.quotes.quote_link": "the link of a quote; writes nothing",
    "aftersales.money.services.quotes.quote_from_token": "reads the one quote a signed link names; writes nothing",
    "aftersales.money.services.invoices.get_invoice": "a read through invoices_visible_to (404 outside the scope)",
    "aftersales.money.services.invoices.yearly_number": "helper of issue_invoice and credit_invoice",
    "aftersales.money.services.common.require_amount": "validation only; writes nothing",
    "aftersales.money.services.common.require_tax_rate": "validation only; writes nothing",
    "aftersales.money.services.common.require_quantity": "validation only; writes nothing",
    "aftersales.workforce.services.attendance.cancel_absence": _WORKFORCE,
    "aftersales.workforce.services.attendance.check_in": _WORKFORCE,
    "aftersales.workforce.services.attendance.check_out": _WORKFORCE,
    "aftersales.workforce.services.attendance.decide_absence": _WORKFORCE,
    "aftersales.workforce.services.attendance.request_absence": _WORKFORCE,
    "aftersales.workforce.services.claims.add_expense_line": _WORKFORCE,
    "aftersales.workforce.services.claims.attach_receipt": _WORKFORCE,
    "aftersales.workforce.services.claims.confirm_materials": _WORKFORCE,
    "aftersales.workforce.services.claims.create_claim": _WORKFORCE,
    "aftersales.workforce.services.claims.decide_claim": _WORKFORCE,
    "aftersales.workforce.services.claims.mark_claims_exported": _WORKFORCE,
    "aftersales.workforce.services.claims.remove_expense_line": _WORKFORCE,
    "aftersales.workforce.services.claims.submit_claim": _WORKFORCE,
    "aftersales.workforce.services.overtime.decide_overtime": _WORKFORCE,
    "aftersales.workforce.services.overtime.record_overtime": _WORKFORCE,
    "aftersales.workforce.services.training.create_course": _WORKFORCE,
    "aftersales.workforce.services.training.issue_certificate": _WORKFORCE,
    "aftersales.workforce.services.training.record_attendee": _WORKFORCE,
    "aftersales.workforce.services.training.record_store_visit": _WORKFORCE,
    "aftersales.workforce.services.training.revoke_certificate": _WORKFORCE,
    "aftersales.workforce.services.training.schedule_session": _WORKFORCE,
    "aftersales.workforce.services.training.sign_store_visit": _WORKFORCE,
    "aftersales.workforce.services.trips.return_from_trip": _WORKFORCE,
    "aftersales.workforce.services.trips.start_trip": _WORKFORCE,
    "aftersales.workforce.services.trips.submit_daily_report": _WORKFORCE,
    "aftersales.workforce.services.trips.submit_weekly_summary": _WORKFORCE,
    "aftersales.workforce.services.settings.create_approval_step": _WORKFORCE,
    "aftersales.workforce.services.settings.update_approval_step": _WORKFORCE,
    "aftersales.workforce.services.settings.create_working_pattern": _WORKFORCE,
    "aftersales.workforce.services.settings.update_working_pattern": _WORKFORCE,
    "aftersales.money.services.factory.get_factory_return": "a read through factory_returns_visible_to (404 outside the scope)",
    "aftersales.money.services.factory.chase_factory_returns": "the periodic job (a system action); no caller",
    "aftersales.money.services.pauses.start_pause": "called by money's write services inside their transaction, after their checks",
    "aftersales.money.services.pauses.end_pause": "called by money's write services inside their transaction, after their checks",
    "aftersales.money.services.exchange.get_exchange": "a read through exchanges_visible_to (404 outside the scope)",
    "aftersales.money.services.installation.get_installation": "a read through installations_visible_to (404 outside the scope)",
    "aftersales.money.services.logistics.awaiting_pickup": "a filter of a queryset the caller scoped; writes nothing",
    "aftersales.money.services.logistics.awaiting_pickup_for": "a read through parts' requests_visible_to; writes nothing",
    "aftersales.money.services.logistics.chase_logistics": "the periodic job (a system action); no caller",
    "aftersales.money.services.reminders.reminder_step": "arithmetic on days overdue; writes nothing",
    "aftersales.money.services.reminders.remind_receivables": "the periodic job (a system action); no caller",
    "aftersales.money.services.charges.insert_line": "helper of add_charge and of the parts receiver, inside their transaction after their checks",
    "aftersales.money.services.parts.approved_parts_left": "a read of one order's approved parts lines; writes nothing",
    "aftersales.money.services.parts.check_issue": "parts' issue check, called by use_parts after its own scope check; writes nothing",
    "aftersales.money.services.parts.on_parts_used": "receiver of parts_used, inside use_parts' transaction after its scope check",
    "aftersales.service.services.orders.push_due_after_pause": "called by an area's write service (money) inside its transaction, after its own checks",
    "aftersales.devices.services.devices.clean_serial": "validation only; writes nothing",
    "aftersales.devices.services.devices.clean_secret": "validation only; writes nothing",
    "aftersales.devices.services.rule_settings.clean_rule": "validation only; writes nothing",
    "aftersales.devices.services.ingest.ingest": (
        "device messages: the caller is a device authenticated by its own secret (HTTP) or the broker (MQTT), "
        "no user; what it opens is opened by the machine's system actor"
    ),
    "aftersales.devices.services.rules.apply_rules": "called by ingest inside its transaction",
    "aftersales.devices.services.rules.finish_triggers": "the receiver of order_status_changed; no caller",
    "aftersales.devices.services.link.sweep_links": "a periodic job (beat, the relay loop); tells each centre's own staff",
    # care's write services are called from another centre in aftersales/care/tests/test_scope.py.
    "aftersales.care.services.followups.record_call": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.followups.assign_follow_up": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.followups.schedule_follow_ups": "the receiver of an order's closing, inside the closing's transaction",
    "aftersales.care.services.followups.cancel_follow_ups": "the receiver of an order's reopening, inside its transaction",
    "aftersales.care.services.followups.window_after": "a pure function of a date and the calendar",
    "aftersales.care.services.complaints.open_complaint": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.complaints.escalate_complaint": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.complaints.resolve_complaint": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.complaints.accept_resolution": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.complaints.escalate_overdue_complaints": "a periodic job (beat, the relay loop); no caller",
    "aftersales.care.services.campaigns.remind_late_letters": "a periodic job (beat, the relay loop); no caller",
    "aftersales.care.services.complaints.open_complaint_unchecked": "called by record_call after its checks",
    "aftersales.care.services.complaints.complaint_from_order": "the receiver of a complaint order's opening, inside its transaction",
    "aftersales.care.services.complaints.due_after": "a pure function of a time and the calendar",
    "aftersales.care.services.contacts.log_contact": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.contacts.send_customer_message": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.contacts.add_entry": "called by care's services and receivers after their checks",
    "aftersales.care.services.contacts.require_customer_in_scope": "the scope check itself",
    "aftersales.care.services.rules.save_rule": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.rules.update_rule": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.rules.create_question": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.rules.update_question": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.campaigns.announce_campaign": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.campaigns.record_letters_sent": "tested from another centre in care/tests/test_scope.py",
    "aftersales.care.services.campaigns.send_campaign_messages": "called by announce_campaign after its checks",
    "aftersales.care.services.campaigns.audience": "a read: the customers a campaign would reach",
    "aftersales.care.services.campaigns.years_before": "a pure function of a date",
    # quality's write services are called from another centre in aftersales/quality/tests/test_services.py.
    "aftersales.quality.services.open_case": "tested from another centre in quality/tests/test_services.py",
    "aftersales.quality.services.transition_case": "tested from another centre in quality/tests/test_services.py",
    "aftersales.quality.services.update_case": "tested from another centre in quality/tests/test_services.py",
    "aftersales.quality.services.comment_case": "tested from another centre in quality/tests/test_services.py",
    # contracts' write services are called from another centre in aftersales/contracts/tests/test_scope.py.
    "aftersales.reports.services.create_schedule": "tested from another centre in reports/tests/test_periodic.py",
    "aftersales.reports.services.set_active": "tested from another centre in reports/tests/test_periodic.py",
    "aftersales.reports.services.update_schedule": "tested from another centre in reports/tests/test_schedules.py",
    "aftersales.reports.services.delete_schedule": "tested from another centre in reports/tests/test_schedules.py",
    "aftersales.reports.services.send_scheduled": "a periodic job (beat, the relay loop); no caller",
    "aftersales.contracts.services.contracts.create_contract": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.contracts.cancel_contract": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.contracts.add_visit_plan": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.contracts.fee_schedule": "a pure function of a price and a term",
    "aftersales.contracts.services.ledger.book_entry": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.ledger.release_deposit": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.projects.open_project": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.projects.add_problem": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.projects.resolve_problem": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.projects.raise_problem_order": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.projects.sign_off_sheet": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.visits.generate_for_contract": "tested from another centre in contracts/tests/test_scope.py",
    "aftersales.contracts.services.visits.generate_visits": "called by add_visit_plan and the periodic job after their checks",
    "aftersales.contracts.services.visits.open_visit_orders": "the periodic job (the scheduler) or generate_for_contract after its checks; open_order checks each centre",
    "aftersales.contracts.services.visits.mark_missed": "a periodic job (beat, the relay loop); no caller",
    "aftersales.contracts.services.visits.run_visit_sweep": "a periodic job (beat, the relay loop); no caller",
    "aftersales.contracts.services.visits.on_status_changed": "the receiver of an order's completion or cancellation, inside its transaction",
    "aftersales.contracts.services.visits.working_day_on_or_after": "a pure function of a date and the calendar",
    "aftersales.contracts.services.common.require": "the capability check itself",
    "aftersales.contracts.services.common.lock_contract": "the scope check itself",
    "aftersales.contracts.services.common.lock_project": "the scope check itself",
    "aftersales.contracts.services.common.require_amount": "a pure check of an amount",
}


def _public_service_functions() -> set[str]:
    found: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("aftersales.") or config.name.startswith("aftersales.tests."):
            continue  # the pretend apps of the test settings are not the product
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.services":
                continue
            raise
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(info.name)
                for info in pkgutil.iter_modules(module.__path__, prefix=f"{module.__name__}.")
            ]
        for mod in modules:
            for name, obj in inspect.getmembers(mod, inspect.isfunction):
                if not name.startswith("_") and obj.__module__ == mod.__name__:
                    found.add(f"{mod.__name__}.{name}")
    return found


def test_every_service_is_listed() -> None:
    listed = {case.service for case in CASES}
    found = _public_service_functions()
    assert not listed & set(EXEMPT), "a service is both tested and exempt"
    missing = found - listed - set(EXEMPT)
    assert not missing, f"add these services to CASES (or to EXEMPT with a reason): {sorted(missing)}"
    gone = (listed | set(EXEMPT)) - found
    assert not gone, f"these listed services no longer exist: {sorted(gone)}"


def _fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Every row of every AfterSales table: a write anywhere changes it."""
    rows = {}
    for model in apps.get_models():
        if model.__module__.startswith("aftersales."):
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


@pytest.mark.parametrize("case", CASES, ids=str)
def test_service_called_from_another_centre_refuses_and_writes_nothing(case: Case, world: World) -> None:
    caller = world.outsiders[case.role]
    before = _fingerprint()

    with pytest.raises(DomainError) as caught:
        case.call(world, caller)

    assert caught.value.status == case.status, caught.value.as_dict()
    assert _fingerprint() == before
