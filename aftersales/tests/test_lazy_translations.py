"""Text translated when a module is imported is frozen in one language for the life of the process: a
plain ``gettext`` at module or class level must be ``gettext_lazy``. (Found by hand, 2026-12-06: the
contracts list's tabs stayed 全部 and 60 天内到期 in the English console.)"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1]
EAGER = {"gettext", "pgettext", "ngettext", "npgettext"}


def _eager_names(tree: ast.Module) -> set[str]:
    """The names this module binds to Django's eager translation functions (``gettext as _`` …)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in EAGER}
    return names


def _calls_at_import(node: ast.AST, names: set[str]) -> list[int]:
    """Lines calling one of ``names`` outside any function body (run when the module is imported)."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in names:
            found.append(child.lineno)
        found += _calls_at_import(child, names)
    return found


def test_no_text_is_translated_at_import():
    frozen = []
    modules = [p for p in APP.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    for path in modules:
        tree = ast.parse(path.read_text(), filename=str(path))
        names = _eager_names(tree)
        frozen += [f"{path.relative_to(APP.parent)}:{line}" for line in _calls_at_import(tree, names)] if names else []

    assert len(modules) > 200
    assert frozen == [], "use gettext_lazy where the text is read at import"
