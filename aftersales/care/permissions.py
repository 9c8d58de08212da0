"""Who may see and do what in customer care: every list, detail and write asks here.

Follow-up tasks: supervisors (managers) see their centre's; a follow-up clerk sees their own, the
centre's pool (unassigned) and, while a stand-in (代班) is in force, the tasks of the clerk they stand
in for, and nobody else's (domain.md Follow-up §15 (四)).
"""

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import capability, has_capability
from aftersales.accounts.choices import Role, SystemActor
from aftersales.accounts.models import StandIn, User
from aftersales.accounts.permissions import scope_by_centre
from aftersales.care.models import Campaign, Complaint, ContactEntry, FollowUpRule, FollowUpTask, ScriptQuestion
from aftersales.customers.permissions import customers_visible_to

_DESK = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)

CAPABILITIES = (
    capability(
        "care.view_care",
        _("See the customer files, complaints and contact log of one's centre"),
        *_DESK,
        Role.GENERAL_MANAGER,
        systems=(SystemActor.SCHEDULER,),
    ),
    capability("care.make_calls", _("Make follow-up calls"), Role.AGENT, Role.MANAGER, Role.ADMIN),
    capability(
        "care.supervise_follow_ups",
        _("See and assign every follow-up of one's centre"),
        Role.MANAGER,
        Role.GENERAL_MANAGER,
        Role.ADMIN,
    ),
    capability("care.handle_complaints", _("Open and resolve complaints"), Role.AGENT, Role.MANAGER, Role.ADMIN),
    capability(
        "care.escalate_complaints",
        _("Escalate complaints"),
        Role.AGENT,
        Role.MANAGER,
        Role.ADMIN,
        systems=(SystemActor.SCHEDULER,),
    ),
    capability("care.complaints_supervisor", _("Answer complaints escalated to the supervisor"), Role.MANAGER),
    capability("care.complaints_manager", _("Answer complaints escalated to the manager"), Role.GENERAL_MANAGER),
    capability("care.log_contacts", _("Log calls, letters and messages"), *_DESK, systems=(SystemActor.SCHEDULER,)),
    capability("care.edit_rules", _("Set follow-up rules and the call script"), Role.MANAGER, Role.ADMIN),
    capability("care.run_campaigns", _("Announce events and offers to customers"), Role.MANAGER, Role.ADMIN),
)


def can_view_care(user: User) -> bool:
    return has_capability(user, "care.view_care")


def can_make_calls(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "care.make_calls", centre_id=centre_id)


def supervises_follow_ups(user: User) -> bool:
    return has_capability(user, "care.supervise_follow_ups")


def can_view_reports(user: User) -> bool:
    """The care reports are the supervisors' (managers of a centre, the general manager, administrators)."""
    return supervises_follow_ups(user)


def can_see_follow_ups(user: User) -> bool:
    return can_make_calls(user) or supervises_follow_ups(user)


def can_handle_complaints(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "care.handle_complaints", centre_id=centre_id)


def can_log_contacts(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "care.log_contacts", centre_id=centre_id)


def can_edit_rules(user: User) -> bool:
    return has_capability(user, "care.edit_rules")


def stand_in_givers(user: User) -> QuerySet[StandIn]:
    """The ids of the clerks ``user`` stands in for today (no query when no stand-in is in force)."""
    until = getattr(user, "stand_in_until", None)
    today = timezone.localdate()
    if until is None or until < today:
        return StandIn.objects.none().values("from_user_id")
    return StandIn.objects.in_force(today).filter(to_user_id=user.pk).values("from_user_id")


def follow_ups_visible_to(user: User) -> QuerySet[FollowUpTask]:
    """The one scoping function of follow-up tasks (lists, details, calls)."""
    tasks = FollowUpTask.objects.all()
    if supervises_follow_ups(user):
        return scope_by_centre(tasks, user, field="service_center")
    if not can_make_calls(user):
        return tasks.none()
    mine = Q(assigned_to_id=user.pk) | Q(assigned_to_id__in=stand_in_givers(user))
    pool = Q(assigned_to__isnull=True, service_center_id=user.service_center_id)
    return tasks.filter(mine | pool)


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """The one scoping function of complaints: the care desk of the complaint's centre (all for the
    general manager and admins)."""
    if not can_view_care(user):
        return Complaint.objects.none()
    return scope_by_centre(Complaint.objects.all(), user, field="service_center")


def contacts_visible_to(user: User) -> QuerySet[ContactEntry]:
    """Contact log entries of the customers the user sees, for those who see care at all."""
    if not can_view_care(user):
        return ContactEntry.objects.none()
    return ContactEntry.objects.filter(customer__in=customers_visible_to(user))


def care_customers_visible_to(user: User) -> QuerySet:
    """The customers whose file ``user`` may open: those they see, for those who see care."""
    if not can_view_care(user):
        return customers_visible_to(user).none()
    return customers_visible_to(user)


def rules_visible_to(user: User) -> QuerySet[FollowUpRule]:
    return FollowUpRule.objects.all() if can_edit_rules(user) else FollowUpRule.objects.none()


def questions_visible_to(user: User) -> QuerySet[ScriptQuestion]:
    return ScriptQuestion.objects.all() if can_edit_rules(user) else ScriptQuestion.objects.none()


def can_run_campaigns(user: User, *, centre_id: int | None = None) -> bool:
    return has_capability(user, "care.run_campaigns", centre_id=centre_id)


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """The one scoping function of campaigns: the care desk of the campaign's centre."""
    if not can_view_care(user):
        return Campaign.objects.none()
    return scope_by_centre(Campaign.objects.all(), user, field="service_center")
