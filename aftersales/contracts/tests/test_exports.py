"""The contract ledger export (contracts/exports.py): the contract list's tab in the reader's scope, with
each contract's state on the day, its units and its money as Decimal; a bad tab answers 400."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.contracts import services
from aftersales.contracts.tests.factories import make_contract, make_customer
from aftersales.installed_base.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
URL = reverse("exchange:export", kwargs={"kind": "contracts", "fmt": "xlsx"})


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(client, **params):
    answer = client.get(URL, params)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


@pytest.fixture
def contracts(users, centre, other_centre):
    manager = users[Role.MANAGER]
    today = timezone.localdate()
    live = make_contract(by=manager, centre=centre, starts_on=today, ends_on=today + datetime.timedelta(days=300))
    services.cancel_contract(
        make_contract(by=manager, centre=centre, starts_on=today, ends_on=today), by=manager, reason="客户取消"
    )
    elsewhere = make_contract(by=UserFactory(role=Role.MANAGER, service_center=other_centre), centre=other_centre)
    return {"live": live, "elsewhere": elsewhere}


def test_the_ledger_is_the_tabs_contracts_in_scope_with_money_as_decimal(users, contracts):
    client = _client(users[Role.MANAGER])

    page = client.get(reverse("contracts:contract_list"), {"state": "active"}).content.decode()
    [row] = _rows(client, state="active")
    everything = _rows(client)

    assert 'href="/exports/contracts.xlsx?state=active"' in page
    assert row[0] == contracts["live"].number and row[7] == "生效中" and row[8] == 1
    assert (Decimal(str(row[9])), Decimal(str(row[11]))) == (Decimal("12000.00"), Decimal("5000.00"))
    assert len(everything) == 2  # the cancelled one too; not the other centre's
    assert contracts["elsewhere"].number not in {r[0] for r in everything}


def test_an_unknown_tab_answers_400_naming_it(users, contracts):
    answer = _client(users[Role.MANAGER]).get(URL, {"state": "soon"})

    assert answer.status_code == 400 and "soon" in answer.content.decode()


def test_roles_without_contracts_export_nothing(users, contracts):
    assert _client(users[Role.TECHNICIAN]).get(URL).status_code == 403


def test_the_ledgers_queries_do_not_grow_with_its_rows(users, centre, contracts):
    client = _client(users[Role.MANAGER])
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    for _ in range(3):
        customer = make_customer(centre)
        units = [UnitFactory(customer=customer), UnitFactory(customer=customer)]
        make_contract(by=users[Role.MANAGER], centre=centre, customer=customer, units=units)
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client)

    assert len(rows) == 5
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- the projects ----------------------------------------------------------------------------------
PROJECTS = reverse("exchange:export", kwargs={"kind": "projects", "fmt": "xlsx"})


def _project(by, centre, name):
    return services.open_project(
        by=by,
        customer=make_customer(centre),
        name=name,
        accepted_on=timezone.localdate(),
        project_manager=by,
        development_manager=UserFactory(role=Role.TECHNICIAN, service_center=centre),
    )


def _project_rows(client):
    answer = client.get(PROJECTS)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


def test_the_project_export_is_the_lists_projects_in_scope_with_their_problems(users, centre, other_centre):
    manager = users[Role.MANAGER]
    project = _project(manager, centre, "二期产线")
    services.add_problem(by=manager, project=project, reporter="客户", description="噪音大", owner=manager)
    _project(UserFactory(role=Role.MANAGER, service_center=other_centre), other_centre, "北京项目")
    client = _client(manager)

    page = client.get(reverse("contracts:project_list")).content.decode()
    [row] = _project_rows(client)  # not the other centre's

    assert 'href="/exports/projects.xlsx"' in page
    assert (row[0], row[1], row[3], row[8], row[9]) == (project.number, "二期产线", centre.name, 1, 1)
    assert row[5].date() == project.accepted_on and row[10] is None


def test_roles_without_contracts_export_no_projects(users):
    assert _client(users[Role.TECHNICIAN]).get(PROJECTS).status_code == 403


def test_the_project_exports_queries_do_not_grow_with_its_rows(users, centre):
    manager = users[Role.MANAGER]
    client = _client(manager)
    _project(manager, centre, "一期")
    with CaptureQueriesContext(connection) as few:
        _project_rows(client)
    for n in range(4):
        _project(manager, centre, f"第{n}期")
    with CaptureQueriesContext(connection) as many:
        rows = _project_rows(client)

    assert len(rows) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
