"""The REST API at /api/v1/: one NinjaAPI, one router per context, one error shape."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="AfterSales API",
    version="1.0.0",
    description="售后服务管理系统 REST API. Errors are JSON `{\"code\", \"detail\"}`; see docs/errors.md.",
    urls_namespace="api",
)
