from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "aftersales.history"
    verbose_name = _("History")

    def ready(self) -> None:
        from aftersales.accounts.models import CompanyProfile, ServiceCenter, User
        from aftersales.accounts.permissions import centres_visible_to, company_profile_visible_to, users_visible_to
        from aftersales.accounts.signals import account_changed
        from aftersales.core.panels import RecordPanel, record_panels
        from aftersales.history import receivers
        from aftersales.history.registry import register_target, register_types
        from aftersales.history.visibility import settings_only

        # accounts sits below history and may not import it: it announces its changes with a signal,
        # and history registers accounts' records on its behalf.
        record_panels.register(RecordPanel("history", 100, "aftersales.history.views.record_panel"))
        account_changed.connect(receivers.record_account_change, dispatch_uid="history.record_account_change")
        register_target("service_center", model=ServiceCenter, visible_to=settings_only(centres_visible_to))
        register_target("user", model=User, visible_to=settings_only(users_visible_to))
        register_target("company_profile", model=CompanyProfile, visible_to=company_profile_visible_to)
        register_types(
            {
                "service_center.created": _("Service centre added"),
                "service_center.updated": _("Service centre changed"),
                "company_profile.updated": _("Company profile saved"),
                "user.created": _("User added"),
                "user.updated": _("User changed"),
                "user.deactivated": _("User deactivated"),
                "user.reactivated": _("User reactivated"),
                "user.password_reset": _("Password reset"),
                "user.password_changed": _("Password changed by the user"),
                "user.roles_changed": _("User's extra roles changed"),
                "user.stand_in_created": _("Stand-in arranged"),
                "user.stand_in_ended": _("Stand-in ended early"),
            }
        )
