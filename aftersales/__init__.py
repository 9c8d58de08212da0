"""AfterSales: after-sales service management (售后服务管理系统)."""

from aftersales.celery import app as celery_app

__all__ = ["celery_app"]
