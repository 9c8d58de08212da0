"""Opening the demo orders and walking each to its planned status, with the role that would do it:
the agent opens, the dispatcher assigns, the technician visits and completes, the manager closes."""

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.coverage.choices import CoverageReason
from aftersales.coverage.decision import add_months
from aftersales.customers.models import Contact, Customer
from aftersales.demo import data
from aftersales.demo.money import quote_on_visit
from aftersales.demo.plan import (
    CHANNELS,
    ORDER_PLAN,
    OVERRIDE_REASONS,
    PRIORITIES,
    QUOTED_KINDS,
    RESOLUTION_FOR_KIND,
    WAIT_REASONS,
    K,
    S,
    W,
)
from aftersales.demo.signature import signature_png
from aftersales.demo.story import happened_at
from aftersales.installed_base.models import Unit
from aftersales.money.conf import payment_terms_days
from aftersales.service import services
from aftersales.service.choices import OldParts, OrderStatus, Priority, Resolution
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.sla import deadlines_for

# The demo clock's value for a step that answers the call: its time is the order's response, drawn once
# every order is walked (``DemoLoader.settle_response_times``).
RESPONDED = "responded"
Clock = datetime.datetime | str | None
# A planned order: received, status, kind, extra, centre code, resolution, the showcase customer's.
Row = tuple[datetime.datetime, str, str, str, str, str, bool]
# Repairs out of warranty in 上海 quoted on their visit and then finished: finance invoices them.
QUOTED_REPAIRS = 3
# Working hours of the desk and the technicians on the demo's story (local time): calls are taken, visits
# start and end in them (a visit starts by LAST_ARRIVAL, an hour's work at least before closing).
OPENS, LAST_ARRIVAL, CLOSES = datetime.time(8, 30), datetime.time(17, 30), datetime.time(18, 30)
VISIT_AFTER = datetime.timedelta(hours=2)  # the first visit comes two hours after the call at the earliest
# The statuses an order reaches after a visit.
VISITED = (OrderStatus.ON_SITE, OrderStatus.WAITING, OrderStatus.COMPLETED, OrderStatus.CLOSED)


