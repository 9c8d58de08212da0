"""The demo's contracts (issue 13): three maintenance contracts of 上海 customers with monthly visits
and quarterly inspections on the working-day calendar (the past ones done but one missed, which
blocks its deposit's release), the next visit's service order opened, fees and deposits received on
the ledger, one deposit released; two implementation projects, one with its problem sheet signed off.

Everything goes through contracts' services, after the orders and care exist (``DemoLoader.load``);
only the past visits are marked done behind the services' back (their orders would be history)."""

import datetime

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.services import system_actor
from aftersales.care.models import Complaint
from aftersales.contracts import services
from aftersales.contracts.choices import VisitStatus
from aftersales.contracts.models import Contract, ContractVisit
from aftersales.contracts.services.visits import open_visit_orders
from aftersales.coverage.decision import add_months
from aftersales.customers.models import Customer
from aftersales.demo.story import happened_at
from aftersales.installed_base.models import Unit

CHECKLIST = "检查油位与滤芯\n紧固电气接线\n记录运行小时数\n清洁散热器"
CONTRACTS = (
    # title, months before today it started, price, billing, deposit
    ("空压站年度维保合同", 10, "36000.00", "quarterly", "8000.00"),
    ("生产线设备年度维保合同", 11, "18000.00", "yearly", "5000.00"),
    ("冷水机组维保合同", 11, "24000.00", "monthly", "6000.00"),
)


def _customers_with_units(limit: int) -> list[tuple[Customer, list[Unit]]]:
    found = []
    for customer in Customer.objects.filter(service_center__code="SH").prefetch_related("contacts").order_by("pk"):
        units = list(Unit.objects.filter(customer=customer).order_by("pk")[:2])
        if units and customer.contacts.all() and not Complaint.objects.filter(customer=customer).exists():
            found.append((customer, units))
        if len(found) == limit:
            break
    return found


