"""Absolute SQL query counts of the list and detail endpoints (API and console), kept the way NetBox keeps
them: ``aftersales/tests/query_counts.json`` holds the expected count of each request and this test fails when
a count changes, either way.

Each request runs over the demo set (62 orders, 120 customers, 300 units, 18 devices...) plus a few photos, so a list
shows many rows and an N+1 shows as a count far above the baseline. A relative check ("as many queries for
30 rows as for 3") lives next to each view; this one also catches a query added to every page.

When a count changes on purpose (a new relation shown, a new panel on the home page), rewrite the file:

    QUERY_COUNTS_UPDATE=1 .venv/bin/pytest -p no:cacheprovider aftersales/tests/test_query_baselines.py

and commit it with the reason for the rise in the commit message. A new list or detail endpoint gets a case
in CASES (an API GET that has none fails ``test_every_api_get_has_a_baseline``).
"""

import datetime
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.selectors import forget_company_profile
from aftersales.accounts.services import create_stand_in
from aftersales.care.models import Campaign, Complaint, FollowUpTask
from aftersales.care.services import log_contact
from aftersales.catalog.models import ProductModel
from aftersales.contracts.models import Contract, ContractUnit, Project
from aftersales.core.testing import shared_test_data
from aftersales.coverage.tests.factories import LifetimeItemFactory, SerialDateRuleFactory
from aftersales.customers.models import Customer
from aftersales.devices.models import Device
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.models import Unit
from aftersales.money.choices import QuoteStatus
from aftersales.money.models import Exchange, Installation, Invoice, Quote
from aftersales.money.services.exchange import request_exchange
from aftersales.money.services.quotes import quote_token
from aftersales.notifications.models import Notification, OutboxMessage
from aftersales.notifications.services import relay_due_messages
from aftersales.parts.models import Location, Part, Reservation, StockRequest, StockTake, Supplier, VisitPart
from aftersales.pay.models import PayRun
from aftersales.quality.models import QualityCase
from aftersales.repurchase.models import RepurchaseContract
from aftersales.service import services
from aftersales.service.choices import JOB_STATUSES, OPEN_STATUSES, OrderKind, OrderStatus
from aftersales.service.forms import DEFAULT_SORT, SORTS
from aftersales.service.models import Attachment
from aftersales.service.permissions import orders_visible_to
from aftersales.workforce.models import ExpenseClaim

BASELINES = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("QUERY_COUNTS_UPDATE", "") == "1"
HOW_TO_UPDATE = (
    "If the change is intended, rewrite the baselines and say why in the commit message:\n"
    "    QUERY_COUNTS_UPDATE=1 .venv/bin/pytest -p no:cacheprovider aftersales/tests/test_query_baselines.py\n"
    "    git add aftersales/tests/query_counts.json\n"
    "A count that grows with the rows of a list is an N+1: add select_related/prefetch_related instead."
)
# A list must show at least this many rows, or its count proves nothing about N+1.
MIN_ROWS = 3


@dataclass(frozen=True)
class Ids:
    """The records the requests are about (all in the 上海 centre, visible to its staff)."""

    order: int
    visit: int
    photo: int
    customer: int
    unit: int
    model: int
    tech_order: int
    rule: int
    item: int
    pay_plan: int = 0
    pay_run: int = 0
    pay_statement: int = 0
    money_order: int = 0  # an order with charge lines and quotes
    quote: int = 0
    quote_token: str = ""
    invoice: int = 0
    claim: int = 0
    device: int = 0  # the demo's showcase device, with a day of track on ``tracked_unit``
    tracked_unit: int = 0
    day: str = ""
    # spare parts (the demo's): a part, the 上海 store, an order and a visit with parts used, an order
    # with a reservation, the open stock-take
    part: int = 0
    store: int = 0
    parts_order: int = 0
    parts_visit: int = 0
    reserved_order: int = 0
    stock_take: int = 0
    supplier: int = 0
    follow_up: int = 0
    complaint: int = 0
    campaign: int = 0
    exchange: int = 0  # an exchange in 上海 (three are made, for the list)
    exchange_order: int = 0
    installation: int = 0
    installation_order: int = 0
    contract: int = 0  # the demo's first 上海 contract, with its year of visits and its ledger
    project: int = 0  # the demo's open project with its problem sheet
    quality_case: int = 0  # the demo's 上海 quality case (repeat failures sent to design)
    repurchase_contract: int = 0  # the demo's 例2 (lapsed: inception and lapse entries)
    outbox_message: int = 0  # the newest message of the outbox (an in-app notice to an order's page)


@dataclass(frozen=True)
class Case:
    name: str
    user: str  # a demo username
    # API: the path, formatted with the fields of Ids. Console: a URL name, reversed with ``kwargs``
    # (values name fields of Ids; "=text" is taken as it is).
    path: str
    api: bool = False
    kwargs: dict[str, str] = field(default_factory=dict, compare=False)
    # Lists: the JSON items (API) or these strings of the page (console) must number at least MIN_ROWS.
    shows: Callable[[Ids], list[str]] | None = field(default=None, compare=False)
    is_list: bool = False
    query: str = ""  # a query string added to the path ("fresh=1": the dashboard computed, not kept)


