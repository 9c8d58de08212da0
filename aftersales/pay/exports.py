"""The payroll export of one pay run (``/exports/pay_statements.xlsx?run=<id>``): a row per statement."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import display, money
from aftersales.pay.permissions import runs_visible_to
from aftersales.pay.plan import read_plan

COLUMNS = (
    gettext_lazy("Month"),
    gettext_lazy("Centre"),
    gettext_lazy("Person"),
    gettext_lazy("Username"),
    gettext_lazy("Posts"),
    money(gettext_lazy("Base pay")),
    money(gettext_lazy("Performance pay")),
    money(gettext_lazy("Allowances")),
    money(gettext_lazy("Quarterly bonus")),
    money(gettext_lazy("Year-end award")),
    money(gettext_lazy("Adjustments")),
    money(gettext_lazy("Gross pay")),
    money(gettext_lazy("Held back")),
    money(gettext_lazy("Holdback released")),
    money(gettext_lazy("To pay")),
    gettext_lazy("Status"),
)


def statement_rows(*, user: User, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    raw = params.get("run") or ""
    if not str(raw).isdigit():
        raise ValidationFailed("invalid_filter", _("Give the pay run: ?run=<id>."), field="run")
    run = runs_visible_to(user).select_related("service_center", "plan").filter(pk=int(raw)).first()
    if run is None:
        raise NotFoundError("not_found", _("No such pay run."))

    posts = read_plan(run.plan.document).posts

    def rows() -> Iterator[list[Any]]:
        for s in run.statements.select_related("user").order_by("user__username"):
            yield [
                f"{run.period:%Y-%m}",
                run.service_center.name,
                s.user.get_full_name() or s.user.username,
                s.user.username,
                "、".join(posts[code].label if code in posts else code for code in s.posts),
                s.base,
                s.performance,
                s.allowances,
                s.quarterly,
                s.year_end,
                s.adjustments,
                s.gross,
                s.holdback,
                s.release,
                s.net,
                display(run, "status"),
            ]

    return ExportRows(rows=rows(), filters={"run": run.pk})
