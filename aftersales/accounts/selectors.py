"""Reads of the accounts context: the company profile, cached.

Every page's header, print and SMS reads the company profile, so it is kept in the cache shared by
every process (Redis in production, files in the embedded setup) and a request reads it without a
query. The cached copy is tagged with a generation read *before* the database, as the calendar's is
(``calendars.selectors``): any save or delete of the profile sets a new generation at once and again
after the commit (``company_profile_changed``, connected to the model's signals), so no app server
takes a copy read just before the change for current; inside the transaction that changed the
profile, reads bypass the cache (a rolled-back change is never cached). A change made with
``QuerySet.update`` or raw SQL shows within ``COMPANY_CACHE_SECONDS``.
"""

import uuid
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from aftersales.accounts.models import CompanyProfile, User
from aftersales.accounts.permissions import users_visible_to

COMPANY_CACHE_KEY = "accounts:company-profile"
COMPANY_GENERATION_KEY = "accounts:company-profile:generation"
COMPANY_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Company:
    """The company profile as pages, prints and messages read it (plain values, cached)."""

    name: str
    hotline: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    credit_code: str = ""
    bank_name: str = ""
    bank_account: str = ""
    saved: bool = False  # False: nobody saved a profile yet, the name is the environment's default

    def __str__(self) -> str:
        return self.name


PROFILE_FIELDS = tuple(f.name for f in fields(Company) if f.name != "saved")


def default_company() -> Company:
    """What stands in before an administrator saves the profile: ``AFTERSALES["COMPANY_NAME"]``."""
    return Company(name=str(settings.AFTERSALES["COMPANY_NAME"]))


def _read_company() -> Company | None:
    row = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_ID).values(*PROFILE_FIELDS).first()
    return None if row is None else Company(**row, saved=True)


def _changed_in_this_transaction() -> bool:
    # forget_company_profile waits in this transaction's on-commit callbacks (dropped on rollback) exactly
    # while an uncommitted change is visible to this connection.
    connection = transaction.get_connection()
    return connection.in_atomic_block and any(entry[1] is forget_company_profile for entry in connection.run_on_commit)


def company_profile() -> Company:
    """The company profile (or the environment's default), from the cache when it has not changed since."""
    if _changed_in_this_transaction():
        return _read_company() or default_company()
    found = cache.get_many([COMPANY_GENERATION_KEY, COMPANY_CACHE_KEY])
    generation = found.get(COMPANY_GENERATION_KEY)
    if generation is None:
        cache.add(COMPANY_GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(COMPANY_GENERATION_KEY)
    cached = found.get(COMPANY_CACHE_KEY)
    if cached is not None and cached[0] == generation:
        company = cached[1]
    else:
        company = _read_company()
        cache.set(COMPANY_CACHE_KEY, (generation, company), COMPANY_CACHE_SECONDS)
    # No row is cached as None, not as the default: a changed environment variable shows at the restart.
    return company or default_company()


def forget_company_profile() -> None:
    """Every process reads the profile from the database again (a new generation)."""
    cache.set(COMPANY_GENERATION_KEY, uuid.uuid4().hex, None)


def company_profile_changed(**kwargs: Any) -> None:
    """Receiver for ``CompanyProfile`` saves and deletes (``AccountsConfig.ready``), whoever makes them:
    forget the cached profile now and again after the commit (another process may read the old row
    meanwhile)."""
    forget_company_profile()
    transaction.on_commit(forget_company_profile)


def user_list(*, user: User) -> QuerySet[User]:
    """The users and roles screen's rows and its export's: the staff ``user`` sees, active first, by centre
    and username, with their centre and extra roles read along (no query per user)."""
    return (
        users_visible_to(user)
        .select_related("service_center")
        .prefetch_related("extra_roles")
        .order_by("-is_active", "service_center__code", "username")
    )
