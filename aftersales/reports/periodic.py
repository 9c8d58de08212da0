"""The periodic report: its sections (``registry.report_sections``) for a period, in the reader's scope,
as a printable A4 page, a PDF (WeasyPrint, as money's quotes) and an xlsx workbook (openpyxl)."""

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify

from aftersales.accounts.context_processors import branding as branding_context
from aftersales.accounts.models import User
from aftersales.core.registry import allows, resolve
from aftersales.reports.periods import Period
from aftersales.reports.present import Quantity
from aftersales.reports.registry import ReportSection, SectionTable, report_sections


@dataclass
class BuiltSection:
    section: ReportSection
    tables: list[SectionTable]


def build_report(*, user: User, period: Period) -> list[BuiltSection]:
    """The sections ``user`` gets for ``period``, each built in ``user``'s scope."""
    built = []
    for section in report_sections:
        if period.kind not in section.kinds or not allows(section.predicate, user):
            continue
        built.append(BuiltSection(section, list(resolve(section.build)(user=user, period=period))))
    return built


def filename(period: Period, extension: str) -> str:
    return f"report-{period.kind}-{slugify(period.label)}.{extension}"


def render_html(*, user: User, period: Period, sections: list[BuiltSection], pdf: bool, request: Any = None) -> str:
    context: dict[str, Any] = {"period": period, "sections": sections, "pdf": pdf, "reader": user}
    if request is None:
        # A scheduled report's PDF is rendered with no request, so without the context processors.
        context.update(branding_context())
    return render_to_string("reports/periodic_print.html", context, request=request)


def pdf_bytes(*, user: User, period: Period, sections: list[BuiltSection], request: Any = None) -> bytes:
    from aftersales.money.pdf import html_to_pdf  # noqa: PLC0415 - WeasyPrint is heavy: loaded when asked for

    return html_to_pdf(render_html(user=user, period=period, sections=sections, pdf=True, request=request))


def _cell(value: Any) -> Any:
    if isinstance(value, Quantity):
        value = value.number
    if value is None:
        return ""
    if isinstance(value, Decimal | int | float | str):  # openpyxl writes a Decimal as a number
        return value
    return str(value)


def xlsx_bytes(*, period: Period, sections: list[BuiltSection]) -> bytes:
    """One sheet per section: each table's caption, headings and rows, a blank row between tables."""
    from openpyxl import Workbook  # noqa: PLC0415 - loaded when a workbook is asked for
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for built in sections:
        sheet = book.create_sheet(title=str(built.section.title)[:31])
        sheet.append([period.title])
        sheet.cell(row=1, column=1).font = bold
        for table in built.tables:
            sheet.append([])
            sheet.append([str(table.caption)])
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.append([str(c) for c in table.columns])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in table.rows:
                sheet.append([_cell(v) for v in row])
                for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                    if isinstance(value, Quantity) and value.number is not None:
                        cell.number_format = value.number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
