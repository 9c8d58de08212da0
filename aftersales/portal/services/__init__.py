"""The portal's writes: sign-in codes, contacts' access, QR label tokens, fault reports."""

from aftersales.portal.services.access import send_code_for_contact, set_access_revoked, set_portal_admin
from aftersales.portal.services.labels import ensure_unit_tokens, reissue_unit_token, unit_from_token
from aftersales.portal.services.reports import report_fault
from aftersales.portal.services.signin import request_code, verify_code

__all__ = [
    "ensure_unit_tokens",
    "reissue_unit_token",
    "report_fault",
    "request_code",
    "send_code_for_contact",
    "set_access_revoked",
    "set_portal_admin",
    "unit_from_token",
    "verify_code",
]
