"""The spare-parts part of the demo set (issue 9): suppliers, a catalogue with list prices, the central
warehouse, each centre's store and every technician's van with stock; levels that leave a few parts
short (one warranty-critical); parts used on open visits; a reservation waiting for a part; requests,
supplier claims, turnover loans (one overdue), a stock-take awaiting approval, tools and labour rates.
Everything through the parts services, as a user would."""

import datetime
from decimal import Decimal

from django.utils import timezone

from aftersales.accounts.models import ServiceCenter, User
from aftersales.demo.story import happened_at
from aftersales.parts.choices import LocationKind, OldPartFate, SupplierClaimStatus
from aftersales.parts.models import LabourRate, Location, Part
from aftersales.parts.services import catalogue, claims, loans, requests, reservations, stock, stocktakes, tools, visits
from aftersales.service.choices import OrderStatus
from aftersales.service.models import ServiceOrder, Visit

# Parts issued on visits in warranty, at the least (the stock ledger shows issues beside receipts).
MIN_ISSUED = 3
SUPPLIERS = (
    ("SKF", "斯凯孚（中国）有限公司", True),
    ("OMRON", "欧姆龙自动化（中国）有限公司", True),
    ("OWN", "本公司配件厂", False),
)
# number, name, unit, list price, cost, supplier, supplier warranty months, warranty-critical, turnover
PARTS = (
    ("BRG-6205", "主轴轴承 6205-2RS", "piece", "85.00", "42.50", "SKF", 12, True, False),
    ("BRG-6308", "主轴轴承 6308-ZZ", "piece", "168.00", "88.00", "SKF", 12, True, False),
    ("SEN-E2E", "接近传感器 E2E-X5", "piece", "260.00", "150.00", "OMRON", 18, True, False),
    ("RLY-MY2N", "中间继电器 MY2N", "piece", "38.00", "16.00", "OMRON", 12, False, False),
    ("FLT-AIR", "空气滤芯", "piece", "55.00", "22.00", "OWN", 0, False, False),
    ("BLT-A42", "三角皮带 A-42", "piece", "36.00", "14.00", "OWN", 0, False, False),
    ("CBL-RVV", "控制电缆 RVV 4×1.5", "metre", "12.50", "6.20", "OWN", 0, False, False),
    ("OIL-46", "抗磨液压油 46#", "litre", "28.00", "13.00", "OWN", 0, False, False),
    ("SEAL-KIT", "油缸密封包", "set", "120.00", "55.00", "OWN", 0, False, False),
    ("PCB-MAIN", "主控板（周转件）", "piece", "2800.00", "1500.00", "OWN", 0, True, True),
    ("MTR-FAN", "散热风扇电机", "piece", "310.00", "160.00", "OWN", 0, False, False),
    ("FUS-10A", "保险丝 10A", "piece", "3.50", "1.00", "OWN", 0, False, False),
)
LABOUR = (
    ("L-VISIT", "上门服务费（市区）", "100.00", "次"),
    ("L-HOUR", "维修工时费", "150.00", "小时"),
    ("L-INSTALL", "安装调试费", "600.00", "台"),
)


