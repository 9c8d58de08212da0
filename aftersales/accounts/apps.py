from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.accounts.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)

        # Every way in is throttled: the admin's sign-in form counts its password checks too.
        from django.contrib import admin

        from aftersales.accounts.forms import AdminSignInForm

        admin.site.login_form = AdminSignInForm

        from aftersales.accounts.exports import USER_COLUMNS
        from aftersales.core.registry import ExportKind, SettingsSection, export_kinds, settings_sections

        predicate = "aftersales.accounts.permissions.can_manage_settings"
        settings_sections.register(
            SettingsSection("centres", _("Service centres"), "building", 10, predicate, url_name="accounts:centre_list")
        )
        settings_sections.register(
            SettingsSection("users", _("Users and roles"), "people", 20, predicate, url_name="accounts:user_list")
        )
        settings_sections.register(
            SettingsSection(
                "company",
                _("Company profile"),
                "briefcase",
                5,
                "aftersales.accounts.permissions.can_edit_company_profile",
                url_name="accounts:company_profile",
            )
        )

        export_kinds.register(
            ExportKind(
                "users",
                _("Users and roles"),
                USER_COLUMNS,
                "aftersales.accounts.exports.user_rows",
                predicate,
                order=5,
                audit=True,  # every user's mobile number
            )
        )

        # The cached company profile (selectors.company_profile) is forgotten on any change, whoever makes it.
        from django.db.models.signals import post_delete, post_save

        from aftersales.accounts.models import CompanyProfile
        from aftersales.accounts.selectors import company_profile_changed

        post_save.connect(company_profile_changed, sender=CompanyProfile, dispatch_uid="company-profile-saved")
        post_delete.connect(company_profile_changed, sender=CompanyProfile, dispatch_uid="company-profile-deleted")
