"""Pay formulas: a small expression language over named figures, evaluated in Decimal.

A formula is arithmetic (``+ - * /``, parentheses, ``min(...)``/``max(...)``) over numbers and names
(figures such as ``labour_revenue``, tier tables, allowances, ``coefficient``). Python's parser reads
the text into a syntax tree; this module accepts only the nodes listed here and evaluates them itself
(``Decimal`` from the literal's text, never a float, and never ``eval``). A name nobody defined, a
division by anything but a non-zero constant, or any other construct is refused when the plan is
saved (docs/pay.md, Formulas).
"""

import ast
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal

MAX_LENGTH = 500
FUNCTIONS: dict[str, Callable[..., Decimal]] = {"min": min, "max": max}
OPERATORS: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
# What people type from the source's tables: 0。6、×、÷ and full-width brackets.
_PLAIN = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")", "。": ".", "，": ","})


class FormulaError(Exception):
    """A formula refused: ``code`` is one of formula_syntax, formula_unknown_figure, formula_division_by_zero."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text and the names it reads."""

    text: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        return _evaluate(self.tree.body, values)


def compile_formula(text: str, known: Collection[str]) -> Formula:
    """Parse and check ``text`` against the ``known`` names; raise ``FormulaError`` if refused."""
    text = (text or "").translate(_PLAIN).strip()
    if not text:
        raise FormulaError("formula_syntax", "The formula is empty.")
    if len(text) > MAX_LENGTH:
        raise FormulaError("formula_syntax", f"A formula has at most {MAX_LENGTH} characters.")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError("formula_syntax", f"The formula does not parse: {exc.msg} (column {exc.offset}).") from None
    names: set[str] = set()
    _check(tree.body, set(known), names)
    return Formula(text=text, tree=tree, names=frozenset(names))


def _constant(node: ast.expr) -> Decimal | None:
    """The value of an expression without names (a divisor), or ``None`` if it reads a name."""
    if any(isinstance(child, ast.Name) for child in ast.walk(node)):
        return None
    try:
        return _evaluate(node, {})
    except ArithmeticError:
        return Decimal(0)


def _check(node: ast.expr, known: set[str], names: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError("formula_syntax", f"Only numbers may be written in a formula, not {node.value!r}.")
    elif isinstance(node, ast.Name):
        if node.id not in known:
            raise FormulaError("formula_unknown_figure", f"Unknown figure “{node.id}”.")
        names.add(node.id)
    elif isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        _check(node.left, known, names)
        _check(node.right, known, names)
        if isinstance(node.op, ast.Div):
            divisor = _constant(node.right)
            if divisor is None:
                raise FormulaError(
                    "formula_division_by_zero",
                    "A formula may divide only by a constant: a figure can be zero in some month.",
                )
            if divisor == 0:
                raise FormulaError("formula_division_by_zero", "The formula divides by zero.")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, known, names)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords or len(node.args) < 2:
            raise FormulaError("formula_syntax", f"{node.func.id}() takes two or more values.")
        for arg in node.args:
            _check(arg, known, names)
    else:
        raise FormulaError("formula_syntax", "Only numbers, figures, + - * /, brackets, min() and max() are allowed.")


def _evaluate(node: ast.expr, values: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(repr(node.value))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.BinOp):
        return OPERATORS[type(node.op)](_evaluate(node.left, values), _evaluate(node.right, values))
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, values)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return FUNCTIONS[node.func.id](*(_evaluate(arg, values) for arg in node.args))
    raise FormulaError("formula_syntax", "Unsupported construct.")  # pragma: no cover - _check refused it
