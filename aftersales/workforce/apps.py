from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "aftersales.workforce"
    verbose_name = _("Field workforce")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.core import registry
        from aftersales.workforce import choices
        from aftersales.workforce.exports import ABSENCE_COLUMNS, OVERTIME_COLUMNS, PAYABLE_COLUMNS
        from aftersales.workforce.figures import register_figures
        from aftersales.workforce.home import register_home_panels
        from aftersales.workforce.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)
        register_figures()  # days attended, for pay
        registry.register_badges(
            "workforce.ExpenseClaimStatus", choices.ExpenseClaimStatus, choices.CLAIM_STATUS_BADGES
        )
        registry.register_badges("workforce.AbsenceStatus", choices.AbsenceStatus, choices.ABSENCE_STATUS_BADGES)
        registry.register_badges("workforce.OvertimeStatus", choices.OvertimeStatus, choices.OVERTIME_STATUS_BADGES)
        registry.register_badges("workforce.TripStatus", choices.TripStatus, choices.TRIP_STATUS_BADGES)
        registry.dispatch_checks.register(
            registry.DispatchCheck(
                "workforce.absence", "aftersales.workforce.dispatch.absence_refusals", 10, overridable=False
            )
        )
        registry.dispatch_checks.register(
            registry.DispatchCheck("workforce.certificate", "aftersales.workforce.dispatch.certificate_refusals", 20)
        )
        permissions = "aftersales.workforce.permissions"
        registry.navigation.register(
            registry.NavEntry(
                "workforce.me", _("My day"), "workforce:me", "phone", 52, f"{permissions}.keeps_own_records"
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "workforce.claims",
                _("Expense claims"),
                "workforce:claims",
                "receipt",
                54,
                f"{permissions}.sees_workforce",
            )
        )
        registry.navigation.register(
            registry.NavEntry(
                "workforce.staff",
                _("Field staff"),
                "workforce:staff",
                "people",
                62,
                f"{permissions}.sees_staff",
                group="planning",
            )
        )
        register_home_panels()
        registry.export_kinds.register(
            registry.ExportKind(
                "payable_claims",
                _("Approved claims and overtime (for payment)"),
                PAYABLE_COLUMNS,
                "aftersales.workforce.exports.payable_rows",
                f"{permissions}.can_export_claims",
                order=60,
            )
        )
        for key, label, columns, rows, order in (
            ("absences", _("Absences"), ABSENCE_COLUMNS, "absence_rows", 61),
            ("overtime", _("Overtime"), OVERTIME_COLUMNS, "overtime_rows", 62),
        ):
            registry.export_kinds.register(
                registry.ExportKind(
                    key,
                    label,
                    columns,
                    f"aftersales.workforce.exports.{rows}",
                    f"{permissions}.sees_workforce",
                    order=order,
                )
            )
        registry.settings_sections.register(
            registry.SettingsSection(
                "approval-chain",
                _("Expense approval chain"),
                "diagram-3",
                70,
                f"{permissions}.can_edit_approval_chain",
                model="aftersales.workforce.models.ApprovalStep",
                form="aftersales.workforce.settings_forms.ApprovalStepForm",
                columns=(
                    registry.SettingsColumn(_("Position"), "position", link=True),
                    registry.SettingsColumn(_("Approved by"), "get_role_display", link=True),
                    registry.SettingsColumn(_("Only above (CNY)"), "min_total"),
                    registry.SettingsColumn(_("Active"), "active", kind="active"),
                ),
                create="aftersales.workforce.services.settings.create_approval_step",
                update="aftersales.workforce.services.settings.update_approval_step",
                object_kwarg="step",
                create_label=_("New step"),
            )
        )
        registry.settings_sections.register(
            registry.SettingsSection(
                "working-hours",
                _("Working hours"),
                "clock",
                72,
                "aftersales.accounts.permissions.can_manage_settings",
                model="aftersales.workforce.models.WorkingPattern",
                form="aftersales.workforce.settings_forms.WorkingPatternForm",
                columns=(
                    registry.SettingsColumn(_("Service centre"), "service_center", link=True),
                    registry.SettingsColumn(_("Day starts"), "day_start"),
                    registry.SettingsColumn(_("Day ends"), "day_end"),
                    registry.SettingsColumn(_("Absence notice (hours)"), "absence_notice_hours"),
                ),
                create="aftersales.workforce.services.settings.create_working_pattern",
                update="aftersales.workforce.services.settings.update_working_pattern",
                object_kwarg="pattern",
                scope="aftersales.workforce.permissions.working_patterns_in_scope",
                create_label=_("Working hours of a centre"),
            )
        )
        self._register_history()

    def _register_history(self) -> None:
        """Every workforce record gets a History panel and ``GET /api/v1/history/<target>/<id>``."""
        from aftersales.history.registry import register_target, register_types
        from aftersales.workforce import models, permissions

        for name, model, visible_to in (
            ("expense_claim", models.ExpenseClaim, permissions.claims_visible_to),
            ("absence", models.Absence, permissions.absences_visible_to),
            ("overtime", models.Overtime, permissions.overtime_visible_to),
            ("certificate", models.Certificate, permissions.certificates_visible_to),
            ("course", models.Course, permissions.courses_visible_to),
            ("training_session", models.TrainingSession, permissions.sessions_visible_to),
            ("store_visit", models.StoreVisit, permissions.store_visits_visible_to),
            ("approval_step", models.ApprovalStep, permissions.approval_steps_visible_to),
            ("working_pattern", models.WorkingPattern, permissions.working_patterns_visible_to),
        ):
            register_target(name, model=model, visible_to=visible_to)
        register_types(
            {
                "expense_claim.created": _("Expense claim started"),
                "expense_claim.line_added": _("Expense added"),
                "expense_claim.line_removed": _("Expense removed"),
                "expense_claim.receipt_attached": _("Receipt attached"),
                "expense_claim.submitted": _("Expense claim handed in"),
                "expense_claim.approved": _("Expense claim approved at a step"),
                "expense_claim.rejected": _("Expense claim rejected"),
                "expense_claim.sent_back": _("Expense claim sent back"),
                "expense_claim.materials_confirmed": _("Materials confirmed by purchasing"),
                "expense_claim.exported": _("Expense claim exported for payment"),
                "absence.requested": _("Absence requested"),
                "absence.decided": _("Absence decided"),
                "absence.cancelled": _("Absence withdrawn"),
                "overtime.recorded": _("Overtime recorded"),
                "overtime.decided": _("Overtime decided"),
                "certificate.issued": _("Certificate issued"),
                "certificate.revoked": _("Certificate revoked"),
                "course.created": _("Course created"),
                "training_session.scheduled": _("Training session scheduled"),
                "training_session.attendee": _("Attendee and exam score recorded"),
                "store_visit.recorded": _("Store visit recorded"),
                "store_visit.signed": _("Store visit form signed"),
                "approval_step.saved": _("Approval step saved"),
                "working_pattern.saved": _("Working hours saved"),
            }
        )
