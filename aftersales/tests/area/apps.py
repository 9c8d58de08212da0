"""A pretend area, installed only by the test settings: it proves that a new app plugs into the
shared screens through the registries alone (no edit to console, accounts or exchange).

Its predicates say no unless ``settings.AREA_ENABLED`` is on, so the rest of the suite (and the
browser tests' screenshots) never see it. Strings are plain: this app ships no catalogue.
"""

from django.apps import AppConfig


class AreaConfig(AppConfig):
    name = "aftersales.tests.area"
    label = "area"
    verbose_name = "Area (test)"

    def ready(self) -> None:
        from aftersales.core import registry
        from aftersales.tests.area.data import AREA_COLUMNS

        permissions = "aftersales.tests.area.permissions"
        registry.navigation.register(
            registry.NavEntry(
                "areas",
                "Areas",
                "core_settings:list",
                "map",
                75,
                f"{permissions}.can_see_areas",
                group="data",
                url_kwargs={"section": "areas"},
            )
        )
        registry.settings_sections.register(
            registry.SettingsSection(
                "areas",
                "Sales areas",
                "map",
                50,
                f"{permissions}.can_manage_areas",
                model="aftersales.tests.area.models.Area",
                form="aftersales.tests.area.forms.AreaForm",
                columns=(
                    registry.SettingsColumn("Code", "code", kind="mono", link=True),
                    registry.SettingsColumn("Name", "name", link=True),
                ),
                create="aftersales.tests.area.services.create_area",
                update="aftersales.tests.area.services.update_area",
                object_kwarg="area",
                create_label="New area",
            )
        )
        registry.home_panels.register(
            registry.HomePanel(
                "area.summary",
                "area/_panel.html",
                "aftersales.tests.area.home.summary",
                200,
                f"{permissions}.can_see_areas",
                slot="side",
            )
        )
        registry.import_kinds.register(
            registry.ImportKind(
                "areas",
                "Sales areas",
                AREA_COLUMNS,
                "aftersales.tests.area.data.AreaRows",
                f"{permissions}.can_manage_areas",
                order=90,
            )
        )
        registry.export_kinds.register(
            registry.ExportKind(
                "areas",
                "Sales areas",
                ("Code", "Name"),
                "aftersales.tests.area.data.area_rows",
                f"{permissions}.can_manage_areas",
                order=90,
            )
        )
        registry.timeline_sources.register(
            registry.TimelineSource(
                "area.orders",
                "service.ServiceOrder",
                "aftersales.tests.area.data.order_entries",
                50,
                predicate=f"{permissions}.can_see_areas",
            )
        )
