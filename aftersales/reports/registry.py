"""What the apps above ``reports`` add to the periodic reports (monthly, quarterly, yearly).

``report_sections`` holds one ``ReportSection`` per section: its ``build`` (a callable or the dotted
path of one) takes ``user`` (whose scope the report is read in) and ``period`` (``periods.Period``:
``start``, ``end`` both included, ``kind``) and returns a list of ``SectionTable``. The report renders
each table on the printed page (HTML and PDF) and as rows of its xlsx, so a section needs no template
of its own. ``reports`` never imports the apps that register here (the quality app registers its
failure statistics from its ``ready()``)::

    from aftersales.reports.registry import ReportSection, report_sections

    report_sections.register(ReportSection("quality", _("Failures"), 50, "aftersales.quality.report.section"))
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from aftersales.core.registry import Ref, Registry


@dataclass(frozen=True)
class SectionTable:
    """One table: a caption, the column headings and the rows (cells: text, numbers or Decimals).
    ``note`` is shown under the caption (what the numbers count)."""

    caption: str | Promise
    columns: Sequence[str | Promise]
    rows: Sequence[Sequence[Any]]
    note: str | Promise = ""


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str | Promise
    order: int
    build: Ref
    predicate: Ref | None = None  # who gets the section (``None``: every reader of the report)
    kinds: frozenset[str] = field(default_factory=lambda: frozenset({"monthly", "quarterly", "yearly"}))


report_sections: Registry[ReportSection] = Registry("report sections")
