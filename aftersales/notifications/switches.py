"""Which kinds of customer SMS the company sends (``CustomerSmsSwitch``, settings → 客户短信), read on
every order opened: kept in the shared cache."""

from django.core.cache import cache

from aftersales.notifications.models import CustomerSmsSwitch

SWITCHES_CACHE_KEY = "notifications:customer-sms-off"
# Every order opened reads the switches: kept in the shared cache, forgotten when one is switched
# (``services.switch_customer_sms``); another process may go on with the old state this long at most.
SWITCHES_CACHE_SECONDS = 60


def kinds_switched_off() -> frozenset[str]:
    """The kinds an administrator switched off, from the cache when it has them."""
    off = cache.get(SWITCHES_CACHE_KEY)
    if off is None:
        off = frozenset(CustomerSmsSwitch.objects.filter(enabled=False).values_list("kind", flat=True))
        cache.set(SWITCHES_CACHE_KEY, off, SWITCHES_CACHE_SECONDS)
    return off


def forget_switches() -> None:
    cache.delete(SWITCHES_CACHE_KEY)


def customer_sms_enabled(kind: str) -> bool:
    """Whether the company sends ``kind`` (no switch saved: yes)."""
    return kind not in kinds_switched_off()
