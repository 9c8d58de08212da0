from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "aftersales.care"
    verbose_name = _("Customer care")

    def ready(self) -> None:
        from django.conf import settings

        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.care.choices import COMPLAINT_STATUS_BADGES, TASK_STATUS_BADGES, ComplaintStatus, TaskStatus
        from aftersales.care.figures import register_figures
        from aftersales.care.home import register_home_panels
        from aftersales.care.models import Campaign, Complaint, FollowUpRule, FollowUpTask, ScriptQuestion
        from aftersales.care.permissions import (
            CAPABILITIES,
            campaigns_visible_to,
            complaints_visible_to,
            follow_ups_visible_to,
            questions_visible_to,
            rules_visible_to,
        )
        from aftersales.care.receivers import on_message_queued, on_status_changed
        from aftersales.care.services.customer_sms import register_kinds
        from aftersales.core import registry
        from aftersales.history.registry import register_target, register_types
        from aftersales.notifications.signals import message_queued
        from aftersales.service.signals import order_status_changed

        register_capabilities(CAPABILITIES)
        register_kinds()  # a campaign's SMS and one typed on the contact log: signed and held, no switch
        register_figures()  # satisfaction, for pay
        order_status_changed.connect(on_status_changed, dispatch_uid="care.on_status_changed")
        message_queued.connect(on_message_queued, dispatch_uid="care.on_message_queued")

        registry.register_badges("care.TaskStatus", TaskStatus, TASK_STATUS_BADGES)
        registry.register_badges("care.ComplaintStatus", ComplaintStatus, COMPLAINT_STATUS_BADGES)
        register_home_panels()

        permissions = "aftersales.care.permissions"
        registry.nav_groups.register(registry.NavGroup("care", _("Customer care"), 15))
        for entry in (
            registry.NavEntry(
                "customers",
                _("Customers"),
                "care:customer_list",
                "people",
                25,
                f"{permissions}.can_view_care",
                group="care",
            ),
            registry.NavEntry(
                "follow_ups",
                _("Follow-ups"),
                "care:follow_up_list",
                "telephone-outbound",
                26,
                f"{permissions}.can_see_follow_ups",
                group="care",
            ),
            registry.NavEntry(
                "complaints",
                _("Complaints"),
                "care:complaint_list",
                "exclamation-octagon",
                27,
                f"{permissions}.can_view_care",
                group="care",
            ),
            registry.NavEntry(
                "campaigns",
                _("Campaigns"),
                "care:campaign_list",
                "megaphone",
                28,
                f"{permissions}.can_run_campaigns",
                group="care",
            ),
            registry.NavEntry(
                "care_reports",
                _("Care reports"),
                "care:report_month",
                "bar-chart-line",
                29,
                f"{permissions}.can_view_reports",
                group="care",
            ),
        ):
            registry.navigation.register(entry)
        from aftersales.care.exports import CAMPAIGN_COLUMNS, COMPLAINT_COLUMNS, FOLLOW_UP_COLUMNS
        from aftersales.care.reports import EXPORT_COLUMNS

        registry.export_kinds.register(
            registry.ExportKind(
                "care_monthly",
                _("Customer care monthly summary"),
                EXPORT_COLUMNS,
                "aftersales.care.reports.monthly_export_rows",
                f"{permissions}.can_view_reports",
                order=70,
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "complaints",
                _("Complaints"),
                COMPLAINT_COLUMNS,
                "aftersales.care.exports.complaint_rows",
                f"{permissions}.can_view_care",
                order=71,
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "follow_ups",
                _("Follow-up calls"),
                FOLLOW_UP_COLUMNS,
                "aftersales.care.exports.follow_up_rows",
                f"{permissions}.can_see_follow_ups",
                order=72,
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "campaigns",
                _("Campaigns"),
                CAMPAIGN_COLUMNS,
                "aftersales.care.exports.campaign_rows",
                f"{permissions}.can_view_care",
                order=73,
            )
        )

        registry.settings_sections.register(
            registry.SettingsSection(
                "follow-up-rules",
                _("Follow-up rules"),
                "telephone-outbound",
                60,
                f"{permissions}.can_edit_rules",
                model="aftersales.care.models.FollowUpRule",
                form="aftersales.care.forms.FollowUpRuleForm",
                columns=(
                    registry.SettingsColumn(_("Order kind"), "get_kind_display", link=True),
                    registry.SettingsColumn(_("Call-back"), "callback_window"),
                    registry.SettingsColumn(_("First follow-up"), "first_window"),
                    registry.SettingsColumn(_("Second follow-up"), "second_window"),
                ),
                create="aftersales.care.services.rules.save_rule",
                update="aftersales.care.services.rules.update_rule",
                object_kwarg="rule",
                create_label=_("New rule"),
            )
        )
        registry.settings_sections.register(
            registry.SettingsSection(
                "call-script",
                _("Call script"),
                "card-checklist",
                61,
                f"{permissions}.can_edit_rules",
                model="aftersales.care.models.ScriptQuestion",
                form="aftersales.care.forms.ScriptQuestionForm",
                columns=(
                    registry.SettingsColumn(_("Position"), "position"),
                    registry.SettingsColumn(_("Question"), "text", link=True),
                    registry.SettingsColumn(_("Answer type"), "get_answer_type_display"),
                    registry.SettingsColumn(_("Status"), "active", kind="active"),
                ),
                create="aftersales.care.services.rules.create_question",
                update="aftersales.care.services.rules.update_question",
                object_kwarg="question",
                create_label=_("New question"),
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "care.escalate_complaints",
                "aftersales.care.services.complaints.escalate_overdue_complaints",
                interval=settings.AFTERSALES.get("CARE_ESCALATION_SWEEP_SECONDS", 300),
                task="aftersales.care.tasks.escalate_complaints",
            )
        )
        registry.periodic_jobs.register(
            registry.PeriodicJob(
                "care.late_letters",
                "aftersales.care.services.campaigns.remind_late_letters",
                interval=settings.AFTERSALES.get("CARE_LATE_LETTERS_SWEEP_SECONDS", 3600),
                task="aftersales.care.tasks.remind_late_letters",
            )
        )
        register_target("follow_up", model=FollowUpTask, visible_to=follow_ups_visible_to)
        register_target("complaint", model=Complaint, visible_to=complaints_visible_to)
        register_target("campaign", model=Campaign, visible_to=campaigns_visible_to)
        # The settings pages of the rules and the script show their changes (docs/console.md "Settings").
        register_target("follow_up_rule", model=FollowUpRule, visible_to=rules_visible_to)
        register_target("script_question", model=ScriptQuestion, visible_to=questions_visible_to)
        register_types(
            {
                "follow_up.called": _("Follow-up call recorded"),
                "follow_up.assigned": _("Follow-up assigned"),
                "campaign.announced": _("Campaign announced"),
                "campaign.letters_sent": _("Campaign letters sent"),
                "complaint.opened": _("Complaint opened"),
                "complaint.escalated": _("Complaint escalated"),
                "complaint.resolved": _("Complaint resolved"),
                "complaint.accepted": _("Resolution accepted by the customer"),
                "complaint.rejected": _("Resolution not accepted by the customer"),
                "follow_up_rule.saved": _("Follow-up rule saved"),
                "script_question.saved": _("Call script question saved"),
            }
        )
