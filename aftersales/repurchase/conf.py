"""Sale and repurchase settings, read from ``settings.AFTERSALES`` with defaults."""

from django.conf import settings

from aftersales.repurchase.choices import Account

# The chart-of-accounts codes (企业会计准则 科目编码) of the accounts the entries use; an installation
# sets its own in AFTERSALES["REPURCHASE_ACCOUNT_CODES"] (only the ones that differ).
DEFAULT_ACCOUNT_CODES = {
    Account.CASH: "1001",  # 库存现金
    Account.BORROWINGS: "2501",  # 长期借款
    Account.LEASE_INCOME: "6051",  # 其他业务收入 (租赁收入)
    Account.REVENUE: "6001",  # 主营业务收入
    Account.COST_OF_SALES: "6401",  # 主营业务成本
    Account.INVENTORY: "1405",  # 库存商品
    Account.INTEREST: "6603",  # 财务费用 (利息费用)
}


def account_codes() -> dict[str, str]:
    configured = settings.AFTERSALES.get("REPURCHASE_ACCOUNT_CODES") or {}
    return {str(key): str(configured.get(str(key), code)) for key, code in DEFAULT_ACCOUNT_CODES.items()}


def remind_days() -> int:
    """How many days before the deadline the recorder is reminded to record the buy-back or lapse."""
    return int(str(settings.AFTERSALES.get("REPURCHASE_REMIND_DAYS", 30)))
