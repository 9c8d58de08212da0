"""The demo's pay: the source's plan, a pay profile for the after-sales staff of each centre, last
month's pay of 上海 approved (its adviser's coefficient entered), 北京's reviewed, and this month's
上海 run as a draft. Through the pay services, by the roles that would do it."""

import datetime

from aftersales.accounts.models import ServiceCenter, User
from aftersales.pay import services

# username: (education, posts, joined on, allowances); the source's codes (pay/default_plan.py).
PROFILES: dict[str, tuple[str, list[str], datetime.date, list[str]]] = {
    "agent": ("bachelor", ["service_adviser"], datetime.date(2016, 3, 1), []),
    "dispatcher": ("college", ["front_desk_adviser"], datetime.date(2021, 7, 1), []),
    "technician": ("secondary", ["mechanic"], datetime.date(2012, 5, 1), ["chief_mechanic_1"]),
    "tech_sh2": ("secondary", ["mechanic"], datetime.date(2019, 9, 1), ["chief_mechanic_3"]),
    "tech_sh3": ("college", ["mechanic"], datetime.date(2024, 8, 1), []),
    "manager": ("bachelor", ["service_manager"], datetime.date(2010, 4, 1), []),
    "parts": ("bachelor", ["parts_supervisor", "storekeeper"], datetime.date(2015, 11, 1), []),
    "agent_bj": ("bachelor", ["service_adviser"], datetime.date(2022, 2, 1), []),
    "dispatcher_bj": ("postgraduate", ["front_desk_assistant"], datetime.date(2025, 3, 1), []),
    "manager_bj": ("postgraduate", ["service_manager"], datetime.date(2013, 6, 1), []),
    "tech_bj1": ("secondary", ["mechanic"], datetime.date(2018, 4, 1), ["chief_mechanic_2"]),
}


def load_pay(*, staff: dict[str, User], centres: dict[str, ServiceCenter], today: datetime.date) -> int:
    """Returns the number of statements made."""
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    services.load_default_plan(by=staff["finance"], effective_from=last_month.replace(month=1))
    for username, (education, posts, joined_on, allowances) in PROFILES.items():
        user = staff[username]
        manager = staff["manager" if user.service_center_id == centres["SH"].pk else "manager_bj"]
        services.set_profile(
            by=manager, user=user, education=education, posts=posts, joined_on=joined_on, allowances=allowances
        )
    made = 0
    sh = services.create_run(by=staff["manager"], centre=centres["SH"], period=last_month)
    adviser = sh.statements.get(user=staff["agent"])
    services.enter_statement(by=staff["manager"], statement=adviser, coefficients={"service_adviser": "1.2"})
    services.transition_run(by=staff["manager"], run=sh, to="reviewed")
    services.transition_run(by=staff["finance"], run=sh, to="approved")
    bj = services.create_run(by=staff["manager_bj"], centre=centres["BJ"], period=last_month)
    services.transition_run(by=staff["manager_bj"], run=bj, to="reviewed")
    current = services.create_run(by=staff["manager"], centre=centres["SH"], period=this_month)
    for run in (sh, bj, current):
        made += run.statements.count()
    return made