def orders_of(username: str, *, statuses: tuple[str, ...] = ()) -> Callable[[Ids], list[str]]:
    """The user's newest orders (``statuses``: of those only, as a list of open jobs shows)."""

    def numbers(_ids: Ids) -> list[str]:
        user = User.objects.get(username=username)
        # The list's default sort (by call time): the demo's repeat failures are opened last with old calls.
        newest = orders_visible_to(user).order_by(*SORTS[DEFAULT_SORT])
        if statuses:
            newest = newest.filter(status__in=statuses)
        return list(newest.values_list("number", flat=True)[:MIN_ROWS])

    return numbers


def outbox_rows(_ids: Ids) -> list[str]:
    """The newest messages of the outbox, in-app notices included (the demo's others are held back)."""
    return [f'id="outbox-{pk}"' for pk in OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True)[:MIN_ROWS]]


def notices_of(username: str) -> Callable[[Ids], list[str]]:
    def messages(_ids: Ids) -> list[str]:
        notices = Notification.objects.filter(user__username=username).order_by("-pk")
        return [f'id="notice-{pk}"' for pk in notices.values_list("pk", flat=True)[:MIN_ROWS]]

    return messages


CASES = [
    # --- API -------------------------------------------------------------------------------------------
    Case("api:me", "agent", "/api/v1/me", api=True),
    Case("api:tokens", "agent", "/api/v1/auth/tokens", api=True, is_list=True),
    Case("api:stand-ins", "admin", "/api/v1/stand-ins", api=True, is_list=True),
    Case("api:company profile", "admin", "/api/v1/company-profile", api=True),
    Case("api:orders", "agent", "/api/v1/orders?limit=50", api=True, is_list=True),
    Case("api:orders (technician)", "technician", "/api/v1/orders?limit=50", api=True, is_list=True),
    Case("api:orders (general manager)", "gm", "/api/v1/orders?limit=50", api=True, is_list=True),
    Case("api:order", "agent", "/api/v1/orders/{order}", api=True),
    Case("api:order events", "agent", "/api/v1/orders/{order}/events", api=True, is_list=True),
    Case("api:due-date moves", "admin", "/api/v1/orders/due-date-moves", api=True),
    Case("api:order visits", "agent", "/api/v1/orders/{order}/visits", api=True, is_list=True),
    Case("api:order photo", "agent", "/api/v1/orders/{order}/photos/{photo}", api=True),
    Case("api:visit signature", "agent", "/api/v1/visits/{visit}/signature", api=True),
    Case("api:customers", "agent", "/api/v1/customers?limit=50", api=True, is_list=True),
    Case("api:customer", "agent", "/api/v1/customers/{customer}", api=True),
    Case("api:units", "agent", "/api/v1/units?limit=50", api=True, is_list=True),
    Case("api:unit", "agent", "/api/v1/units/{unit}", api=True),
    Case("api:unit warranty", "agent", "/api/v1/units/{unit}/warranty", api=True),
    Case("api:product models", "agent", "/api/v1/product-models", api=True, is_list=True),
    Case("api:product model", "agent", "/api/v1/product-models/{model}", api=True),
    Case("api:service centres", "gm", "/api/v1/service-centers", api=True, is_list=True),
    Case("api:technicians", "dispatcher", "/api/v1/technicians", api=True, is_list=True),
    Case("api:coverage sources", "agent", "/api/v1/coverage/sources", api=True, is_list=True),
    Case("api:serial-date rules", "admin", "/api/v1/coverage/serial-date-rules", api=True, is_list=True),
    Case("api:serial-date rule", "admin", "/api/v1/coverage/serial-date-rules/{rule}", api=True),
    Case("api:lifetime items", "admin", "/api/v1/coverage/lifetime-items", api=True, is_list=True),
    Case("api:lifetime item", "admin", "/api/v1/coverage/lifetime-items/{item}", api=True),
    Case("api:history of a customer", "agent", "/api/v1/history/customer/{customer}", api=True),
    Case("api:export orders", "manager", "/api/v1/exports/orders.csv", api=True),
    Case("api:export customers", "manager", "/api/v1/exports/customers.csv", api=True),
    Case("api:export units", "manager", "/api/v1/exports/units.csv", api=True),
    Case("api:export pay statements", "finance", "/api/v1/exports/pay_statements.csv?run={pay_run}", api=True),
    Case("api:export complaints", "agent", "/api/v1/exports/complaints.csv", api=True),
    Case("api:export follow-ups", "agent", "/api/v1/exports/follow_ups.csv?list=all", api=True),
    Case("api:export contracts", "manager", "/api/v1/exports/contracts.csv", api=True),
    Case("api:export receivables", "finance", "/api/v1/exports/receivables.csv", api=True),
    Case("api:export quality cases", "manager", "/api/v1/exports/quality_cases.csv", api=True),
    Case("api:import template", "admin", "/api/v1/imports/customers/template.xlsx", api=True),
    Case("api:notifications", "technician", "/api/v1/notifications?limit=50", api=True, is_list=True),
    Case("api:notifications unread count", "technician", "/api/v1/notifications/unread-count", api=True),
    Case("api:outbox", "admin", "/api/v1/outbox?notices=true&limit=50", api=True, is_list=True),
    Case("api:outbox message", "gm", "/api/v1/outbox/{outbox_message}", api=True),
    Case("api:pay figures", "manager", "/api/v1/pay/figures", api=True, is_list=True),
    Case("api:pay plans", "finance", "/api/v1/pay/plans", api=True),
    Case("api:pay plan", "finance", "/api/v1/pay/plans/{pay_plan}", api=True),
    Case("api:pay runs", "finance", "/api/v1/pay/runs", api=True, is_list=True),
    Case("api:pay run", "manager", "/api/v1/pay/runs/{pay_run}", api=True),
    Case("api:pay statements", "finance", "/api/v1/pay/statements?limit=50", api=True, is_list=True),
    Case("api:repurchase contracts", "finance", "/api/v1/repurchase/contracts", api=True, is_list=True),
    Case("api:repurchase contract", "finance", "/api/v1/repurchase/contracts/{repurchase_contract}", api=True),
    Case("api:pay statement", "manager", "/api/v1/pay/statements/{pay_statement}", api=True),
    Case("api:prices", "agent", "/api/v1/prices", api=True, is_list=True),
    Case("api:order charges", "agent", "/api/v1/orders/{money_order}/charges", api=True, is_list=True),
    Case("api:order quotes", "agent", "/api/v1/orders/{money_order}/quotes", api=True, is_list=True),
    Case("api:quote", "agent", "/api/v1/quotes/{quote}", api=True),
    Case("api:quote by link", "agent", "/api/v1/public/quotes/{quote_token}", api=True),
    Case("api:invoices", "finance", "/api/v1/invoices", api=True, is_list=True),
    Case("api:invoice", "finance", "/api/v1/invoices/{invoice}", api=True),
    Case("api:receivables", "finance", "/api/v1/receivables", api=True),
    Case("api:ledger", "finance", "/api/v1/ledger", api=True, is_list=True),
    Case("api:workforce profile", "technician", "/api/v1/workforce/profile", api=True),
    Case("api:workforce attendance", "manager", "/api/v1/workforce/attendance", api=True, is_list=True),
    Case("api:workforce absences", "manager", "/api/v1/workforce/absences", api=True, is_list=True),
    Case("api:workforce trips", "manager", "/api/v1/workforce/trips", api=True, is_list=True),
    Case("api:workforce daily reports", "manager", "/api/v1/workforce/daily-reports", api=True, is_list=True),
    Case("api:workforce weekly summaries", "manager", "/api/v1/workforce/weekly-summaries", api=True, is_list=True),
    Case(
        "api:workforce summary draft",
        "technician",
        "/api/v1/workforce/weekly-summaries/draft?week_start=2026-12-07",
        api=True,
    ),
    Case("api:workforce claims", "finance", "/api/v1/workforce/claims", api=True, is_list=True),
    Case("api:workforce claim", "finance", "/api/v1/workforce/claims/{claim}", api=True),
    Case("api:workforce overtime", "manager", "/api/v1/workforce/overtime", api=True, is_list=True),
    Case("api:workforce certificates", "manager", "/api/v1/workforce/certificates", api=True, is_list=True),
    Case("api:workforce store visits", "manager", "/api/v1/workforce/store-visits", api=True, is_list=True),
    Case("api:workforce courses", "manager", "/api/v1/workforce/courses", api=True, is_list=True),
    Case("api:workforce training sessions", "manager", "/api/v1/workforce/training-sessions", api=True),
    Case("api:order factory returns", "agent", "/api/v1/orders/{money_order}/factory-returns", api=True),
    Case("api:exchanges", "manager", "/api/v1/exchanges", api=True, is_list=True),
    Case("api:order exchanges", "agent", "/api/v1/orders/{exchange_order}/exchanges", api=True),
    Case("api:exchange", "agent", "/api/v1/exchanges/{exchange}", api=True),
    Case("api:order installation", "agent", "/api/v1/orders/{installation_order}/installation", api=True),
    Case("api:awaiting pickup", "parts", "/api/v1/logistics/awaiting-pickup", api=True, is_list=True),
    Case("api:quote pdf", "agent", "/api/v1/quotes/{quote}/pdf", api=True),
    Case("api:invoice pdf", "finance", "/api/v1/invoices/{invoice}/pdf", api=True),
    Case("api:devices", "agent", "/api/v1/devices?limit=50", api=True, is_list=True),
    Case("api:device", "agent", "/api/v1/devices/{device}", api=True),
    Case("api:device states", "agent", "/api/v1/device-states?limit=50", api=True, is_list=True),
    Case("api:unit track", "agent", "/api/v1/units/{tracked_unit}/track?day={day}", api=True),
    Case("api:device rules", "manager", "/api/v1/device-rules", api=True, is_list=True),
    Case("api:device quarantine", "manager", "/api/v1/device-quarantine", api=True),
    Case("api:parts", "parts", "/api/v1/parts?limit=50", api=True, is_list=True),
    Case("api:part", "parts", "/api/v1/parts/{part}", api=True),
    Case("api:part locations", "parts", "/api/v1/part-locations", api=True, is_list=True),
    Case("api:part locations (technician)", "technician", "/api/v1/part-locations", api=True, is_list=True),
    Case("api:stock of a part", "technician", "/api/v1/part-locations/{store}/stock/{part}", api=True),
    Case("api:shortages of a location", "parts", "/api/v1/part-locations/{store}/shortages", api=True, is_list=True),
    Case("api:shortages", "parts", "/api/v1/part-shortages", api=True, is_list=True),
    Case("api:stock moves", "parts", "/api/v1/stock-moves?limit=50", api=True, is_list=True),
    Case("api:parts of a visit", "manager", "/api/v1/visits/{parts_visit}/parts", api=True),
    Case("api:parts of an order", "manager", "/api/v1/orders/{parts_order}/parts", api=True),
    Case("api:reservations of an order", "manager", "/api/v1/orders/{reserved_order}/reservations", api=True),
    Case("api:stock requests", "parts", "/api/v1/stock-requests", api=True, is_list=True),
    Case("api:supplier claims", "parts", "/api/v1/supplier-claims", api=True, is_list=True),
    Case("api:suppliers", "parts", "/api/v1/suppliers", api=True, is_list=True),
    Case("api:supplier", "parts", "/api/v1/suppliers/{supplier}", api=True),
    Case("api:supplier recovery", "parts", "/api/v1/supplier-claims/recovery", api=True),
    Case("api:turnover loans", "parts", "/api/v1/turnover-loans", api=True, is_list=True),
    Case("api:stock-take", "parts", "/api/v1/stock-takes/{stock_take}", api=True),
    Case("api:tools", "parts", "/api/v1/tools", api=True, is_list=True),
    Case("api:price list", "agent", "/api/v1/price-list?limit=50", api=True, is_list=True),
    Case("api:care follow-ups", "agent", "/api/v1/care/follow-ups?list=all&limit=50", api=True, is_list=True),
    Case("api:care follow-up", "manager", "/api/v1/care/follow-ups/{follow_up}", api=True),
    Case("api:care complaints", "agent", "/api/v1/care/complaints?limit=50", api=True, is_list=True),
    Case("api:care complaint", "agent", "/api/v1/care/complaints/{complaint}", api=True),
    Case("api:care contacts", "agent", "/api/v1/care/customers/{customer}/contacts", api=True, is_list=True),
    Case("api:care customer file", "agent", "/api/v1/care/customers/{customer}/file", api=True),
    Case("api:care unit history", "agent", "/api/v1/care/units/{unit}/history", api=True),
    Case("api:care campaigns", "manager", "/api/v1/care/campaigns", api=True, is_list=True),
    Case("api:care campaign", "manager", "/api/v1/care/campaigns/{campaign}", api=True),
    Case("api:care report", "manager", "/api/v1/care/reports/summary", api=True),
    Case("api:care year", "manager", "/api/v1/care/reports/year?year=2026", api=True),
    Case("api:report open-orders", "manager", "/api/v1/reports/open-orders", api=True),
    Case("api:report sla-compliance", "manager", "/api/v1/reports/sla-compliance", api=True),
    Case("api:report first-time-fix", "manager", "/api/v1/reports/first-time-fix", api=True),
    Case("api:report mean-times", "manager", "/api/v1/reports/mean-times", api=True),
    Case("api:report backlog", "manager", "/api/v1/reports/backlog", api=True),
    Case("api:report utilisation", "manager", "/api/v1/reports/utilisation", api=True),
    Case("api:report parts", "manager", "/api/v1/reports/parts", api=True),
    Case(
        "api:report records",
        "manager",
        "/api/v1/reports/first-time-fix/records?measure=closed&limit=50",
        api=True,
        is_list=True,
    ),
    Case("api:report warranty-cost", "manager", "/api/v1/reports/warranty-cost", api=True),
    Case("api:report claims", "manager", "/api/v1/reports/claims", api=True),
    Case("api:report contract-visits", "manager", "/api/v1/reports/contract-visits", api=True),
    Case("api:report satisfaction", "manager", "/api/v1/reports/satisfaction", api=True),
    Case("api:report complaints", "manager", "/api/v1/reports/complaints", api=True),
    Case("api:contracts", "manager", "/api/v1/contracts?limit=50", api=True, is_list=True),
    Case("api:contract", "manager", "/api/v1/contracts/{contract}", api=True),
    Case("api:contract visits", "manager", "/api/v1/contracts/{contract}/visits", api=True, is_list=True),
    Case("api:contract ledger", "finance", "/api/v1/contracts/{contract}/ledger", api=True),
    Case("api:projects", "manager", "/api/v1/projects", api=True, is_list=True),
    Case("api:project", "agent", "/api/v1/projects/{project}", api=True),
    Case("api:quality summary", "manager", "/api/v1/quality/failures/summary", api=True),
    Case("api:quality by model", "manager", "/api/v1/quality/failures/by-model", api=True),
    Case("api:quality by part", "manager", "/api/v1/quality/failures/by-part", api=True),
    Case("api:quality by fault code", "manager", "/api/v1/quality/failures/by-fault-code", api=True),
    Case("api:quality by batch", "manager", "/api/v1/quality/failures/by-batch", api=True),
    Case("api:quality by age", "manager", "/api/v1/quality/failures/by-age", api=True),
    Case("api:quality figure orders", "manager", "/api/v1/quality/failures/orders?figure=repeat90", api=True),
    Case("api:quality cases", "manager", "/api/v1/quality/cases", api=True),
    Case("api:quality case", "manager", "/api/v1/quality/cases/{quality_case}", api=True),
    # --- console ---------------------------------------------------------------------------------------
    Case("console:home (agent)", "agent", "console:home"),
    Case("console:home (dispatcher)", "dispatcher", "console:home"),
    Case("console:home (manager)", "manager", "console:home"),
    Case("console:home (general manager)", "gm", "console:home"),
    Case("console:reports dashboard", "manager", "reports:dashboard", query="fresh=1"),
    Case("console:reports dashboard (kept)", "manager", "reports:dashboard"),
    Case("console:reports periodic", "manager", "reports:periodic"),
    Case("console:workforce my day", "technician", "workforce:me"),
    Case("console:workforce claims", "finance", "workforce:claims"),
    Case("console:workforce claim", "finance", "workforce:claim_detail", kwargs={"claim_id": "claim"}),
    Case("console:workforce staff", "manager", "workforce:staff"),
    Case("console:workforce absences", "manager", "workforce:absences"),
    Case("console:workforce overtime", "manager", "workforce:overtime"),
    Case("console:orders", "agent", "service:order_list", shows=orders_of("agent"), is_list=True),
    Case("console:orders (general manager)", "gm", "service:order_list", shows=orders_of("gm"), is_list=True),
    Case("console:order", "manager", "service:order_detail", kwargs={"order_id": "order"}),
    Case("console:order print", "manager", "service:order_print", kwargs={"order_id": "order"}),
    Case("console:order photo", "manager", "service:order_photo", kwargs={"order_id": "order", "photo_id": "photo"}),
    Case(
        "console:visit signature",
        "manager",
        "service:visit_signature",
        kwargs={"order_id": "order", "visit_id": "visit"},
    ),
    Case("console:orders export", "manager", "exchange:order_export"),
    Case("console:intake", "agent", "service:intake"),
    Case("console:dispatch board", "dispatcher", "service:dispatch"),
    Case("console:dispatch technicians", "dispatcher", "service:dispatch_technicians"),
    Case(
        "console:technician jobs",
        "technician",
        "service:tech_jobs",
        shows=orders_of("technician", statuses=JOB_STATUSES),
        is_list=True,
    ),
    Case("console:technician order", "technician", "service:tech_order", kwargs={"order_id": "tech_order"}),
    Case("console:calendar", "admin", "calendars:calendar"),
    Case("console:due-date moves", "admin", "service:due_moves"),
    Case("console:due-date moves banner", "admin", "service:due_moves_summary"),
    Case("console:import", "admin", "exchange:import"),
    Case("console:import template", "admin", "exchange:template", kwargs={"kind": "=customers", "fmt": "=xlsx"}),
    Case("console:settings company profile", "admin", "accounts:company_profile"),
    Case("console:settings centres", "admin", "accounts:centre_list"),
    Case("console:settings users", "admin", "accounts:user_list"),
    Case("console:settings product models", "admin", "catalog:productmodel_list"),
    Case("console:settings SLA", "admin", "service:sla_list"),
    Case("console:settings serial-date rules", "admin", "core_settings:list", kwargs={"section": "=serial-date-rules"}),
    Case("console:settings lifetime items", "admin", "core_settings:list", kwargs={"section": "=lifetime-items"}),
    Case("console:notifications", "technician", "notifications:list", shows=notices_of("technician"), is_list=True),
    Case("console:notification bell", "technician", "notifications:bell"),
    Case("console:outbox", "admin", "notifications_outbox:list", query="notices=1", shows=outbox_rows, is_list=True),
    Case("console:outbox message", "gm", "notifications_outbox:detail", kwargs={"message_id": "outbox_message"}),
    Case("console:pay", "manager", "pay:index"),
    Case("console:pay run", "manager", "pay:run_detail", kwargs={"run_id": "pay_run"}),
    Case("console:pay statement", "manager", "pay:statement_detail", kwargs={"statement_id": "pay_statement"}),
    Case("console:pay plan", "finance", "pay:plan_detail", kwargs={"plan_id": "pay_plan"}),
    Case("console:pay plan edit", "finance", "pay:plan_edit", kwargs={"plan_id": "pay_plan"}),
    Case("console:repurchase", "finance", "repurchase:index"),
    Case("console:repurchase contract", "finance", "repurchase:detail", kwargs={"contract_id": "repurchase_contract"}),
    Case("console:home (finance)", "finance", "console:home"),
    Case("console:order charges", "manager", "money:order_charges", kwargs={"order_id": "money_order"}),
    Case("console:quote print", "manager", "money:quote_print", kwargs={"quote_id": "quote"}),
    Case("console:quote by link", "agent", "money_public:quote", kwargs={"token": "quote_token"}),
    Case("console:invoices", "finance", "money:invoice_list"),
    Case("console:invoice", "finance", "money:invoice_detail", kwargs={"invoice_id": "invoice"}),
    Case("console:receivables", "finance", "money:receivables"),
    Case("console:export receivables", "finance", "exchange:export", kwargs={"kind": "=receivables", "fmt": "=xlsx"}),
    Case("console:logistics", "parts", "money:logistics"),
    Case("console:acceptance", "manager", "money:installation_accept", kwargs={"installation_id": "installation"}),
    Case("console:settings prices", "manager", "core_settings:list", kwargs={"section": "=prices"}),
    Case("console:device health", "agent", "devices:health"),
    Case("console:device map", "agent", "devices:map"),
    Case("console:unit track", "agent", "devices:track", kwargs={"unit_id": "tracked_unit"}),
    Case("console:device", "agent", "devices:device", kwargs={"device_id": "device"}),
    Case("console:home (parts keeper)", "parts", "console:home"),
    Case("console:parts stock", "parts", "parts:stock"),
    Case("console:parts shortages", "parts", "parts:shortages"),
    Case("console:part ledger", "parts", "parts:ledger", kwargs={"part_id": "part"}),
    Case("console:supplier claims", "parts", "parts:claims"),
    Case("console:turnover loans", "parts", "parts:loans"),
    Case("console:stock-takes", "parts", "parts:stock_takes"),
    Case("console:stock-take sheet", "manager", "parts:stock_take", kwargs={"take_id": "stock_take"}),
    Case("console:tools", "parts", "parts:tools"),
    Case("console:order reservations", "dispatcher", "parts:order_reservations", kwargs={"order_id": "reserved_order"}),
    Case("console:parts catalogue", "parts", "core_settings:list", kwargs={"section": "=parts-catalogue"}),
    Case("console:settings suppliers", "parts", "core_settings:list", kwargs={"section": "=suppliers"}),
    Case("console:settings part locations", "parts", "parts_settings:location_list"),
    Case("console:export parts stock", "parts", "exchange:export", kwargs={"kind": "=parts_stock", "fmt": "=xlsx"}),
    Case(
        "console:export supplier claims", "parts", "exchange:export", kwargs={"kind": "=parts_claims", "fmt": "=xlsx"}
    ),
    Case("console:price list", "agent", "parts:price_list"),
    Case("console:customers", "agent", "care:customer_list"),
    Case("console:export customers", "agent", "exchange:export", kwargs={"kind": "=customers", "fmt": "=xlsx"}),
    Case("console:customer file", "agent", "care:customer_detail", kwargs={"customer_id": "customer"}),
    Case("console:unit history", "agent", "care:unit_detail", kwargs={"unit_id": "unit"}),
    Case("console:follow-ups", "agent", "care:follow_up_list"),
    Case("console:follow-up call", "manager", "care:follow_up_detail", kwargs={"task_id": "follow_up"}),
    Case("console:complaints", "agent", "care:complaint_list"),
    Case("console:export complaints", "agent", "exchange:export", kwargs={"kind": "=complaints", "fmt": "=xlsx"}),
    Case("console:export follow-ups", "agent", "exchange:export", kwargs={"kind": "=follow_ups", "fmt": "=xlsx"}),
    Case("console:complaint", "agent", "care:complaint_detail", kwargs={"complaint_id": "complaint"}),
    Case("console:campaigns", "manager", "care:campaign_list"),
    Case("console:campaign", "manager", "care:campaign_detail", kwargs={"campaign_id": "campaign"}),
    Case("console:care report", "manager", "care:report_month"),
    Case("console:care year", "manager", "care:report_year"),
    Case("console:contracts", "manager", "contracts:contract_list"),
    Case("console:export contracts", "manager", "exchange:export", kwargs={"kind": "=contracts", "fmt": "=xlsx"}),
    Case("console:contract", "manager", "contracts:contract_detail", kwargs={"contract_id": "contract"}),
    Case("console:contract visit calendar", "manager", "contracts:visit_calendar"),
    Case("console:contract ledger", "finance", "contracts:contract_ledger", kwargs={"contract_id": "contract"}),
    Case("console:projects", "manager", "contracts:project_list"),
    Case("console:project", "agent", "contracts:project_detail", kwargs={"project_id": "project"}),
    Case("console:project sheet print", "agent", "contracts:project_print", kwargs={"project_id": "project"}),
    Case("console:portal access", "agent", "portal_staff:access_list"),
    Case("console:failure statistics", "manager", "quality:failures", query="fresh=1"),
    Case("console:failure statistics (kept)", "manager", "quality:failures"),
    Case("console:quality cases", "manager", "quality:case_list"),
    Case(
        "console:export quality cases", "manager", "exchange:export", kwargs={"kind": "=quality_cases", "fmt": "=xlsx"}
    ),
    Case("console:quality case", "manager", "quality:case_detail", kwargs={"case_id": "quality_case"}),
]