def _day_at(day: datetime.date, *, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _create(
    manager: User,
    title: str,
    customer: Customer,
    units: list[Unit],
    starts: datetime.date,
    price: str,
    billing: str,
    deposit: str,
    today: datetime.date,
    made: int,
) -> Contract:
    return services.create_contract(
        by=manager,
        customer=customer,
        contact=customer.contacts.all()[0],
        title=title,
        starts_on=starts,
        ends_on=add_months(starts, 12) - datetime.timedelta(days=1),
        units=units,
        price=price,
        billing=billing,
        deposit_amount=deposit,
        deposit_release_on=today - datetime.timedelta(days=3),
        labour_percent=100,
        parts_percent=50 if made == 1 else 100,
        response_hours=4,
        account_owner=manager,
    )


def load_contracts(*, staff: dict[str, User], now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    manager, finance = staff["manager"], staff["finance"]
    technician = next(u for u in staff.values() if u.role == "technician" and u.service_center.code == "SH")
    contracts: list[Contract] = []
    for (title, months_ago, price, billing, deposit), (customer, units) in zip(
        CONTRACTS, _customers_with_units(len(CONTRACTS)), strict=False
    ):
        # The monthly visit falls on the start day's date: two days from now, so the next one is due soon.
        starts = add_months(today + datetime.timedelta(days=2), -months_ago)
        # Signed a week before it starts: the fees it expects are entered on its ledger then.
        signed = _day_at(starts - datetime.timedelta(days=7), hour=10)
        with happened_at(signed, now=now):
            contract = _create(manager, title, customer, units, starts, price, billing, deposit, today, len(contracts))
            services.add_visit_plan(contract, by=manager, kind="monthly", technician=technician, checklist=CHECKLIST)
            services.add_visit_plan(
                contract, by=manager, kind="quarterly", checklist="全面巡检\n安全阀校验\n出具巡检报告"
            )
        contracts.append(contract)
    # The past visits were made; one of the first contract's was missed (its deposit stays blocked).
    # Done on the day each was due (not at load time), behind the services' back like their orders.
    past = list(ContractVisit.objects.filter(due_on__lt=today - datetime.timedelta(days=7)))
    for visit in past:
        visit.status, visit.done_at = VisitStatus.DONE, _day_at(visit.due_on, hour=14)
    ContractVisit.objects.bulk_update(past, ["status", "done_at"])
    if contracts:
        missed = contracts[0].visits.filter(due_on__lt=today - datetime.timedelta(days=7)).order_by("-due_on").first()
        if missed is not None:
            ContractVisit.objects.filter(pk=missed.pk).update(status=VisitStatus.MISSED, done_at=None)
    # The next monthly visit of each contract has its service order (the scheduler opens it ahead).
    scheduler = system_actor("scheduler")
    for contract in contracts:
        upcoming = contract.visits.filter(plan__kind="monthly", due_on__gte=today).order_by("due_on").first()
        if upcoming is not None:
            open_visit_orders(by=scheduler, today=upcoming.due_on, contract=contract)
    # Money received when it came in, each entry then: the deposit on the start day, each fee five days
    # after it fell due (the latest not yet), in the order they came, so the ledger reads in time order.
    for contract in contracts:
        with happened_at(_day_at(contract.starts_on, hour=11), now=now):
            services.book_entry(
                contract,
                by=finance,
                account="deposit",
                kind="received",
                amount=str(contract.deposit_amount),
                memo="质保金到账",
            )
        fees = list(contract.entries.filter(account="fee", due_on__lte=today).order_by("due_on", "id"))
        for entry in fees[: max(len(fees) - 1, 1)]:
            fell_due = entry.due_on or contract.starts_on  # every expected fee has its day (filtered above)
            with happened_at(_day_at(fell_due + datetime.timedelta(days=5), hour=11), now=now):
                services.book_entry(
                    contract, by=finance, account="fee", kind="received", amount=str(entry.amount), memo="银行转账"
                )
    if len(contracts) > 1:
        services.release_deposit(contracts[1], by=finance)
    _load_projects(staff=staff, contracts=contracts, now=now)
    return len(contracts)


def _load_projects(*, staff: dict[str, User], contracts: list[Contract], now: datetime.datetime) -> None:
    """Each project opened on the day it was accepted, its problems reported and resolved in the days
    after, the older one's sheet signed off weeks ago: not all at load time."""
    if not contracts:
        return
    today = timezone.localtime(now).date()
    manager, agent = staff["manager"], staff["agent"]
    pm, dm = (
        staff["dispatcher"],
        next(u for u in staff.values() if u.role == "technician" and u.service_center.code == "SH"),
    )

    def days_ago(days: int, hour: int = 10) -> datetime.datetime:
        return _day_at(today - datetime.timedelta(days=days), hour=hour)

    with happened_at(days_ago(20, hour=16), now=now):
        open_one = services.open_project(
            by=manager,
            customer=contracts[0].customer,
            name="智能仓储系统实施项目",
            accepted_on=today - datetime.timedelta(days=20),
            project_manager=pm,
            development_manager=dm,
            contract=contracts[0],
        )
    for ago, (reporter, text, severity) in zip(
        (18, 15, 12),
        (
            ("仓库主管 王工", "入库扫码偶尔重复记账", "high"),
            ("IT 李工", "报表导出超过一万行时超时", "normal"),
            ("仓库主管 王工", "拣货单打印字体偏小", "low"),
        ),
        strict=True,
    ):
        with happened_at(days_ago(ago), now=now):
            services.add_problem(open_one, by=agent, reporter=reporter, description=text, severity=severity)
    first, second, _third = open_one.problems.order_by("id")
    with happened_at(days_ago(14), now=now):
        services.resolve_problem(first, by=agent, resolution="修复扫码去重逻辑，已现场验证")
    with happened_at(days_ago(8), now=now):
        services.resolve_problem(second, by=agent, resolution="导出改为后台任务，完成后通知下载")
    with happened_at(days_ago(60, hour=16), now=now):
        signed = services.open_project(
            by=manager,
            customer=contracts[-1].customer,
            name="冷站群控系统改造",
            accepted_on=today - datetime.timedelta(days=60),
            project_manager=pm,
            development_manager=dm,
        )
    with happened_at(days_ago(57), now=now):
        problem = services.add_problem(signed, by=agent, reporter="动力科 张工", description="夜间模式切换延迟")
    with happened_at(days_ago(52), now=now):
        services.resolve_problem(problem, by=agent, resolution="调整切换阈值与延时参数")
    with happened_at(days_ago(45), now=now):
        services.sign_off_sheet(signed, by=agent, signed_by="张工", note="问题均已解决，同意验收")
    with happened_at(days_ago(5, hour=16), now=now):
        fresh = services.open_project(
            by=manager,
            customer=contracts[0].customer,
            name="门禁与访客系统升级",
            accepted_on=today - datetime.timedelta(days=5),
            project_manager=dm,
            development_manager=pm,
        )
    with happened_at(days_ago(2), now=now):
        services.add_problem(
            fresh, by=agent, reporter="行政部 刘女士", description="访客二维码在部分安卓手机上无法识别"
        )