class PartsDemo:
    def __init__(
        self, *, centres: dict[str, ServiceCenter], staff: dict[str, User], now: datetime.datetime, since: datetime.date
    ) -> None:
        self.centres = centres
        self.staff = staff
        self.now = now
        self.today = timezone.localtime(now).date()
        # The stores were stocked before the demo's oldest call: every issue and loan draws on stock received.
        self.stocked_at = self.day_at(since - datetime.timedelta(days=7), hour=9)
        self.admin = staff["admin"]
        self.keeper = staff["parts"]
        self.parts: dict[str, Part] = {}
        self.stores: dict[str, Location] = {}

    def day_at(self, day: datetime.date, *, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def load(self) -> int:
        with happened_at(self.stocked_at, now=self.now):
            self.catalogue()
            self.locations()
            self.stock_up()
        self.use_on_visits()
        self.replenish()
        self.claims_loans_takes_tools()
        return len(self.parts)

    def catalogue(self) -> None:
        suppliers = {
            code: catalogue.create_supplier(by=self.admin, code=code, name=name, outside=outside)
            for code, name, outside in SUPPLIERS
        }
        month_ago = self.today - datetime.timedelta(days=30)
        for number, name, unit, price, cost, sup, months, critical, turnover in PARTS:
            self.parts[number] = catalogue.create_part(
                by=self.admin,
                number=number,
                name=name,
                unit=unit,
                cost=cost,
                supplier=suppliers[sup],
                supplier_warranty_months=months,
                warranty_critical=critical,
                turnover=turnover,
                list_price=(Decimal(price) * Decimal("0.95")).quantize(Decimal("0.01")),
                price_from=month_ago - datetime.timedelta(days=300),
            )
        # The new list prices, set on the day they apply from.
        with happened_at(self.day_at(month_ago, hour=9), now=self.now):
            for number, _name, _unit, price, *_rest in PARTS:
                catalogue.set_list_price(by=self.admin, part=self.parts[number], price=price, valid_from=month_ago)
        for code, name, price, unit in LABOUR:
            LabourRate.objects.create(code=code, name=name, price=Decimal(price), unit=unit)

    def locations(self) -> None:
        self.warehouse = catalogue.create_location(
            by=self.admin, code="WH-01", name="中心仓库", kind=LocationKind.WAREHOUSE
        )
        for code, centre in self.centres.items():
            self.stores[code] = catalogue.create_location(
                by=self.admin,
                code=f"ST-{code}",
                name=f"{centre.name}库房",
                kind=LocationKind.CENTRE_STORE,
                service_center=centre,
            )
        for user in self.staff.values():
            if user.role == "technician":
                catalogue.create_location(
                    by=self.admin,
                    code=f"VAN-{user.username.upper()}",
                    name=f"{user.last_name}{user.first_name}的服务车",
                    kind=LocationKind.VAN,
                    holder=user,
                )

    def stock_up(self) -> None:
        for part in self.parts.values():
            stock.receive_stock(
                by=self.admin,
                location=self.warehouse,
                part=part,
                quantity=200 if part.whole_units else "500",
                supplier=part.supplier,
                unit_cost=part.cost,
            )
            catalogue.set_stock_levels(by=self.admin, location=self.warehouse, part=part, min_qty=20, max_qty=300)
        for store in self.stores.values():
            for i, (number, part) in enumerate(self.parts.items()):
                quantity = 1 if number in ("BRG-6205", "SEN-E2E", "RLY-MY2N") else 6 + i % 4
                stock.receive_stock(by=self.admin, location=store, part=part, quantity=quantity, unit_cost=part.cost)
                catalogue.set_stock_levels(
                    by=self.admin,
                    location=store,
                    part=part,
                    min_qty=3,
                    max_qty=10,
                    bin=f"A{i // 4 + 1}-{i % 4 + 1:02d}",
                )
        for van in Location.objects.filter(kind=LocationKind.VAN).order_by("pk"):
            for number in ("BRG-6205", "FUS-10A", "BLT-A42", "RLY-MY2N"):
                stock.receive_stock(by=self.admin, location=van, part=self.parts[number], quantity=4)

    def use_on_visits(self) -> None:
        """Parts on a few open visits in each centre: from the van (or the store), old parts' fates."""
        fates = [OldPartFate.HANDED_TO_CUSTOMER, OldPartFate.SUPPLIER_CLAIM, OldPartFate.SCRAPPED]
        open_visits = list(
            # In warranty: a part the customer pays for waits for the approved quote (money's issue check).
            Visit.objects.filter(
                order__status=OrderStatus.ON_SITE, signed_at__isnull=True, order__warranty_covered=True
            )
            .select_related("order", "technician")
            .order_by("pk")[:9]
        )
        if not open_visits:
            return
        numbers = ("BRG-6205", "BLT-A42", "FUS-10A")
        # Three parts issued at the least: which orders on site are in warranty changes with the hour the
        # demo is loaded (two at 08:17 on 2026-12-04, a probe of every hour), so the first visits then
        # take two parts. (Not a visit of an older order: its events would come after later ones.)
        total = max(MIN_ISSUED, len(open_visits))
        for i, visit in enumerate(open_visits):
            count = total // len(open_visits) + (i < total % len(open_visits))
            lines = [
                visits.IssueLine(
                    part=self.parts[numbers[(i + k) % 3]],
                    quantity=Decimal(1),
                    location=None,
                    old_part_fate=fates[(i + k) % 3],
                )
                for k in range(count)
            ]
            # Fitted on the visit, half an hour after the technician arrived (the issue's ledger entry then).
            with happened_at(visit.arrived_at + datetime.timedelta(minutes=30), now=self.now):
                visits.use_parts(by=visit.technician, visit=visit, lines=lines)

    def replenish(self) -> None:
        sh = self.stores["SH"]
        waiting = (
            ServiceOrder.objects.filter(service_center__code="SH", status=OrderStatus.WAITING).order_by("pk").first()
        )
        if waiting is not None:
            reservations.reserve_parts(
                by=self.keeper, order=waiting, part=self.parts["SEN-E2E"], location=sh, quantity=2, wait=True
            )
        # The shortage list's request stays open (the keeper sends it); another transfer is on its way.
        requests.request_shortages(by=self.keeper, location=sh, source=self.warehouse)
        requests.create_request(
            by=self.keeper,
            kind="purchase",
            location=sh,
            supplier=self.parts["MTR-FAN"].supplier,
            lines=[(self.parts["MTR-FAN"], 5)],
        )
        on_the_way = requests.create_request(
            by=self.keeper, kind="transfer", location=sh, source=self.warehouse, lines=[(self.parts["OIL-46"], 20)]
        )
        requests.send_request(by=self.admin, request=on_the_way)

    def claims_loans_takes_tools(self) -> None:
        sh = self.stores["SH"]
        skf, omron = self.parts["BRG-6205"], self.parts["SEN-E2E"]
        # The credited claim was handed in three weeks ago, sent, accepted and credited over the weeks after.
        with happened_at(self.day_at(self.today - datetime.timedelta(days=21), hour=10), now=self.now):
            first = claims.open_claim(
                by=self.keeper,
                part=skf,
                fitted_on=self.today - datetime.timedelta(days=90),
                failure="运行三个月后异响，外圈有剥落",
                serial="SKF-2291",
                location=sh,
            )
        for days_ago, step in ((18, SupplierClaimStatus.SENT), (10, SupplierClaimStatus.ACCEPTED)):
            with happened_at(self.day_at(self.today - datetime.timedelta(days=days_ago), hour=10), now=self.now):
                first = claims.move_claim(by=self.keeper, claim=first, to=step)
        with happened_at(self.day_at(self.today - datetime.timedelta(days=4), hour=10), now=self.now):
            claims.move_claim(by=self.keeper, claim=first, to=SupplierClaimStatus.CREDITED, amount_recovered="42.50")
        claims.open_claim(
            by=self.keeper,
            part=omron,
            fitted_on=self.today - datetime.timedelta(days=200),
            failure="检测距离漂移，无法稳定触发",
            serial="E2E-7781",
            location=sh,
        )
        second = claims.open_claim(
            by=self.keeper,
            part=self.parts["BRG-6308"],
            fitted_on=self.today - datetime.timedelta(days=40),
            failure="卡滞",
            location=sh,
        )
        claims.move_claim(by=self.keeper, claim=second, to=SupplierClaimStatus.SENT)
        spare = self.parts["PCB-MAIN"]
        orders = list(
            ServiceOrder.objects.filter(
                service_center__code="SH", status__in=(OrderStatus.WAITING, OrderStatus.ON_SITE)
            ).order_by("pk")[:3]
        )
        for i, order in enumerate(orders):
            # Lent on the technician's first visit, the first for ten days (overdue, for the list), the
            # others for a month: lent at that moment, so its ledger entry and number are that day's (lent at
            # load time, a loan was due back before it was lent: found by a probe, 2026-12-07).
            first_visit = order.visits.order_by("arrived_at").first()
            lent = first_visit.arrived_at if first_visit is not None else self.now
            with happened_at(lent, now=self.now) as lent:
                loans.lend_spare(
                    by=self.keeper,
                    part=spare,
                    serial=f"PCB-{1001 + i}",
                    location=sh,
                    order=order,
                    due_back=timezone.localtime(lent).date() + datetime.timedelta(days=10 if i == 0 else 30),
                )
        take = stocktakes.start_stock_take(by=self.keeper, location=sh)
        counts = {line.pk: line.expected for line in take.lines.all()}
        if counts:
            first_line = next(iter(counts))
            counts[first_line] = max(counts[first_line] - 1, Decimal(0))
        stocktakes.record_counts(by=self.keeper, stock_take=take, counts=counts)
        stocktakes.submit_stock_take(by=self.keeper, stock_take=take)
        technicians = [
            u for u in self.staff.values() if u.role == "technician" and u.service_center_id == self.centres["SH"].pk
        ]
        for i, (code, name, days) in enumerate(
            (
                ("MM-01", "数字万用表 Fluke 17B+", 200),
                ("TQ-01", "扭力扳手 20-100N·m", 12),
                ("IR-01", "红外测温仪", -5),
                ("MG-01", "兆欧表 500V", 90),
            )
        ):
            tool = tools.add_tool(
                by=self.keeper,
                code=code,
                name=name,
                service_center=self.centres["SH"],
                calibration_due=self.today + datetime.timedelta(days=days),
            )
            if technicians:
                tools.hand_tool(by=self.keeper, tool=tool, holder=technicians[i % len(technicians)])


def load_parts(
    *, centres: dict[str, ServiceCenter], staff: dict[str, User], now: datetime.datetime, since: datetime.date
) -> int:
    """``since``: the first day of the demo's history (its stock was received the week before)."""
    return PartsDemo(centres=centres, staff=staff, now=now, since=since).load()