def png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def build() -> Ids:
    call_command("load_demo", stdout=io.StringIO())
    # The demo's company profile stands as committed, as after `make run`: the "forget the cached
    # profile" its save left for the commit (which never comes here) would keep every page's read of it
    # off the cache (accounts.selectors), a query per request no app server makes.
    connection.run_on_commit = [entry for entry in connection.run_on_commit if entry[1] is not forget_company_profile]
    relay_due_messages()  # the demo's in-app notices (assignments) reach the technicians' lists
    manager = User.objects.get(username="manager")
    technician = User.objects.get(username="technician")
    order = (
        orders_visible_to(manager)
        .filter(status__in=(OrderStatus.DISPATCHED, OrderStatus.ON_SITE), technician__isnull=False)
        .order_by("pk")
        .first()
    )
    assert order is not None, "the demo set has no dispatched order in 上海"
    for draft in order.visits.filter(signed_at__isnull=True):  # an order on site: its draft signed first
        services.sign_visit(draft, by=order.technician, signer_name="陈建国", image=png("draft.png"))
    visits = []
    for i in range(MIN_ROWS):  # one record open at a time: each is signed before the next arrival
        visit = services.record_visit(order, by=order.technician)
        visits.append(services.sign_visit(visit, by=order.technician, signer_name="陈建国", image=png(f"s{i}.png")))
    visit = visits[0]
    for i in range(MIN_ROWS):
        services.add_photo(order, by=manager, file=png(f"p{i}.png"), visit=visit)
    agent = User.objects.get(username="agent")
    for i in range(MIN_ROWS):
        ApiToken.objects.create(user=agent, name=f"device {i}", key_hash=ApiToken.hash_key(f"device-{i}"))
    # The technician's job in one fixed state (a new repair of a unit, assigned, a visit open): which of
    # the demo's orders are theirs, of which kind and in which state, changes with the day the demo is
    # loaded (its dates are working days).
    tech_order = (
        orders_visible_to(manager)
        .filter(status=OrderStatus.NEW, kind=OrderKind.REPAIR, unit__isnull=False)
        .order_by("pk")
        .first()
    )
    assert tech_order is not None, "the demo set has no new repair of a unit in 上海"
    dispatcher = User.objects.get(username="dispatcher")
    tech_order = services.assign_technician(tech_order, by=dispatcher, technician=technician)
    services.record_visit(tech_order, by=technician)
    models = list(ProductModel.objects.order_by("pk")[:MIN_ROWS])
    rules = [SerialDateRuleFactory(product_model=m, serial_prefix=f"R{i}") for i, m in enumerate(models)]
    items = [LifetimeItemFactory(product_model=m) for m in models]
    admin = User.objects.get(username="admin")
    for giver, taker in (("dispatcher_bj", "agent_bj"), ("tech_bj1", "tech_bj2"), ("tech_bj3", "manager_bj")):
        create_stand_in(
            from_user=User.objects.get(username=giver),
            to_user=User.objects.get(username=taker),
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + datetime.timedelta(days=3),
            reason="年假",
            by=admin,
        )
    customer = Customer.objects.filter(pk=order.customer_id).get()
    # The unit whose history is read, in one fixed state: under no contract and bought from a dealer
    # with no proof, so its warranty today asks every source in turn (which of the demo's units are
    # under contract or have proof changes with the day and hour the demo is loaded: 9 queries or 8,
    # a test run at 17:47 local on 2026-12-07).
    unit = (
        Unit.objects.filter(customer__service_center=customer.service_center_id)
        .exclude(pk__in=ContractUnit.objects.values("unit"))
        .order_by("pk")
        .first()
    )
    assert unit is not None, "the demo set has no unit outside a contract in 上海"
    Unit.objects.filter(pk=unit.pk).update(seller=Seller.DEALER, proof_reference="", proof_file="")
    pay_run = PayRun.objects.filter(service_center=manager.service_center, status="approved").get()
    quote = Quote.objects.filter(status=QuoteStatus.SENT, order__service_center__code="SH").order_by("pk").first()
    assert quote is not None, "the demo set has no quote waiting in 上海"
    invoice = Invoice.objects.filter(order__service_center__code="SH").order_by("pk").first()
    assert invoice is not None, "the demo set has no invoice in 上海"
    showcase = Device.objects.get(serial="GW-SH-0001")
    used = VisitPart.objects.filter(order__service_center__code="SH").order_by("pk").first()
    assert used is not None, "the demo set uses no part on a 上海 visit"
    for i in range(MIN_ROWS):
        log_contact(by=agent, customer=customer, channel="phone", direction="out", summary=f"告知进度 {i}")
    exchange, inst = _money_routes(manager, agent)
    return Ids(
        outbox_message=OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True)[0],
        exchange=exchange.pk,
        exchange_order=exchange.order_id,
        installation=inst.pk,
        installation_order=inst.order_id,
        device=showcase.pk,
        tracked_unit=showcase.bindings.get().unit_id,
        day=timezone.localdate().isoformat(),
        part=Part.objects.get(number="BRG-6205").pk,
        store=Location.objects.get(code="ST-SH").pk,
        parts_order=used.order_id,
        parts_visit=used.visit_id,
        reserved_order=Reservation.objects.order_by("pk").values_list("order_id", flat=True).first() or 0,
        stock_take=StockTake.objects.order_by("pk").values_list("pk", flat=True).first() or 0,
        supplier=Supplier.objects.order_by("pk").values_list("pk", flat=True).first() or 0,
        order=order.pk,
        visit=visit.pk,
        photo=Attachment.objects.filter(order=order).order_by("pk").first().pk,  # type: ignore[union-attr]
        customer=customer.pk,
        unit=unit.pk,
        model=ProductModel.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
        tech_order=tech_order.pk,
        rule=rules[0].pk,
        item=items[0].pk,
        pay_plan=pay_run.plan_id,
        pay_run=pay_run.pk,
        pay_statement=pay_run.statements.get(user=User.objects.get(username="agent")).pk,
        money_order=quote.order_id,
        quote=quote.pk,
        quote_token=quote_token(quote),
        invoice=invoice.pk,
        claim=ExpenseClaim.objects.filter(service_center__code="SH").order_by("pk").first().pk,  # type: ignore[union-attr]
        follow_up=FollowUpTask.objects.filter(service_center=manager.service_center).order_by("pk").first().pk,  # type: ignore[union-attr]
        complaint=Complaint.objects.filter(service_center=manager.service_center).order_by("pk").first().pk,  # type: ignore[union-attr]
        campaign=Campaign.objects.filter(service_center=manager.service_center).order_by("pk").first().pk,  # type: ignore[union-attr]
        contract=Contract.objects.filter(service_center=manager.service_center).order_by("pk").first().pk,  # type: ignore[union-attr]
        project=Project.objects.filter(signed_off_at__isnull=True).order_by("pk").first().pk,  # type: ignore[union-attr]
        repurchase_contract=RepurchaseContract.objects.get(number="XS-2015-002").pk,
        quality_case=QualityCase.objects.get(service_center__code="SH").pk,
    )


