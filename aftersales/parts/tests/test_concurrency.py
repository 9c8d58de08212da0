"""Never negative under concurrent use (issue 9): 20 rounds of two, and of eight, technicians taking
the last unit of a part at once — exactly one wins each round, the others get 409
``insufficient_stock`` with nothing written, and the stock never goes below zero.

Proved on PostgreSQL (row locks; the conditional UPDATE re-checks its WHERE on the committed row)
and on SQLite, where ``SELECT … FOR UPDATE`` does nothing: each thread has its own connection to a
file database (the in-memory test database is copied to a file for the race)."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError
from aftersales.core.tests.threads import run_together
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.parts.choices import OldPartFate
from aftersales.parts.models import Stock, StockMove, VisitPart
from aftersales.parts.services.stock import receive_stock
from aftersales.parts.services.visits import IssueLine, use_parts
from aftersales.parts.tests.factories import PartFactory, store
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.services import assign_technician, record_visit
from aftersales.service.tests.factories import make_order

ROUNDS = 20
pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def on_file_database(tmp_path: Path) -> Iterator[None]:
    """SQLite only: copy the in-memory test database to a file and point every new connection (the
    race's threads, and this thread's) at it, so that each thread really has its own connection."""
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original_settings = connections.settings["default"]
    original_connection = connections["default"]
    connections.settings["default"] = {**original_settings, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original_settings
        connections["default"] = original_connection


def _jobs(centre: Any, clients: int) -> list[tuple[Any, int]]:
    """One technician, order and visit per client (made once; every round reuses them)."""
    dispatcher = UserFactory(role=Role.DISPATCHER, service_center=centre)
    jobs = []
    for _ in range(clients):
        technician = UserFactory(role=Role.TECHNICIAN, service_center=centre)
        order = make_order(customer=CustomerFactory(service_center=centre))
        assign_technician(order, by=dispatcher, technician=technician)
        visit = record_visit(ServiceOrder.objects.get(pk=order.pk), by=technician)
        jobs.append((technician, visit.pk))
    return jobs


def _race(centre: Any, clients: int, *, tmp_path: Path) -> None:
    keeper = UserFactory(role=Role.PARTS_KEEPER, service_center=centre)
    shop = store(centre)
    part = PartFactory()
    jobs = _jobs(centre, clients)

    def take(technician: Any, visit_id: int) -> Any:
        visit = Visit.objects.select_related("order").get(pk=visit_id)
        line = IssueLine(part=part, quantity=1, location=shop, old_part_fate=OldPartFate.SCRAPPED)
        return use_parts(by=technician, visit=visit, lines=[line])

    context = on_file_database(tmp_path) if connection.vendor == "sqlite" else _nothing()
    with context:
        for round_ in range(ROUNDS):
            receive_stock(by=keeper, location=shop, part=part, quantity=1)

            results = run_together(*(lambda t=t, v=v: take(t, v) for t, v in jobs))

            winners = [r for r in results if isinstance(r, list)]
            losers = [r for r in results if isinstance(r, ConflictError)]
            assert len(winners) == 1 and len(losers) == clients - 1, (round_, results)
            assert {e.code for e in losers} == {"insufficient_stock"}
            stock = Stock.objects.get(location=shop, part=part)
            assert stock.on_hand == 0 and stock.reserved == 0
        assert VisitPart.objects.count() == ROUNDS
        assert StockMove.objects.filter(kind="issue").count() == ROUNDS
        assert sum(m.on_hand_delta for m in StockMove.objects.filter(part=part)) == 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield


@pytest.mark.parametrize("clients", [2, 8])
def test_clients_taking_the_last_unit_one_wins_each_round(centre, clients, tmp_path):
    _race(centre, clients, tmp_path=tmp_path)
