"""Provisioning devices from a spreadsheet (the "devices" import kind, registered in ``registrations``):
one row per terminal with its device id, the secret flashed into it and, optionally, the serial number
of the unit it is fitted to. ``exchange`` reads the file, shows the preview (secrets masked) and writes
the rows through ``register_device``, the same service as the API."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import DomainError
from aftersales.core.tabular import Cell, Column, Prepared, RowError, RowPreparer, service_error, text
from aftersales.devices.models import Binding, Device
from aftersales.devices.services.devices import clean_secret, clean_serial, register_device
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to

MASK = "••••••••"

DEVICE_COLUMNS = (
    Column(
        "serial",
        ("终端编号", "设备编号"),
        gettext_lazy("Device id: the MQTT topic's level and the HTTP user name (letters, digits, . _ -)."),
        required=True,
        example="GW-SH-0101",
    ),
    Column(
        "secret",
        ("密钥", "终端密钥"),
        gettext_lazy("The secret flashed into the terminal, 16 to 200 characters (only its hash is kept)."),
        required=True,
        example="k3Jx-9vQe-Lm2P-7tRw",
    ),
    Column(
        "unit_serial",
        ("整机序列号", "设备序列号"),
        gettext_lazy("Serial number of the unit it is fitted to (blank: not fitted yet)."),
        example="KY75-2024-000123",
    ),
    Column("note", ("备注",), gettext_lazy("A note (up to 200 characters).")),
)


class DeviceRows(RowPreparer):
    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.taken: set[str] = set()
        self.units: dict[str, Unit] = {}
        self.fitted: set[int] = set()  # units with a device bound now
        self.serial_rows: dict[str, int] = {}
        self.unit_rows: dict[str, int] = {}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        serials = self.column(rows, "serial")
        self.taken |= set(Device.objects.filter(serial__in=serials).values_list("serial", flat=True))
        unit_serials = self.column(rows, "unit_serial") - set(self.units)
        if unit_serials:
            found = units_visible_to(self.by).filter(serial_number__in=unit_serials)
            self.units |= {u.serial_number: u for u in found}
            self.fitted |= set(
                Binding.objects.filter(
                    unit__in=[u.pk for u in self.units.values()], unbound_at__isnull=True
                ).values_list("unit_id", flat=True)
            )

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        secret = values.get("secret", "")
        if secret:
            values["secret"] = MASK  # the preview never shows a secret
        errors: list[RowError] = []
        serial = values.get("serial", "")
        try:
            serial = clean_serial(serial)
            clean_secret(secret)
        except DomainError as exc:
            errors.append(service_error(exc))
        if (first := self.earlier_row(self.serial_rows, serial, row)) is not None:
            errors.append(
                RowError(
                    "duplicate_in_file",
                    "serial",
                    _("Device %(serial)s is also on row %(row)d.") % {"serial": serial[:64], "row": first},
                )
            )
        elif serial in self.taken:
            errors.append(
                RowError(
                    "duplicate_device", "serial", _("A device %(serial)s exists already.") % {"serial": serial[:64]}
                )
            )
        unit = None
        if unit_serial := values.get("unit_serial", ""):
            unit = self.units.get(unit_serial)
            if unit is None:
                errors.append(
                    RowError(
                        "unknown_unit",
                        "unit_serial",
                        _("No unit has the serial number “%(serial)s”.") % {"serial": unit_serial[:64]},
                    )
                )
            elif unit.pk in self.fitted:
                errors.append(
                    RowError("unit_has_device", "unit_serial", _("The unit has another device bound; unbind it first."))
                )
            elif (first := self.earlier_row(self.unit_rows, unit_serial, row)) is not None:
                errors.append(
                    RowError(
                        "duplicate_in_file",
                        "unit_serial",
                        _("Unit %(serial)s is also on row %(row)d.") % {"serial": unit_serial[:64], "row": first},
                    )
                )
        if len(values.get("note", "")) > 200:
            errors.append(RowError("too_long", "note", _("A note has at most 200 characters.")))
        if errors:
            return values, errors, None
        return values, [], {"serial": serial, "secret": secret, "unit": unit, "note": values.get("note", "")}

    def write(self, records: list[Any]) -> list[int]:
        return [register_device(by=self.by, **record)[0].pk for record in records]