def _money_routes(manager: User, agent: User) -> tuple[Exchange, Installation]:
    """Exchanges on three 上海 orders in warranty (the list), the demo's installation, three purchases
    waiting for a pick-up notice at the 上海 store."""
    for order in (
        orders_visible_to(manager)
        .filter(status__in=OPEN_STATUSES, warranty_covered=True, unit__isnull=False)
        .exclude(exchanges__isnull=False)
        .order_by("pk")[:MIN_ROWS]
    ):
        request_exchange(order, by=agent, reason="换机")
    store = Location.objects.get(code="ST-SH")
    for i in range(MIN_ROWS):
        StockRequest.objects.create(
            number=f"RQ-BASE-{i}",
            kind="purchase",
            status="sent",
            location=store,
            supplier=Supplier.objects.order_by("pk").first(),
            created_by=manager,
            sent_at=timezone.now() - datetime.timedelta(days=20),
        )
    exchange = Exchange.objects.filter(order__service_center__code="SH").order_by("pk").first()
    inst = Installation.objects.filter(order__service_center__code="SH").order_by("pk").first()
    assert exchange is not None and inst is not None, "the demo set has an exchange and an installation in 上海"
    return exchange, inst


@pytest.fixture(scope="module")
def demo_ids(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Ids]:
    with shared_test_data(django_db_blocker, build) as ids:
        yield ids


