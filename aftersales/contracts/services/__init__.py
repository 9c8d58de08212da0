"""Writes of contracts: contracts and their plans, visits, the ledger, projects and their problem sheet."""

from aftersales.contracts.services.contracts import add_visit_plan, cancel_contract, create_contract
from aftersales.contracts.services.ledger import book_entry, release_deposit
from aftersales.contracts.services.projects import (
    add_problem,
    open_project,
    raise_problem_order,
    resolve_problem,
    sign_off_sheet,
)
from aftersales.contracts.services.visits import (
    generate_for_contract,
    generate_visits,
    open_visit_orders,
    run_visit_sweep,
)

__all__ = [
    "add_problem",
    "add_visit_plan",
    "book_entry",
    "cancel_contract",
    "create_contract",
    "generate_for_contract",
    "generate_visits",
    "open_project",
    "open_visit_orders",
    "raise_problem_order",
    "release_deposit",
    "resolve_problem",
    "run_visit_sweep",
    "sign_off_sheet",
]
