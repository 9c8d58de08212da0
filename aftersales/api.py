"""The REST API at /api/v1/: one NinjaAPI, one router per context, one error shape."""

from aftersales.accounts.api import router as accounts_router
from aftersales.accounts.auth import AUTH, docs_need_sign_in
from aftersales.care.api import router as care_router
from aftersales.catalog.api import router as catalog_router
from aftersales.contracts.api import router as contracts_router
from aftersales.core.api import DocumentedAPI, install_error_handlers
from aftersales.core.renderers import LocalTimeRenderer
from aftersales.coverage.api import router as coverage_router
from aftersales.customers.api import router as customers_router
from aftersales.devices.api import router as devices_router
from aftersales.exchange.api import router as exchange_router
from aftersales.history.api import router as history_router
from aftersales.installed_base.api import router as units_router
from aftersales.money.api import router as money_router
from aftersales.notifications.api import router as notifications_router
from aftersales.parts.api import router as parts_router
from aftersales.parts.api_suppliers import router as parts_suppliers_router
from aftersales.parts.api_work import router as parts_work_router
from aftersales.pay.api import router as pay_router
from aftersales.quality.api import router as quality_router
from aftersales.reports.api import router as reports_router
from aftersales.repurchase.api import router as repurchase_router
from aftersales.service.api import router as service_router
from aftersales.service.api_due_moves import router as due_moves_router
from aftersales.workforce.api import router as workforce_router

api = DocumentedAPI(
    title="AfterSales API",
    version="1.0.0",
    description=(
        "售后服务管理系统 REST API. Authenticate with `POST /auth/token` and send `Authorization: Bearer <token>`, "
        'or use the browser session. Errors are JSON `{"code", "detail"}` (see docs/errors.md). '
        "Lists use keyset paging: pass `next_cursor` back as `cursor`. `POST` creates, `extend-due`, `assign` and photo uploads honour `Idempotency-Key`."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs_decorator=docs_need_sign_in,
    renderer=LocalTimeRenderer(),  # every time as +08:00 (core/renderers.py)
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", customers_router)
api.add_router("", catalog_router)
api.add_router("", units_router)
api.add_router("", coverage_router)
api.add_router("", due_moves_router)
api.add_router("", service_router)
api.add_router("", money_router)
api.add_router("", parts_router)
api.add_router("", parts_work_router)
api.add_router("", parts_suppliers_router)
api.add_router("", exchange_router)
api.add_router("", history_router)
api.add_router("", notifications_router)
api.add_router("", pay_router)
api.add_router("", workforce_router)
api.add_router("", devices_router)
api.add_router("", care_router)
api.add_router("", contracts_router)
api.add_router("", repurchase_router)
api.add_router("", quality_router)
api.add_router("", reports_router)