class OrdersMixin:
    """The order-making half of ``DemoLoader`` (which provides the centres, staff and customers)."""

    rng: random.Random
    now: datetime.datetime
    today: datetime.date
    customers: dict[str, list[Customer]]
    staff: dict[str, User]
    # When the step the demo is walking happened: the order events the services write meanwhile are dated
    # then (``DemoLoader.settle_event_times``); None leaves them at the moment of loading.
    clock: Clock
    quoted_lines: int
    quoted_orders: int
    showcase_rng: random.Random

    def desk(self, code: str, role: str) -> User:
        raise NotImplementedError

    def technicians(self, code: str) -> list[User]:
        raise NotImplementedError

    def received_at(self, *, timing: str, kind: str, resolution: str, visited: bool) -> datetime.datetime:
        """When the call came in, in the office's hours (``visited``: early enough for a visit by now)."""
        if timing == "risk":
            for days_back in range(1, 40):
                candidate = self.business_time(days_back)
                deadlines = deadlines_for(kind=kind, resolution=resolution, received_at=candidate)
                if deadlines.at_risk_at <= self.now < deadlines.due_at and self.room_for_visit(candidate, visited):
                    return candidate
            timing = "recent"
        if timing == "old":
            return self.business_time(self.rng.randint(18, 45))
        if timing == "week":
            return self.business_time(self.rng.randint(4, 9))
        received = self.office_hours_before(self.now - datetime.timedelta(minutes=self.rng.randint(20, 2 * 24 * 60)))
        while not self.room_for_visit(received, visited):
            received -= datetime.timedelta(days=1)
        return received

    def room_for_visit(self, received: datetime.datetime, visited: bool) -> bool:
        """A technician can have arrived (two hours after the call at the earliest) by now, in working hours."""
        return not visited or received + VISIT_AFTER <= self.latest_arrival()

    def office_hours_before(self, moment: datetime.datetime) -> datetime.datetime:
        """``moment`` if it falls in working hours, else a time of the working hours before it (the same
        day's after closing, the day before's before opening): calls come in while the desk is staffed."""
        local = timezone.localtime(moment)
        if OPENS <= local.time() <= CLOSES:
            return moment
        day = local.date() if local.time() > CLOSES else local.date() - datetime.timedelta(days=1)
        return self.on(day, OPENS) + datetime.timedelta(minutes=(local.hour * 60 + local.minute) % 600)

    def latest_arrival(self) -> datetime.datetime:
        """The last moment a technician may have arrived by now: five minutes ago, within working hours
        (the day's last arrival leaves an hour's work before closing)."""
        local = timezone.localtime(self.now - datetime.timedelta(minutes=5))
        if local.time() < OPENS:
            return self.on(local.date() - datetime.timedelta(days=1), LAST_ARRIVAL)
        return min(local, self.on(local.date(), LAST_ARRIVAL))

    @staticmethod
    def on(day: datetime.date, time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def closing_time(self, arrived: datetime.datetime) -> datetime.datetime:
        """When the technician leaves at the latest: the working day's end, and not after now."""
        return min(self.on(timezone.localtime(arrived).date(), CLOSES), self.now)

    def business_time(self, days_back: int) -> datetime.datetime:
        """A call between 08:30 and 17:00 local time ``days_back`` days ago (never in the future)."""
        local = timezone.localtime(self.now) - datetime.timedelta(days=days_back)
        minute = self.rng.randint(8 * 60 + 30, 17 * 60)
        return min(local.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0), self.now)

    def pick_unit(
        self, *, code: str, kind: str, received: datetime.datetime, expired: bool = False
    ) -> tuple[Customer, Unit | None]:
        """A customer of the centre and one of its units registered by the time of the call (so bought by
        then: a call about a unit not yet sold is not covered, coverage's ``before_sale``), none for some
        consultations. ``expired``: a unit out of warranty by the day of the call (a repair to quote)."""
        # The showcase customer is left for the example script.
        customers = [c for c in self.customers[code] if c.name != data.SHOWCASE_CUSTOMER]
        day = timezone.localtime(received).date()
        while True:
            customer = self.rng.choice(customers)
            units = [
                u
                for u in customer.units.select_related("product_model", "site").order_by("id")
                if u.created_at <= received
                and (
                    not expired
                    or (u.purchase_date and add_months(u.purchase_date, u.product_model.warranty_months) < day)
                )
            ]
            if units:
                break
        if kind == K.CONSULTATION and self.rng.random() < 0.4:
            return customer, None
        if kind == K.INSTALLATION:
            units.sort(key=lambda u: u.purchase_date or self.today, reverse=True)
            return customer, units[0]
        return customer, self.rng.choice(units)

    def describe(self, *, kind: str, unit: Unit | None) -> tuple[str, tuple[str, str, str, str]]:
        category = unit.product_model.category if unit else self.rng.choice(list(data.FAULTS))
        fault = self.rng.choice(data.FAULTS[category])
        texts = {
            K.INSTALLATION: data.INSTALL_TEXTS,
            K.MAINTENANCE: data.MAINTENANCE_TEXTS,
            K.COMPLAINT: data.COMPLAINT_TEXTS,
            K.EXCHANGE: data.EXCHANGE_TEXTS,
            K.RETURN_TO_FACTORY: data.RETURN_TEXTS,
        }
        if kind in texts:
            return self.rng.choice(texts[kind]), fault
        return fault[0], fault

    def open_orders(self) -> None:
        codes = ["SH"] * 30 + ["BJ"] * 18 + ["GZ"] * 12
        self.rng.shuffle(codes)
        plan = list(ORDER_PLAN)
        self.rng.shuffle(plan)
        # Newest calls get the highest numbers: open in order of receipt.
        rows: list[Row] = []
        for (status, kind, extra, timing), code in zip(plan, codes, strict=True):
            resolution = RESOLUTION_FOR_KIND.get(kind, Resolution.ON_SITE)
            if kind == K.REPAIR and self.rng.random() < 0.15:
                resolution = Resolution.REMOTE if status in (S.NEW, S.ACCEPTED) else Resolution.ON_SITE
            visited = status in VISITED or (status == S.CANCELLED and extra == S.WAITING)
            received = self.received_at(timing=timing, kind=kind, resolution=resolution, visited=visited)
            rows.append((received, status, kind, extra, code, resolution, False))
        rows = self.first_quoted_repair_overdue(rows)
        rows += self.showcase_rows()
        rows.sort(key=lambda row: row[0])
        extras = {"override": False, "extend": False, "misuse": False, "reassign": False, "helper": False}
        for received, status, kind, extra, code, resolution, showcase in rows:
            with self.showcase_dice(showcase):
                self.make_order(
                    received=received,
                    status=status,
                    kind=kind,
                    extra=extra,
                    code=code,
                    resolution=resolution,
                    # The showcase's own orders take none of the once-in-the-demo turns (override, misuse, ...).
                    extras=dict.fromkeys(extras, True) if showcase else extras,
                    showcase=showcase,
                )
        self.clock = None

    def first_quoted_repair_overdue(self, rows: list[Row]) -> list[Row]:
        """上海's oldest repair done (the first quoted, ``make_order``) received at least the payment terms
        and ten days ago, at its time of day: finance invoices it the day after its work ended, so its
        invoice is overdue in the receivables whatever the day and hour the demo is loaded. (A test run at
        2026-12-07 17:47 local found the oldest 31 days old: invoiced 29 days ago, due tomorrow.)"""
        candidates = [
            n
            for n, (_received, status, kind, _extra, code, _resolution, _showcase) in enumerate(rows)
            if code == "SH" and kind in QUOTED_KINDS and status in (S.COMPLETED, S.CLOSED)
        ]
        if not candidates:
            return rows
        oldest = min(candidates, key=lambda n: rows[n][0])
        received = rows[oldest][0]
        age = (timezone.localdate(self.now) - timezone.localdate(received)).days
        wanted = payment_terms_days() + 10
        if age < wanted:
            rows[oldest] = (received - datetime.timedelta(days=wanted - age), *rows[oldest][1:])
        return rows

    @contextmanager
    def showcase_dice(self, showcase: bool = True) -> Iterator[None]:
        """The showcase's orders throw their own dice: the plan's orders come out as they did without them."""
        if not showcase:
            yield
            return
        kept, self.rng = self.rng, self.showcase_rng
        try:
            yield
        finally:
            self.rng = kept

    def showcase_rows(self) -> list[Row]:
        """The showcase customer's own history, so its contact's portal (docs/demo.md) has orders to show: a
        repair of its unit in warranty closed weeks ago with a signed visit, and a maintenance of the other
        unit dispatched yesterday (still open)."""
        with self.showcase_dice():
            closed, open_ = self.business_time(30), self.business_time(1)
        return [
            (closed, S.CLOSED, K.REPAIR, "", "SH", Resolution.ON_SITE, True),
            (open_, S.DISPATCHED, K.MAINTENANCE, "", "SH", Resolution.ON_SITE, True),
        ]

    def showcase_unit(self, *, kind: str) -> tuple[Customer, Unit]:
        """The showcase customer's unit in warranty for a repair, the other one for anything else."""
        customer = next(c for c in self.customers["SH"] if c.name == data.SHOWCASE_CUSTOMER)
        units = list(customer.units.select_related("product_model", "site").order_by("-purchase_date"))
        return customer, units[0] if kind == K.REPAIR else units[-1]

    def make_order(
        self,
        *,
        received: datetime.datetime,
        status: str,
        kind: str,
        extra: str,
        code: str,
        resolution: str,
        extras: dict[str, bool],
        showcase: bool = False,
    ) -> None:
        agent, dispatcher, manager = (self.desk(code, r) for r in ("agent", "dispatcher", "manager"))
        # 上海's first repairs done are on units out of warranty: quoted on their visit, invoiced once done.
        to_quote = (
            code == "SH"
            and kind in QUOTED_KINDS
            and status in (S.COMPLETED, S.CLOSED)
            and self.quoted_orders < QUOTED_REPAIRS
        )
        picked = (
            self.showcase_unit(kind=kind)
            if showcase
            else self.pick_unit(code=code, kind=kind, received=received, expired=to_quote)
        )
        customer, unit = picked
        contact = self.rng.choice(list(Contact.objects.filter(customer=customer).order_by("id")))
        description, fault = self.describe(kind=kind, unit=unit)
        question, answer = self.rng.choice(data.CONSULTATIONS)
        close_now = status == S.CLOSED and kind == K.CONSULTATION
        self.clock = received
        # Closed on the call: its follow-ups are scheduled then (``happened_at``), as on any closing.
        with happened_at(received, now=self.now) if close_now else nullcontext():
            order = services.open_order(
                by=agent,
                kind=kind,
                customer=customer,
                contact=contact,
                unit=unit,
                reporter_name=contact.name,
                reporter_phone=contact.mobile,
                description=question if kind == K.CONSULTATION else description,
                consultation_answer=answer if close_now else "",
                close_now=close_now,
                channel=self.rng.choice(CHANNELS),
                resolution=resolution,
                priority=Priority.HIGH if kind == K.COMPLAINT else self.rng.choice(PRIORITIES),
                received_at=received,
            )
        if close_now or status == S.NEW:
            return
        if status == S.CANCELLED:
            self.cancel(order, reached=extra, code=code, received=received)
            return
        self.clock = RESPONDED  # the agent accepts, or the dispatcher assigns: that answers the call
        if status == S.ACCEPTED:
            services.transition_order(order, to=S.ACCEPTED, by=agent)
            return
        # Once in the demo, the manager covers an uncovered unit anyway (domain.md Warranty; issue #2 §4);
        # not a repair meant to be quoted and invoiced.
        if not extras["override"] and not to_quote and unit is not None and order.warranty_reason in OVERRIDE_REASONS:
            extras["override"] = True
            order = services.override_warranty(
                order, by=manager, covered=True, reason=OVERRIDE_REASONS[order.warranty_reason]
            )
        technician = self.technician_for(code)
        if status == S.ON_SITE and order.warranty_covered and not extras.get("own_on_site"):
            # The demo user `technician` has a job on site in warranty to try the phone's part picker on.
            mine = [t for t in self.technicians(code) if t.username == "technician"]
            if mine:
                technician, extras["own_on_site"] = mine[0], True
        helpers = []
        if not extras["helper"] and kind == K.INSTALLATION:
            extras["helper"] = True
            helpers = [t for t in self.technicians(code) if t != technician][:1]
        order = services.assign_technician(order, by=dispatcher, technician=technician, helpers=helpers)
        if status == S.DISPATCHED:
            if not extras["reassign"]:
                extras["reassign"] = True
                other = next(t for t in self.technicians(code) if t != technician)
                self.clock = min(received + datetime.timedelta(hours=3), self.now)
                services.assign_technician(
                    order, by=dispatcher, technician=other, reason="原技术人员临时外派，改派同区域技术人员。"
                )
            return
        arrived = self.visit_time(received)
        misuse = (
            not extras["misuse"]
            and status == S.CLOSED
            and kind == K.REPAIR
            and order.warranty_reason == CoverageReason.IN_WARRANTY
        )
        extras["misuse"] = extras["misuse"] or misuse
        self.clock = arrived
        visit = services.record_visit(
            order,
            by=technician,
            arrived_at=arrived,
            arrival_confirmed_by=order.reporter_name,
            diagnosis=fault[1] if kind != K.INSTALLATION else "",
        )
        if status == S.ON_SITE:
            return
        if to_quote and unit is not None and not order.warranty_covered:
            self.quoted_orders += 1
            quote_on_visit(self, order, arrived=arrived)
        needs_wait = status == S.WAITING or (status in (S.COMPLETED, S.CLOSED) and self.rng.random() < 0.3)
        if needs_wait:
            waiting_for = extra or (W.FACTORY if kind in (K.EXCHANGE, K.RETURN_TO_FACTORY) else W.PARTS)
            departed = min(arrived + datetime.timedelta(hours=2), self.closing_time(arrived))
            self.clock = departed
            services.update_visit(visit, by=technician, departed_at=departed)
            order = services.transition_order(
                order, to=S.WAITING, by=technician, waiting_for=waiting_for, reason=WAIT_REASONS[waiting_for]
            )
            if waiting_for == W.PARTS and not extras["extend"] and status == S.WAITING:
                extras["extend"] = True
                services.extend_due(
                    order, by=manager, working_days=5, reason="进口配件到货延迟，已电话告知客户并取得同意。"
                )
            if status == S.WAITING:
                return
            # The customer signs the diagnosis visit before the technician leaves to fetch the part: one
            # record open at a time, and every visit signed before completion (§6 1.3.6).
            self.sign(visit, technician=technician, at=departed)
            arrived = min(arrived + datetime.timedelta(days=self.rng.randint(2, 5)), self.latest_arrival())
            self.clock = arrived
            visit = services.record_visit(
                order, by=technician, arrived_at=arrived, arrival_confirmed_by=order.reporter_name
            )
        departed = self.finish_visit(
            visit, technician=technician, kind=kind, fault=fault, arrived=arrived, misuse=misuse
        )
        # Completed when the last visit ended (and closed the next day), not when the demo was loaded: the
        # month an order counts in (pay's figures, the reports) is the month its work was done, as the
        # received time is the call's.
        order = services.transition_order(order, to=S.COMPLETED, by=technician, at=departed)
        if status == S.CLOSED:
            self.clock = min(departed + datetime.timedelta(days=1), self.now)
            # Closed then, and the closing's follow-ups scheduled then (care, domain.md Follow-up).
            with happened_at(self.clock, now=self.now):
                services.transition_order(order, to=S.CLOSED, by=manager, at=self.clock)

    def cancel(self, order: ServiceOrder, *, reached: str, code: str, received: datetime.datetime) -> None:
        agent, dispatcher = self.desk(code, "agent"), self.desk(code, "dispatcher")
        last = received
        self.clock = RESPONDED
        if reached in (S.ACCEPTED, S.DISPATCHED, S.WAITING):
            order = services.transition_order(order, to=S.ACCEPTED, by=agent)
            last = received + datetime.timedelta(hours=2)  # after the response (at most 110 minutes)
        if reached in (S.DISPATCHED, S.WAITING):
            technician = self.technician_for(code)
            order = services.assign_technician(order, by=dispatcher, technician=technician)
            if reached == S.WAITING:
                last = self.clock = self.visit_time(received)
                services.record_visit(order, by=technician, arrived_at=last)
                order = services.transition_order(
                    order, to=S.WAITING, by=technician, waiting_for=W.CUSTOMER, reason=WAIT_REASONS[W.CUSTOMER]
                )
        by = dispatcher if reached in (S.DISPATCHED, S.WAITING) else agent
        # Called off a few hours after the last step.
        self.clock = min(last + datetime.timedelta(hours=3), self.now)
        services.transition_order(order, to=S.CANCELLED, by=by, reason=self.rng.choice(data.CANCEL_REASONS))

    def technician_for(self, code: str) -> User:
        """An equal share for every technician of the centre (the demo user `technician` is one)."""
        return self.rng.choice(self.technicians(code))

    def visit_time(self, received: datetime.datetime) -> datetime.datetime:
        """Arrival a few hours after the call (next morning for calls late in the day), in working hours
        (08:30–17:30, an hour's work at least before closing), never in the future."""
        arrived = received + datetime.timedelta(hours=self.rng.randint(2, 20), minutes=self.rng.randint(0, 59))
        local = timezone.localtime(arrived)
        if not OPENS <= local.time() <= LAST_ARRIVAL:
            day = local.date() if local.time() < OPENS else local.date() + datetime.timedelta(days=1)
            arrived = self.on(day, OPENS) + datetime.timedelta(minutes=local.minute)
        return min(arrived, self.latest_arrival())

    def finish_visit(
        self,
        visit: Visit,
        *,
        technician: User,
        kind: str,
        fault: tuple[str, str, str, str],
        arrived: datetime.datetime,
        misuse: bool,
    ) -> datetime.datetime:
        """Records the visit's work, the customer's rating and signature; returns when the technician left."""
        if kind == K.INSTALLATION:
            diagnosis, work, parts = "设备到货完好", "完成安装、试运行及操作培训，客户验收合格", ""
        elif kind == K.MAINTENANCE:
            diagnosis, work, parts = "设备运行正常，部分易损件到期", "完成保养：更换滤芯、检查紧固、清洁", "保养套件1套"
        elif kind == K.COMPLAINT:
            diagnosis, work, parts = "核实投诉情况属实", "上门致歉并复查设备，向客户说明处理结果", ""
        else:
            _problem, diagnosis, work, parts = fault
        if misuse:
            diagnosis = f"{diagnosis}；现场发现设备进水、外壳有撞击痕迹，属人为损坏"
        departed = min(arrived + datetime.timedelta(hours=self.rng.randint(1, 5)), self.closing_time(arrived))
        self.clock = departed
        services.update_visit(
            visit,
            by=technician,
            diagnosis=diagnosis,
            work_done=work,
            parts_replaced="" if parts in ("", "无") else parts,
            old_parts=OldParts.NONE if parts in ("", "无") else self.rng.choice(list(OldParts.values)[:2]),
            misuse_found=misuse,
            departed_at=departed,
            rating=self.rng.choice((5, 5, 5, 4, 4, 3)),
            customer_remarks=self.rng.choice(data.REMARKS),
        )
        self.sign(visit, technician=technician, at=departed, rng=self.rng)
        return departed

    def sign(self, visit: Visit, *, technician: User, at: datetime.datetime, rng: random.Random | None = None) -> None:
        """The customer's signature on ``visit`` as the technician left at ``at``. A signature of its own
        random source (``rng`` None) leaves the demo's sequence, and so the rest of the set, as it was."""
        signer = visit.order.reporter_name
        png = signature_png(rng or random.Random(visit.pk))
        image = SimpleUploadedFile(f"signature-{visit.pk}.png", png, content_type="image/png")
        services.sign_visit(visit, by=technician, signer_name=signer, image=image)
        # Signed as the technician left (the record's 签字时间), not when the demo was loaded: behind the
        # service's back, as the event times (sign_visit stamps the moment it is called).
        Visit.objects.filter(pk=visit.pk).update(signed_at=at)