def client_for(case: Case) -> Client:
    user = User.objects.get(username=case.user)
    if case.api:
        key = f"baseline-{user.pk}-{case.name}"
        ApiToken.objects.create(user=user, name=case.name[:100], key_hash=ApiToken.hash_key(key))
        return Client(headers={"Authorization": f"Bearer {key}"})
    client = Client()
    client.force_login(user)
    return client


def count(case: Case, ids: Ids) -> int:
    client = client_for(case)
    if case.api:
        path = case.path.format(**vars(ids))
    else:
        kwargs = {k: v[1:] if v.startswith("=") else getattr(ids, v) for k, v in case.kwargs.items()}
        path = reverse(case.path, kwargs=kwargs)
    if case.query:
        path = f"{path}?{case.query}"
    client.get(path)  # warm per-process caches (content types, translations, the token's last use)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, f"{case.name}: GET {path} answered {response.status_code}"
    if case.is_list and case.api:
        items = response.json()
        items = items["items"] if isinstance(items, dict) else items
        assert len(items) >= MIN_ROWS, f"{case.name}: {len(items)} rows, a baseline needs at least {MIN_ROWS}"
    if case.shows is not None:
        body = response.content.decode()
        wanted = case.shows(ids)
        missing = [text for text in wanted if text not in body]
        assert len(wanted) >= MIN_ROWS and not missing, f"{case.name}: rows {missing} not shown (of {wanted})"
    return len(queries.captured_queries)


