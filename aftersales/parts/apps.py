from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartsConfig(AppConfig):
    name = "aftersales.parts"
    verbose_name = _("Spare parts")

    def ready(self) -> None:
        from aftersales.accounts.capabilities import register_capabilities
        from aftersales.parts.permissions import CAPABILITIES

        register_capabilities(CAPABILITIES)

        from aftersales.parts.figures import register_figures

        register_figures()  # parts sales, for pay

        from aftersales.parts.receivers import on_status_changed
        from aftersales.service.signals import order_status_changed

        order_status_changed.connect(on_status_changed, dispatch_uid="parts.release_on_status_changed")

        from aftersales.core.registry import (
            ExportKind,
            HomePanel,
            ImportKind,
            NavEntry,
            SettingsColumn,
            SettingsSection,
            TimelineSource,
            export_kinds,
            home_panels,
            import_kinds,
            navigation,
            register_badges,
            settings_sections,
            timeline_sources,
        )
        from aftersales.history.registry import register_target, register_types
        from aftersales.parts import exports
        from aftersales.parts.choices import (
            CLAIM_STATUS_BADGES,
            LOAN_STATUS_BADGES,
            LOCATION_KIND_BADGES,
            MOVE_KIND_BADGES,
            REQUEST_STATUS_BADGES,
            STOCKTAKE_STATUS_BADGES,
            LoanStatus,
            LocationKind,
            MoveKind,
            RequestStatus,
            StockTakeStatus,
            SupplierClaimStatus,
        )
        from aftersales.parts.imports import PART_COLUMNS
        from aftersales.parts.models import Location, Part, Supplier
        from aftersales.parts.permissions import locations_visible_to, parts_visible_to, suppliers_visible_to

        register_badges("parts.LocationKind", LocationKind, LOCATION_KIND_BADGES)
        register_badges("parts.MoveKind", MoveKind, MOVE_KIND_BADGES)
        register_badges("parts.RequestStatus", RequestStatus, REQUEST_STATUS_BADGES)
        register_badges("parts.SupplierClaimStatus", SupplierClaimStatus, CLAIM_STATUS_BADGES)
        register_badges("parts.LoanStatus", LoanStatus, LOAN_STATUS_BADGES)
        register_badges("parts.StockTakeStatus", StockTakeStatus, STOCKTAKE_STATUS_BADGES)

        permissions = "aftersales.parts.permissions"
        navigation.register(
            NavEntry("parts", _("Parts"), "parts:stock", "box-seam", 60, f"{permissions}.can_view_stock")
        )
        register_target("part", model=Part, visible_to=parts_visible_to)
        register_target("supplier", model=Supplier, visible_to=suppliers_visible_to)
        register_target("part_location", model=Location, visible_to=locations_visible_to)
        register_types(
            {
                "part.created": _("Part added"),
                "part.updated": _("Part changed"),
                "part.price_set": _("List price set"),
                "supplier.created": _("Supplier added"),
                "supplier.updated": _("Supplier changed"),
                "part_location.created": _("Stock location added"),
                "part_location.updated": _("Stock location changed"),
            }
        )
        import_kinds.register(
            ImportKind(
                "parts",
                _("Spare parts"),
                PART_COLUMNS,
                "aftersales.parts.imports.PartRows",
                f"{permissions}.can_manage_catalogue",
                order=40,
            )
        )
        for key, label, columns, rows, order in (
            ("parts_stock", _("Spare parts stock"), "STOCK_COLUMNS", "stock_rows", 40),
            ("parts_shortages", _("Parts below their minimum"), "SHORTAGE_COLUMNS", "shortage_rows", 41),
            ("parts_claims", _("Supplier claims"), "CLAIM_COLUMNS", "claim_rows", 42),
            ("parts_loans", _("Turnover spares"), "LOAN_COLUMNS", "loan_rows", 43),
            ("parts_tools", _("Tools and instruments"), "TOOL_COLUMNS", "tool_rows", 44),
            ("stock_takes", _("Stock-takes"), "STOCK_TAKE_COLUMNS", "stock_take_rows", 45),
        ):
            export_kinds.register(
                ExportKind(
                    key,
                    label,
                    getattr(exports, columns),
                    f"aftersales.parts.exports.{rows}",
                    f"{permissions}.can_view_stock",
                    order=order,
                )
            )
        export_kinds.register(
            ExportKind(
                "price_list",
                _("Price list"),
                exports.PRICE_LIST_COLUMNS,
                "aftersales.parts.exports.price_list_rows",
                "aftersales.parts.pricelist.may_see_price_list",
                order=46,
            )
        )
        settings_sections.register(
            SettingsSection(
                "parts-catalogue",
                _("Spare parts catalogue"),
                "box-seam",
                70,
                f"{permissions}.can_manage_catalogue",
                model="aftersales.parts.models.Part",
                form="aftersales.parts.forms.PartForm",
                columns=(
                    SettingsColumn(_("Part number"), "number", kind="mono", link=True),
                    SettingsColumn(_("Name"), "name"),
                    SettingsColumn(pgettext_lazy("measure", "Unit"), "get_unit_display"),
                    SettingsColumn(_("Supplier"), "supplier.name"),
                    SettingsColumn(_("Cost"), "cost", kind="mono"),
                    SettingsColumn(_("Flags"), "flags"),
                    SettingsColumn(_("Active"), "active", kind="active"),
                ),
                create="aftersales.parts.services.catalogue.create_part",
                update="aftersales.parts.services.catalogue.update_part",
                object_kwarg="part",
                scope="aftersales.parts.selectors.catalogue_scope",
                create_label=_("New part"),
            )
        )
        settings_sections.register(
            SettingsSection(
                "suppliers",
                _("Suppliers"),
                "truck",
                71,
                f"{permissions}.can_manage_catalogue",
                model="aftersales.parts.models.Supplier",
                form="aftersales.parts.forms.SupplierForm",
                columns=(
                    SettingsColumn(_("Code"), "code", kind="mono", link=True),
                    SettingsColumn(_("Name"), "name", link=True),
                    SettingsColumn(_("Supplier kind"), "origin"),
                    SettingsColumn(_("Contact"), "contact"),
                ),
                create="aftersales.parts.services.catalogue.create_supplier",
                update="aftersales.parts.services.catalogue.update_supplier",
                object_kwarg="supplier",
                create_label=_("New supplier"),
            )
        )
        settings_sections.register(
            SettingsSection(
                "part-locations",
                _("Stock locations"),
                "geo-alt",
                72,
                f"{permissions}.can_manage_locations",
                url_name="parts_settings:location_list",
            )
        )
        timeline_sources.register(
            TimelineSource("parts.used", "service.ServiceOrder", "aftersales.parts.timeline.order_entries", 60)
        )
        home_panels.register(
            HomePanel(
                "parts.keeper",
                "parts/home/_keeper.html",
                "aftersales.parts.home.keeper_panel",
                60,
                f"{permissions}.watches_stock",
                slot="side",
            )
        )

        from aftersales.core.panels import RecordPanel
        from aftersales.service.panels import VisitPanel, order_panels, visit_panels

        visit_panels.register(VisitPanel("parts.used", 50, "aftersales.parts.panels.render"))
        order_panels.register(RecordPanel("parts.reservations", 50, "aftersales.parts.order_panel.render"))
        from aftersales.installed_base.panels import unit_panels

        unit_panels.register(RecordPanel("parts.fitted", 50, "aftersales.parts.unit_panel.render"))
