"""A safe evaluator for indicator formulas: numbers, raw-field names, + - * /, parentheses, a few functions."""

from __future__ import annotations

import ast
import math
import operator
import unicodedata
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_LENGTH = 500
MAX_DEPTH = 40
_FUNCS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs}
# One-argument functions for composite indices (ln of income, as in UNDP's HDI), each with the
# test of its domain: outside it the value is "not computable", never NaN, inf or a crash.
_UNARY: dict[str, tuple[Callable[[float], float], Callable[[float], bool]]] = {
    "ln": (math.log, lambda x: x > 0),
    "log10": (math.log10, lambda x: x > 0),
    "sqrt": (math.sqrt, lambda x: x >= 0),
    # exp(709.78) is the largest a double holds; above it the overflow is caught as not computable.
    "exp": (math.exp, lambda x: True),
}
FUNCTIONS = ("min", "max", "abs", *_UNARY)
_BINOPS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
# Full-width and typographic operators that Chinese input methods produce. NFKC already
# maps （）＋－／ and full-width letters and digits; these it leaves alone.
_SYMBOLS = str.maketrans({"×": "*", "÷": "/", "−": "-", "—": "-", "，": ","})


class FormulaError(Exception):
    """A formula that cannot be parsed or uses something not allowed; `reason` is a catalog key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


class MissingInput(Exception):
    """A raw field the formula needs has no value."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(", ".join(names))


class NotComputable(Exception):
    """The arithmetic has no finite answer (division by zero, overflow, ln of 0).

    For a function argument outside its domain, `function`, `argument` and `names` (the raw
    fields the argument is computed from) say which, so a message can name the cells.
    """

    def __init__(self, function: str | None = None, argument: float | None = None,
                 names: frozenset[str] = frozenset()) -> None:
        self.function = function
        self.argument = argument
        self.names = names
        super().__init__(f"{function}({argument})" if function else "no finite result")


Evaluator = Callable[[Mapping[str, float | None]], float]


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its normalised text, the names it uses, and a compiled evaluator."""

    text: str
    names: frozenset[str]
    _fn: Evaluator

    def evaluate(self, values: Mapping[str, float | None]) -> float:
        """The formula's value; raises MissingInput or NotComputable instead of giving NaN or inf."""
        missing = sorted(n for n in self.names if values.get(n) is None or _isnan(values.get(n)))
        if missing:
            raise MissingInput(missing)
        try:
            result = self._fn(values)
        except NotComputable:
            raise
        except (ZeroDivisionError, OverflowError):
            raise NotComputable() from None
        if not math.isfinite(result):
            raise NotComputable()
        return result


def _finite(x: float) -> float:
    """Stop at the first overflow: max(1, a*1e300*1e300 - a*1e300*1e300) must not quietly be 1."""
    if not math.isfinite(x):
        raise OverflowError
    return x


def _isnan(v: float | None) -> bool:
    return v is not None and v != v


def normalise(text: str) -> str:
    """NFKC plus the operator symbols Chinese keyboards type, so `（a＋b）÷c` reads as `(a+b)/c`."""
    return unicodedata.normalize("NFKC", text).translate(_SYMBOLS).strip()


def parse(text: str) -> Formula:
    """Parse and check a formula; raises FormulaError for anything outside the whitelist."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula.empty")
    src = normalise(text)
    if len(src) > MAX_LENGTH:
        raise FormulaError("formula.too_long", str(len(src)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal" and the like: the SyntaxError says it
            tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        raise FormulaError("formula.syntax", exc.msg or "") from None
    except UnicodeError:  # a lone surrogate (\ud800) pasted from a broken export
        raise FormulaError("formula.syntax", "invalid character") from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("formula.too_deep") from None
    if _paren_depth(src) > MAX_DEPTH:  # ((((a)))) leaves no trace in the tree, but is no honest formula
        raise FormulaError("formula.too_deep")
    names: set[str] = set()
    fn = _compile(tree.body, names, 0)
    if not names:  # "5" or "2 * 3": a constant measures nothing; the indicator would score the same for all
        raise FormulaError("formula.constant")
    return Formula(text=src, names=frozenset(names), _fn=fn)


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def _compile(node: ast.AST, names: set[str], depth: int) -> Evaluator:
    if depth > MAX_DEPTH:
        raise FormulaError("formula.too_deep")
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FormulaError("formula.bad_constant", repr(value)[:40])
        try:
            number = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise FormulaError("formula.bad_constant", repr(value)[:40]) from None
        if not math.isfinite(number):
            raise FormulaError("formula.bad_constant", repr(value)[:40])
        return lambda env: number
    if isinstance(node, ast.Name):
        name = node.id
        names.add(name)
        return lambda env: float(env[name])  # type: ignore[arg-type]
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise FormulaError("formula.bad_operator", type(node.op).__name__)
        left = _compile(node.left, names, depth + 1)
        right = _compile(node.right, names, depth + 1)
        return lambda env: _finite(op(left(env), right(env)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _compile(node.operand, names, depth + 1)
        if isinstance(node.op, ast.USub):
            return lambda env: -inner(env)
        return inner
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise FormulaError("formula.bad_call", ast.unparse(node.func)[:40])
        if node.keywords or not node.args or any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError("formula.bad_call", node.func.id)
        if node.func.id in _UNARY:
            if len(node.args) != 1:
                raise FormulaError("formula.bad_call", node.func.id)
            return _unary(node.func.id, node.args[0], names, depth)
        if node.func.id == "abs" and len(node.args) != 1:
            raise FormulaError("formula.bad_call", "abs")
        func = _FUNCS[node.func.id]
        args = [_compile(a, names, depth + 1) for a in node.args]
        if len(args) == 1 and node.func.id != "abs":
            only = args[0]
            return lambda env: only(env)
        return lambda env: float(func(*(a(env) for a in args)))
    raise FormulaError("formula.not_allowed", type(node).__name__)


def _unary(name: str, arg_node: ast.AST, names: set[str], depth: int) -> Evaluator:
    """ln, log10, sqrt, exp of one argument, refusing a value outside the function's domain."""
    own: set[str] = set()
    arg = _compile(arg_node, own, depth + 1)
    names |= own
    func, inside = _UNARY[name]
    arg_names = frozenset(own)

    def call(env: Mapping[str, float | None]) -> float:
        x = arg(env)
        if not inside(x):
            raise NotComputable(name, x, arg_names)
        try:
            return _finite(func(x))
        except (OverflowError, ValueError):  # exp(1000); ValueError cannot happen inside the domain
            raise NotComputable(name, x, arg_names) from None

    return call


def fraction(text: str | None) -> tuple[str, str] | None:
    """The numerator and denominator fields of a rate formula (`a / b`, `a / b * 100`, `100 * a / b`);
    None for anything else, where no single count is "the events" a reader should see."""
    if not text:
        return None
    try:
        node = ast.parse(normalise(text), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError, UnicodeError):
        return None
    # Strip a scaling by a constant on either side: × 100 for percents, × 1000 per thousand.
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        if isinstance(node.right, ast.Constant):
            node = node.left
        elif isinstance(node.left, ast.Constant):
            node = node.right
        else:
            return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        top, bottom = node.left, node.right
        if isinstance(top, ast.BinOp) and isinstance(top.op, ast.Mult) and isinstance(top.left, ast.Constant):
            top = top.right  # 100 * a / b parses as (100 * a) / b
        if isinstance(top, ast.Name) and isinstance(bottom, ast.Name):
            return top.id, bottom.id
    return None