def load_baselines() -> dict[str, int]:
    if not BASELINES.exists():
        return {}
    return json.loads(BASELINES.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_query_counts_match_the_baselines(demo_ids: Ids) -> None:
    measured = {case.name: count(case, demo_ids) for case in CASES}

    if UPDATE:
        BASELINES.write_text(json.dumps(measured, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    expected = load_baselines()
    changes = [
        f"  {name}: {expected[name] if name in expected else 'no'} queries in the baseline, {measured[name]} now"
        for name in measured
        if expected.get(name) != measured[name]
    ] + [f"  {name}: baseline of a request no case makes any more" for name in expected if name not in measured]
    assert not changes, (
        f"query counts differ from aftersales/tests/{BASELINES.name}:\n" + "\n".join(changes) + "\n" + HOW_TO_UPDATE
    )


def test_case_names_are_unique() -> None:
    names = [case.name for case in CASES]

    assert len(names) == len(set(names))


def test_every_api_get_has_a_baseline() -> None:
    from aftersales.api import api

    covered = {re.sub(r"\{[a-z_]+\}", "{}", case.path.split("?")[0]) for case in CASES if case.api}
    schema_paths = api.get_openapi_schema()["paths"]
    missing = []
    for path, operations in schema_paths.items():
        if "get" not in operations:
            continue
        generic = re.sub(r"\{[a-z_]+\}", "{}", path)
        pattern = re.compile("^" + re.escape(generic).replace(r"\{\}", "[^/]+") + "$")
        if generic not in covered and not any(pattern.match(c) for c in covered):
            missing.append(path)

    assert missing == [], f"add a Case for each to CASES in {Path(__file__).name}: {missing}"
