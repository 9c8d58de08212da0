"""Who may see the failure statistics and who may send failures to design and work the cases.

There is no quality-engineer role: the service manager (for their centre), the general manager and the
administrator hold every quality capability. A case is the sender's centre's; one sent by someone who
sees every centre is company-wide and visible only to those who see every centre.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import centre_filter
from aftersales.quality.models import QualityCase

CAPABILITIES = (
    capability(
        "quality.view_failures",
        _("See the failure statistics and quality cases of one's centre"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability(
        "quality.send_to_design",
        _("Send repeat failures and failure groups to design as quality cases"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability(
        "quality.work_cases",
        _("Move quality cases through analysis, design change and closing"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
)


def can_view_failures(user: User) -> bool:
    return has_capability(user, "quality.view_failures")


def can_send_to_design(user: User) -> bool:
    return has_capability(user, "quality.send_to_design")


def can_work_case(user: User, case: QualityCase) -> bool:
    return has_capability(user, "quality.work_cases") and cases_visible_to(user).filter(pk=case.pk).exists()


def cases_visible_to(user: User) -> QuerySet[QualityCase]:
    if not can_view_failures(user):
        return QualityCase.objects.none()
    condition = centre_filter(user, field="service_center")
    qs = QualityCase.objects.all()
    return qs if condition is None else qs.filter(condition)
