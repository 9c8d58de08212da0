"""The parts exports' column headers read as headers in either language."""

from django.utils import translation

from aftersales.parts import exports


def test_every_parts_export_header_is_capitalised_in_english_and_translated_in_chinese():
    """Found by a probe in English, 2026-12-06: "overdue" and "warranty-critical" headed their columns
    beside "Due back" and "Maximum"."""
    tables = [value for name, value in vars(exports).items() if name.endswith("_COLUMNS")]
    assert len(tables) >= 5
    with translation.override("en"):
        english = [str(header) for table in tables for header in table]
    with translation.override("zh-hans"):
        chinese = [str(header) for table in tables for header in table]

    assert [h for h in english if not h[:1].isupper()] == []
    assert [h for h in chinese if h.isascii()] == []
