"""Writes of accounts: API tokens, users, service centres, the company profile and stand-ins. Each public
function is keyword-only, typed and atomic; every change is audited and announced to the history."""

from aftersales.accounts.services.centres import create_service_center, update_service_center
from aftersales.accounts.services.company import BANK_ACCOUNT, POSTCODE, update_company_profile
from aftersales.accounts.services.stand_ins import create_stand_in, end_stand_in
from aftersales.accounts.services.tokens import (
    DEFAULT_TOKEN_NAME,
    TOKEN_PREFIX_LENGTH,
    TOKEN_TOUCH_EVERY,
    AuthenticationFailed,
    IssuedToken,
    _token,  # noqa: F401 (tests/test_compiled.py reads it here)
    issue_token,
    revoke_token,
    tokens_of,
    touch_token,
    user_for_token,
)
from aftersales.accounts.services.users import (
    change_own_password,
    create_user,
    deactivate_user,
    reactivate_user,
    reset_user_password,
    set_roles,
    set_user_language,
    system_actor,
    update_user,
)

__all__ = [
    "BANK_ACCOUNT",
    "DEFAULT_TOKEN_NAME",
    "POSTCODE",
    "TOKEN_PREFIX_LENGTH",
    "TOKEN_TOUCH_EVERY",
    "AuthenticationFailed",
    "IssuedToken",
    "change_own_password",
    "create_service_center",
    "create_stand_in",
    "create_user",
    "deactivate_user",
    "end_stand_in",
    "issue_token",
    "reactivate_user",
    "reset_user_password",
    "revoke_token",
    "set_roles",
    "set_user_language",
    "system_actor",
    "tokens_of",
    "touch_token",
    "update_company_profile",
    "update_service_center",
    "update_user",
    "user_for_token",
]
