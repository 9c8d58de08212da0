"""Who may see and do what in the field workforce: the one scoping function and the predicates.

A technician sees their own records; service managers, dispatchers and finance their centre's (and a
stand-in also the centre of whoever they stand in for); the general manager and administrators all.
Every list and detail goes through :func:`workforce_scope`; a record outside it answers 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, handed_to, has_capability, own_capabilities_of
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.workforce.choices import ApprovalRole

CAPABILITIES = (
    capability("workforce.keep_own_records", _("Check in, report, claim expenses and overtime"), Role.TECHNICIAN),
    capability(
        "workforce.view_centre_staff",
        _("See the field staff records of one's centre"),
        Role.MANAGER,
        Role.DISPATCHER,
        Role.FINANCE,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("workforce.approve_absences", _("Approve absences"), Role.MANAGER),
    capability("workforce.approve_overtime", _("Approve overtime"), Role.MANAGER),
    capability("workforce.approve_as_manager", _("Approve expense claims as the service manager"), Role.MANAGER),
    capability("workforce.approve_as_finance", _("Approve expense claims as finance"), Role.FINANCE),
    capability(
        "workforce.approve_as_general_manager", _("Approve expense claims as the general manager"), Role.GENERAL_MANAGER
    ),
    capability("workforce.confirm_materials", _("Confirm materials bought on site (purchasing)"), Role.PARTS_KEEPER),
    capability(
        "workforce.export_claims", _("Export approved claims and overtime for payment"), Role.FINANCE, Role.ADMIN
    ),
    capability("workforce.manage_training", _("Keep courses, sessions and certificates"), Role.MANAGER, Role.ADMIN),
    capability("workforce.edit_approval_chain", _("Change the expense approval chain"), Role.ADMIN),
)

STEP_CAPABILITY = {
    ApprovalRole.MANAGER: "workforce.approve_as_manager",
    ApprovalRole.FINANCE: "workforce.approve_as_finance",
    ApprovalRole.GENERAL_MANAGER: "workforce.approve_as_general_manager",
}


def staff_centres(user: User) -> tuple[bool, set[int]]:
    """(every centre?, the centres) whose staff records ``user`` sees beyond their own: their centre
    through their role, and the centre of anyone standing them in today."""
    if not user.is_authenticated or not user.is_active:
        return False, set()
    if user.sees_all_centres:
        return True, set()
    centres: set[int] = set()
    if "workforce.view_centre_staff" in own_capabilities_of(user) and user.service_center_id:
        centres.add(user.service_center_id)
    for handed in handed_to(user):
        if "workforce.view_centre_staff" in handed.capabilities:
            if handed.all_centres:
                return True, set()
            if handed.centre_id:
                centres.add(handed.centre_id)
    return False, centres


def workforce_scope(
    user: User, qs: QuerySet[Any], *, person: str = "person", centre: str = "service_center"
) -> QuerySet[Any]:
    """The one scoping function: ``qs`` narrowed to what ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    every, centres = staff_centres(user)
    if every:
        return qs
    condition = Q(**{person: user.pk})
    if centres:
        condition |= Q(**{f"{centre}__in": centres})
    return qs.filter(condition)


def keeps_own_records(user: User) -> bool:
    return has_capability(user, "workforce.keep_own_records")


def sees_staff(user: User) -> bool:
    every, centres = staff_centres(user)
    return every or bool(centres)


def sees_workforce(user: User) -> bool:
    """The workforce menu: for the field staff and those who look after them."""
    return keeps_own_records(user) or sees_staff(user)


def may_approve_step(user: User, role: str, *, centre_id: int) -> bool:
    return has_capability(user, STEP_CAPABILITY[ApprovalRole(role)], centre_id=centre_id)


def approves_claims(user: User) -> bool:
    return any(has_capability(user, name) for name in STEP_CAPABILITY.values())


def can_approve_absences(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "workforce.approve_absences", centre_id=centre_id)


def can_approve_overtime(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "workforce.approve_overtime", centre_id=centre_id)


def can_confirm_materials(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "workforce.confirm_materials", centre_id=centre_id)


def can_export_claims(user: User) -> bool:
    return has_capability(user, "workforce.export_claims")


def can_manage_training(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "workforce.manage_training", centre_id=centre_id)


def can_edit_approval_chain(user: User) -> bool:
    return has_capability(user, "workforce.edit_approval_chain")


def claims_visible_to(user: User) -> QuerySet[Any]:
    """Expense claims: the scope above, and for purchasing (who confirms materials bought on site) the
    claims of their centre that hold such materials."""
    from aftersales.workforce.models import ExpenseClaim, ExpenseLine

    qs = ExpenseClaim.objects.select_related("person", "service_center")
    scoped = workforce_scope(user, qs)
    every, _centres = staff_centres(user)
    if every or not user.is_authenticated or not has_capability(user, "workforce.confirm_materials"):
        return scoped
    materials = ExpenseLine.objects.filter(kind="materials").values("claim_id")
    return qs.filter(Q(pk__in=scoped.values("pk")) | Q(service_center_id=user.service_center_id, pk__in=materials))


def sees_only_own_claims(user: User) -> bool:
    """Whether ``claims_visible_to`` can hold no one else's claims (the list then needs no claimant)."""
    return not sees_staff(user) and not has_capability(user, "workforce.confirm_materials")


def approves_anything(user: User) -> bool:
    """The home page's approvals panel: approvers of claims, absences or overtime."""
    return approves_claims(user) or can_approve_absences(user) or can_approve_overtime(user)


def working_patterns_in_scope(user: User, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The working patterns a settings user sees: their centre's (all for administrators)."""
    from aftersales.accounts.permissions import scope_by_centre

    return scope_by_centre(qs, user, field="service_center")


# ---- history: who sees a record's History panel and GET /history/<target>/<id> -------------------------
def _scoped(model_name: str, *, person: str = "person") -> Any:
    def visible_to(user: User) -> QuerySet[Any]:
        from aftersales.workforce import models

        return workforce_scope(user, getattr(models, model_name).objects.all(), person=person)

    visible_to.__name__ = f"{model_name.lower()}s_visible_to"
    return visible_to


absences_visible_to = _scoped("Absence")
overtime_visible_to = _scoped("Overtime")
certificates_visible_to = _scoped("Certificate")
store_visits_visible_to = _scoped("StoreVisit")
sessions_visible_to = _scoped("TrainingSession", person="trainer")


def courses_visible_to(user: User) -> QuerySet[Any]:
    """Courses are shared by every centre: whoever sees the field staff or keeps their own records."""
    from aftersales.workforce.models import Course

    return Course.objects.all() if sees_workforce(user) else Course.objects.none()


def approval_steps_visible_to(user: User) -> QuerySet[Any]:
    from aftersales.workforce.models import ApprovalStep

    return ApprovalStep.objects.all() if can_edit_approval_chain(user) else ApprovalStep.objects.none()


def working_patterns_visible_to(user: User) -> QuerySet[Any]:
    from aftersales.accounts.permissions import can_manage_settings
    from aftersales.workforce.models import WorkingPattern

    if not can_manage_settings(user):
        return WorkingPattern.objects.none()
    return working_patterns_in_scope(user, WorkingPattern.objects.all())
