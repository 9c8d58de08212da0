"""A Django ``{# … #}`` comment ends on its line: one that runs on is printed on the page as text (the
absence and overtime lists showed theirs to the reader, found on a phone walk, 2026-12-07). A longer
note takes ``{% comment %}…{% endcomment %}``."""

from pathlib import Path

import aftersales

ROOT = Path(aftersales.__file__).resolve().parent


def test_every_short_comment_ends_on_its_line() -> None:
    templates = [*ROOT.rglob("templates/**/*.html"), *ROOT.rglob("templates/**/*.txt")]
    assert len(templates) > 100
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == []
