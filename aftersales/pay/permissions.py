"""Who sees and does what with pay: a person sees their own approved statements; a service manager
runs and reviews their centre's pay; finance and the general manager see every centre's and approve;
administrators, finance and the general manager keep the plans. ``statements_visible_to`` and
``runs_visible_to`` are the one scoping of every list and detail (out of scope answers 404)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.pay.choices import RunStatus
from aftersales.pay.models import PayPlan, PayProfile, PayRun, PayStatement

EVERY_ROLE = tuple(Role.values)

CAPABILITIES = (
    capability("pay.see_own_pay", _("See your own pay statements"), *EVERY_ROLE),
    capability(
        "pay.run_pay", _("Run, enter and review the pay of your centre"), Role.MANAGER, Role.GENERAL_MANAGER, Role.ADMIN
    ),
    capability("pay.approve_pay", _("Approve pay runs"), Role.FINANCE, Role.GENERAL_MANAGER),
    capability("pay.see_all_pay", _("See every centre's pay"), Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN),
    capability("pay.edit_plans", _("Keep the pay plans"), Role.FINANCE, Role.GENERAL_MANAGER, Role.ADMIN),
)


def sees_all_pay(user: User) -> bool:
    return has_capability(user, "pay.see_all_pay")


def can_run_pay(user: User, centre_id: int | None = None) -> bool:
    return has_capability(user, "pay.run_pay", centre_id=centre_id)


def can_approve_pay(user: User, centre_id: int | None = None) -> bool:
    return has_capability(user, "pay.approve_pay", centre_id=centre_id) or (
        has_capability(user, "pay.approve_pay") and sees_all_pay(user)
    )


def can_edit_plans(user: User) -> bool:
    return has_capability(user, "pay.edit_plans")


def can_see_pay(user: User) -> bool:
    """The menu entry: everyone with a statement to read, or pay to run."""
    return has_capability(user, "pay.see_own_pay") or can_run_pay(user) or sees_all_pay(user)


def manages_pay(user: User) -> bool:
    return can_run_pay(user) or sees_all_pay(user) or can_edit_plans(user)


def _keeps_centre_pay(user: User) -> bool:
    """Runs or approves the pay of their own centre: sees its runs and statements."""
    return can_run_pay(user) or has_capability(user, "pay.approve_pay")


def runs_visible_to(user: User) -> QuerySet[PayRun]:
    if not (user.is_authenticated and user.is_active):
        return PayRun.objects.none()
    if sees_all_pay(user):
        return PayRun.objects.all()
    if _keeps_centre_pay(user):
        return PayRun.objects.filter(service_center_id=user.service_center_id)
    return PayRun.objects.none()


def can_open_run(user: User, run: PayRun) -> bool:
    """``runs_visible_to`` for one loaded run, without a query (a statement's link to its run)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if sees_all_pay(user):
        return True
    return _keeps_centre_pay(user) and run.service_center_id == user.service_center_id


def statements_visible_to(user: User) -> QuerySet[PayStatement]:
    """Every centre's (finance, general manager), the centre's (its manager), and always your own
    statements once their run is approved."""
    if not (user.is_authenticated and user.is_active):
        return PayStatement.objects.none()
    own = Q(user_id=user.pk, run__status=RunStatus.APPROVED)
    if sees_all_pay(user):
        return PayStatement.objects.all()
    if _keeps_centre_pay(user):
        return PayStatement.objects.filter(Q(run__service_center_id=user.service_center_id) | own)
    return PayStatement.objects.filter(own)


def own_statements(user: User) -> QuerySet[PayStatement]:
    """ "Your statements": your own, once their run is approved, whoever you are (a manager sees his own
    draft in the run he keeps, not as his pay)."""
    return statements_visible_to(user).filter(user_id=user.pk, run__status=RunStatus.APPROVED)


def plans_visible_to(user: User) -> QuerySet[PayPlan]:
    return PayPlan.objects.all() if manages_pay(user) else PayPlan.objects.none()


def profiles_visible_to(user: User) -> QuerySet[PayProfile]:
    if sees_all_pay(user):
        return PayProfile.objects.all()
    if can_run_pay(user):
        return PayProfile.objects.filter(user__service_center_id=user.service_center_id)
    return PayProfile.objects.none()
