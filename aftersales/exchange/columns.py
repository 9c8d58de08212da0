"""The columns of each registered import kind, with the English and Chinese headers both accepted.

The kinds and their columns are registered by the apps that own the rows (``core.registry``); the
first alias of a column is the Chinese header the templates use; the key is the English one.
"""

import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFoundError, ValidationFailed
from aftersales.core.registry import ImportKind, import_kinds
from aftersales.core.tabular import Column
from aftersales.core.validation import code_and_label


def import_kind(kind: str) -> ImportKind:
    """The registered import kind; an unknown kind is a 404 (there is no such import)."""
    entry = import_kinds.get(str(kind))
    if entry is None:
        raise NotFoundError(
            "unknown_import_kind",
            _("There is no import of “%(kind)s”; choose one of: %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(code_and_label(k.key, k.label) for k in import_kinds)},
            field="kind",
        )
    return entry


def columns_for(kind: str) -> tuple[Column, ...]:
    """The columns of an import kind; an unknown kind is a 404 (there is no such import)."""
    return tuple(import_kind(kind).columns)


def _normalise(header: str) -> str:
    # "Mobile *", " 手机 ", "Serial Number" and "serial-number" are the same header.
    text = re.sub(r"[\s*＊]+$", "", header.strip()).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def header_labels(kind: str) -> list[str]:
    """Headers for a template or an export of an import kind, in the active language."""
    chinese = (get_language() or "").startswith("zh")
    return [c.zh if chinese else c.key for c in columns_for(kind)]


def map_headers(kind: str, headers: list[str]) -> dict[str, int]:
    """``{column key: index in the row}``. Unknown, repeated or missing required columns are refused
    for the whole file: a misspelt header would otherwise drop a column's data without a word."""
    lookup = {}
    for column in columns_for(kind):
        for name in (column.key, *column.aliases):
            lookup[_normalise(name)] = column.key
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        key = lookup.get(_normalise(header))
        if key is None:
            unknown.append(header.strip()[:40])
        elif key in found:
            raise ValidationFailed(
                "duplicate_column",
                _("The column “%(column)s” appears twice in the header row.") % {"column": header.strip()[:40]},
                field="file",
            )
        else:
            found[key] = index
    if unknown:
        allowed = ", ".join(f"{c.key}/{c.zh}" for c in columns_for(kind))
        raise ValidationFailed(
            "unknown_column",
            _("Unknown column(s) in the header row: %(columns)s. Allowed: %(allowed)s.")
            % {"columns": ", ".join(unknown[:10]), "allowed": allowed},
            field="file",
        )
    missing = [c for c in columns_for(kind) if c.required and c.key not in found]
    for group in import_kind(kind).one_of:
        if not any(key in found for key in group):
            missing.append(next(c for c in columns_for(kind) if c.key == group[0]))
    if missing:
        raise ValidationFailed(
            "missing_column",
            _("The header row lacks the column(s): %(columns)s.")
            % {"columns": ", ".join(f"{c.key}/{c.zh}" for c in missing)},
            field="file",
        )
    return found
