"""DynamoDB expressions: a tokenizer and recursive-descent parser for condition, key condition,
filter, projection and update expressions, resolving #name and :value placeholders.

Grammar (DG/Expressions.OperatorsAndFunctions.html, DG/Expressions.UpdateExpressions.html):

    condition  ::= disjunct (OR disjunct)*
    disjunct   ::= conjunct (AND conjunct)*
    conjunct   ::= NOT conjunct | '(' condition ')' | function | comparison
    comparison ::= operand (= | <> | < | <= | > | >=) operand
                 | operand BETWEEN operand AND operand
                 | operand IN '(' operand (',' operand)* ')'
    function   ::= attribute_exists(path) | attribute_not_exists(path) | attribute_type(path, :t)
                 | begins_with(path, operand) | contains(path, operand)
    operand    ::= path | :value | size(path)
    path       ::= element ('.' element | '[' digits ']')*      element ::= name | #name
    projection ::= path (',' path)*
    update     ::= (SET set (',' set)* | REMOVE path (',' path)* | ADD path :v (',' path :v)*
                   | DELETE path :v (',' path :v)*)+          each clause at most once
    set        ::= path '=' value      value ::= term | term '+' term | term '-' term
    term       ::= operand | if_not_exists(path, term) | list_append(term, term)

Precedence, low to high: OR, AND, NOT, then comparisons, BETWEEN, IN and functions; parentheses
override. Keywords and function names are case-insensitive; an attribute name that is one of
DynamoDB's reserved words must be written through a #placeholder (DG/ReservedWords.html).
Every malformed expression raises a ValidationException naming the offending token and its
character position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.model import limits
from engine.sandbox.errors import SandboxError, validation
from engine.sandbox.reserved_words import RESERVED_WORDS

KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
UPDATE_CLAUSES = ("SET", "REMOVE", "ADD", "DELETE")
COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
CONDITION_FUNCTIONS = frozenset(
    {"attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"}
)
OPERAND_FUNCTIONS = frozenset({"size"})
UPDATE_FUNCTIONS = frozenset({"if_not_exists", "list_append"})
ALL_FUNCTIONS = CONDITION_FUNCTIONS | OPERAND_FUNCTIONS | UPDATE_FUNCTIONS
ATTRIBUTE_TYPES = frozenset({"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"})
# engine.model.limits: 100 IN values, 4 KB of expression text, 300 operators or functions (DG/ServiceQuotas.html)
MAX_IN_OPERANDS, MAX_EXPRESSION_BYTES, MAX_EXPRESSION_OPERATORS = (
    limits.MAX_IN_OPERANDS, limits.MAX_EXPRESSION_BYTES, limits.MAX_EXPRESSION_OPERATORS)
# DynamoDB documents no nesting limit; the parser is recursive, so parentheses are capped well below Python's
# recursion limit (a request nesting deeper gets a ValidationException instead of an internal error).
MAX_EXPRESSION_NESTING = 100

PathElement = str | int


# ---------------------------------------------------------------------------------------- AST
@dataclass(frozen=True, slots=True)
class Path:
    """A document path: attribute names (str) and list indexes (int), placeholders resolved."""

    elements: tuple[PathElement, ...]

    def __str__(self) -> str:
        out = ""
        for el in self.elements:
            out += f"[{el}]" if isinstance(el, int) else (f".{el}" if out else el)
        return out


@dataclass(frozen=True, slots=True)
class Value:
    """A :placeholder resolved to its DynamoDB JSON value."""

    placeholder: str
    value: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Size:
    """size(path): length of a string/binary, or element count of a set, list or map."""

    path: Path


@dataclass(frozen=True, slots=True)
class IfNotExists:
    """if_not_exists(path, fallback): the attribute's value, or the fallback when it is absent."""

    path: Path
    fallback: Any


@dataclass(frozen=True, slots=True)
class ListAppend:
    """list_append(a, b): the concatenation of two lists."""

    first: Any
    second: Any


@dataclass(frozen=True, slots=True)
class Arithmetic:
    """term + term or term - term on numbers."""

    operator: str
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Compare:
    """operand comparator operand."""

    operator: str
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Between:
    """operand BETWEEN low AND high (inclusive)."""

    operand: Any
    low: Any
    high: Any


@dataclass(frozen=True, slots=True)
class In:
    """operand IN (options...)."""

    operand: Any
    options: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Function:
    """A boolean function: attribute_exists, attribute_not_exists, attribute_type, begins_with, contains."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class And:
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Or:
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Not:
    operand: Any


@dataclass(frozen=True, slots=True)
class UpdatePlan:
    """A parsed update expression, one list per clause."""

    set_actions: tuple[tuple[Path, Any], ...] = ()
    remove_paths: tuple[Path, ...] = ()
    add_actions: tuple[tuple[Path, Value], ...] = ()
    delete_actions: tuple[tuple[Path, Value], ...] = ()

    def paths(self) -> tuple[Path, ...]:
        """Every path the update writes, in clause order."""
        return (
            *(p for p, _ in self.set_actions),
            *self.remove_paths,
            *(p for p, _ in self.add_actions),
            *(p for p, _ in self.delete_actions),
        )


# ----------------------------------------------------------------------------------- tokenizer
@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NAME, NAMEREF (#x), VALUEREF (:x), INT, EOF, or the punctuation itself
    text: str
    position: int  # 0-based character offset in the expression


_PUNCTUATION_2 = ("<>", "<=", ">=")
_PUNCTUATION_1 = frozenset("()[],.=<>+-")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def tokenize(text: str, kind: str) -> list[Token]:
    """Split an expression into tokens; an unknown character is a ValidationException."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        if ch in "#:":
            i += 1
            while i < n and _is_word_char(text[i]):
                i += 1
            if i == start + 1:
                _fail_at(kind, text, tokens, Token("CHAR", ch, start))
            tokens.append(Token("NAMEREF" if ch == "#" else "VALUEREF", text[start:i], start))
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            while i < n and _is_word_char(text[i]):
                i += 1
            tokens.append(Token("NAME", text[start:i], start))
        elif ch.isascii() and ch.isdigit():
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
            tokens.append(Token("INT", text[start:i], start))
        elif text[i:i + 2] in _PUNCTUATION_2:
            tokens.append(Token(text[i:i + 2], text[i:i + 2], start))
            i += 2
        elif ch in _PUNCTUATION_1:
            tokens.append(Token(ch, ch, start))
            i += 1
        else:
            _fail_at(kind, text, tokens, Token("CHAR", ch, start))
    tokens.append(Token("EOF", "<EOF>", n))
    return tokens


def _fail_at(kind: str, text: str, tokens: list[Token], bad: Token) -> None:
    raise validation(f"Invalid {kind}: Syntax error; token: \"{bad.text}\", near: "
                     f"\"{_near(text, tokens, bad)}\" (at character {bad.position + 1})")


def _near(text: str, tokens: list[Token], bad: Token) -> str:
    """The text from the token before the offending one through the token after it."""
    start = bad.position
    for tok in tokens:
        if tok.position < bad.position:
            start = tok.position
    end = min(len(text), bad.position + max(len(bad.text), 1))
    for tok in tokens:
        if tok.position > bad.position and tok.kind != "EOF":
            end = tok.position + len(tok.text)
            break
    return text[start:end] if bad.kind != "EOF" or start < len(text) else text


# -------------------------------------------------------------------------------------- parser
@dataclass
class Placeholders:
    """ExpressionAttributeNames/Values of a request and which of them the expressions used."""

    names: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)
    used_values: set[str] = field(default_factory=set)

    def check_all_used(self) -> None:
        """DynamoDB rejects a request whose names or values an expression never uses."""
        unused_names = sorted(set(self.names) - self.used_names)
        if unused_names:
            raise validation("Value provided in ExpressionAttributeNames unused in expressions: "
                             f"keys: {{{', '.join(unused_names)}}}")
        unused_values = sorted(set(self.values) - self.used_values)
        if unused_values:
            raise validation("Value provided in ExpressionAttributeValues unused in expressions: "
                             f"keys: {{{', '.join(unused_values)}}}")


class _Parser:
    """Recursive descent over the token list; `kind` names the expression in messages."""

    def __init__(self, text: str, kind: str, placeholders: Placeholders) -> None:
        if not isinstance(text, str):
            raise validation(f"Invalid {kind}: expected a string, got {type(text).__name__}")
        if not text.strip():
            raise validation(f"Invalid {kind}: The expression can not be empty;")
        if len(text.encode("utf-8")) > MAX_EXPRESSION_BYTES:
            raise validation(f"Invalid {kind}: Expression size has exceeded the maximum allowed size "
                             f"({MAX_EXPRESSION_BYTES} bytes)")
        self.text = text
        self.kind = kind
        self.ph = placeholders
        self.tokens = tokenize(text, kind)
        self.index = 0
        self._check_limits()

    def _check_limits(self) -> None:
        """DynamoDB's operator limit, and a nesting cap that keeps the recursive descent bounded."""
        depth = deepest = operators = 0
        for i, tok in enumerate(self.tokens):
            if tok.kind == "(":
                depth += 1
                deepest = max(deepest, depth)
            elif tok.kind == ")":
                depth -= 1
            if tok.kind in COMPARATORS or (tok.kind == "NAME" and (
                    tok.text.upper() in KEYWORDS or self.tokens[i + 1].kind == "(")):
                operators += 1
        if operators > MAX_EXPRESSION_OPERATORS:
            raise validation(f"Invalid {self.kind}: The expression contains too many operators or functions "
                             f"({operators}; the maximum is {MAX_EXPRESSION_OPERATORS})")
        if deepest > MAX_EXPRESSION_NESTING:
            raise validation(f"Invalid {self.kind}: The expression nests parentheses {deepest} deep; the sandbox "
                             f"reads at most {MAX_EXPRESSION_NESTING}")

    # -- token helpers
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        tok = self.tokens[self.index]
        if tok.kind != "EOF":
            self.index += 1
        return tok

    def is_keyword(self, word: str, offset: int = 0) -> bool:
        tok = self.tokens[min(self.index + offset, len(self.tokens) - 1)]
        return tok.kind == "NAME" and tok.text.upper() == word

    def expect(self, kind: str) -> Token:
        if self.current.kind != kind:
            self.syntax_error()
        return self.advance()

    def expect_keyword(self, word: str) -> None:
        if not self.is_keyword(word):
            self.syntax_error()
        self.advance()

    def syntax_error(self, tok: Token | None = None) -> None:
        _fail_at(self.kind, self.text, self.tokens, tok or self.current)

    def error(self, message: str) -> SandboxError:
        return validation(f"Invalid {self.kind}: {message}")

    def finish(self) -> None:
        if self.current.kind != "EOF":
            self.syntax_error()

    # -- paths and operands
    def path(self) -> Path:
        elements: list[PathElement] = [self.path_name()]
        while True:
            if self.current.kind == ".":
                self.advance()
                elements.append(self.path_name())
            elif self.current.kind == "[":
                self.advance()
                tok = self.expect("INT")
                self.expect("]")
                elements.append(int(tok.text))
            else:
                return Path(tuple(elements))

    def path_name(self) -> str:
        tok = self.current
        if tok.kind == "NAMEREF":
            self.advance()
            if tok.text not in self.ph.names:
                raise self.error("An expression attribute name used in the document path is not "
                                 f"defined; attribute name: {tok.text}")
            self.ph.used_names.add(tok.text)
            return self.ph.names[tok.text]
        if tok.kind != "NAME" or tok.text.upper() in KEYWORDS or self.tokens[self.index + 1].kind == "(":
            self.syntax_error()
        if tok.text.upper() in RESERVED_WORDS:
            # DynamoDB's exact wording, e.g. "Invalid UpdateExpression: Attribute name is a reserved keyword;
            # reserved keyword: status" (DG/ReservedWords.html); the fix is an ExpressionAttributeNames placeholder
            raise self.error(f"Attribute name is a reserved keyword; reserved keyword: {tok.text}")
        self.advance()
        return tok.text

    def value_ref(self) -> Value:
        tok = self.expect("VALUEREF")
        if tok.text not in self.ph.values:
            raise self.error("An expression attribute value used in expression is not defined; "
                             f"attribute value: {tok.text}")
        self.ph.used_values.add(tok.text)
        return Value(tok.text, self.ph.values[tok.text])

    def function_name(self) -> str | None:
        """The lower-cased function name when the current token starts a call, else None."""
        tok = self.current
        if tok.kind == "NAME" and self.tokens[self.index + 1].kind == "(":
            name = tok.text.lower()
            if name not in ALL_FUNCTIONS:
                raise self.error(f"Invalid function name; function: {tok.text} "
                                 f"(at character {tok.position + 1})")
            return name
        return None

    def operand(self, allow_update_functions: bool = False) -> Any:
        tok = self.current
        if tok.kind == "VALUEREF":
            return self.value_ref()
        name = self.function_name()
        if name is None:
            return self.path()
        if name == "size" and not allow_update_functions:
            return Size(self.call_args(name, paths=(0,), arity=1)[0])
        if name in UPDATE_FUNCTIONS and allow_update_functions:
            return self.update_function(name)
        where = "an update expression" if allow_update_functions else "this expression"
        raise self.error(f"The function is not allowed to be used this way in {where}; "
                         f"function: {name} (at character {tok.position + 1})")

    def call_args(self, name: str, paths: tuple[int, ...], arity: int,
                  term: bool = False) -> list[Any]:
        """Parse `name(arg, ...)`; arguments at `paths` must be document paths."""
        start = self.advance()
        self.expect("(")
        args: list[Any] = []
        while True:
            args.append(self.update_term() if term else self.operand())
            if self.current.kind != ",":
                break
            self.advance()
        self.expect(")")
        if len(args) != arity:
            raise self.error(f"Incorrect number of operands for operator or function; operator or "
                             f"function: {name}, number of operands: {len(args)} "
                             f"(at character {start.position + 1})")
        for i in paths:
            if not isinstance(args[i], Path):
                raise self.error("Operator or function requires a document path; operator or "
                                 f"function: {name} (at character {start.position + 1})")
        return args

    # -- conditions
    def condition(self) -> Any:
        node = self.conjunction()
        while self.is_keyword("OR"):
            self.advance()
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Any:
        node = self.negation()
        while self.is_keyword("AND"):
            self.advance()
            node = And(node, self.negation())
        return node

    def negation(self) -> Any:
        if self.is_keyword("NOT"):
            self.advance()
            return Not(self.negation())
        if self.current.kind == "(":
            self.advance()
            node = self.condition()
            self.expect(")")
            return node
        name = self.function_name()
        if name in CONDITION_FUNCTIONS:
            return self.condition_function(name)
        return self.comparison()

    def condition_function(self, name: str) -> Function:
        start = self.current
        arity = 1 if name in ("attribute_exists", "attribute_not_exists") else 2
        args = self.call_args(name, paths=(0,), arity=arity)
        if name == "attribute_type":
            arg = args[1]
            kind = next(iter(arg.value), None) if isinstance(arg, Value) else None
            if kind != "S" or arg.value["S"] not in ATTRIBUTE_TYPES:
                raise self.error(f"Invalid type for attribute_type: {arg.value if isinstance(arg, Value) else arg}; "
                                 f"expected one of {', '.join(sorted(ATTRIBUTE_TYPES))} "
                                 f"(at character {start.position + 1})")
        return Function(name, tuple(args))

    def comparison(self) -> Any:
        left = self.operand()
        tok = self.current
        if tok.kind in COMPARATORS:
            self.advance()
            return Compare(tok.kind, left, self.operand())
        if self.is_keyword("BETWEEN"):
            self.advance()
            low = self.operand()
            self.expect_keyword("AND")
            return Between(left, low, self.operand())
        if self.is_keyword("IN"):
            self.advance()
            return In(left, self.in_options())
        self.syntax_error()  # an operand alone is not a condition
        raise AssertionError("unreachable")

    def in_options(self) -> tuple[Any, ...]:
        start = self.expect("(")
        options = [self.operand()]
        while self.current.kind == ",":
            self.advance()
            options.append(self.operand())
        self.expect(")")
        if len(options) > MAX_IN_OPERANDS:
            raise self.error(f"The IN operator takes at most {MAX_IN_OPERANDS} operands; got "
                             f"{len(options)} (at character {start.position + 1})")
        return tuple(options)

    # -- update expressions
    def update(self) -> UpdatePlan:
        clauses: dict[str, list[Any]] = {}
        if self.current.kind == "EOF":
            self.syntax_error()
        while self.current.kind != "EOF":
            tok = self.current
            clause = tok.text.upper() if tok.kind == "NAME" else ""
            if clause not in UPDATE_CLAUSES:
                self.syntax_error()
            if clause in clauses:
                raise self.error(f"The \"{clause}\" section can only be used once in an update "
                                 f"expression; (at character {tok.position + 1})")
            self.advance()
            clauses[clause] = self.update_actions(clause)
        return UpdatePlan(
            set_actions=tuple(clauses.get("SET", ())),
            remove_paths=tuple(clauses.get("REMOVE", ())),
            add_actions=tuple(clauses.get("ADD", ())),
            delete_actions=tuple(clauses.get("DELETE", ())),
        )

    def update_actions(self, clause: str) -> list[Any]:
        actions = [self.update_action(clause)]
        while self.current.kind == ",":
            self.advance()
            actions.append(self.update_action(clause))
        return actions

    def update_action(self, clause: str) -> Any:
        path = self.path()
        if clause == "REMOVE":
            return path
        if clause == "SET":
            self.expect("=")
            return (path, self.set_value())
        if self.current.kind != "VALUEREF":
            self.syntax_error()
        return (path, self.value_ref())

    def set_value(self) -> Any:
        left = self.update_term()
        if self.current.kind in ("+", "-"):
            op = self.advance().kind
            return Arithmetic(op, left, self.update_term())
        return left

    def update_term(self) -> Any:
        name = self.function_name()
        if name in UPDATE_FUNCTIONS:
            return self.update_function(name)
        return self.operand(allow_update_functions=True)

    def update_function(self, name: str) -> Any:
        if name == "if_not_exists":
            path, fallback = self.call_args(name, paths=(0,), arity=2, term=True)
            return IfNotExists(path, fallback)
        first, second = self.call_args(name, paths=(), arity=2, term=True)
        return ListAppend(first, second)

    # -- projections
    def projection(self) -> tuple[Path, ...]:
        paths = [self.path()]
        while self.current.kind == ",":
            self.advance()
            paths.append(self.path())
        return tuple(paths)


# ----------------------------------------------------------------------------------- front door
def parse_condition(text: str, placeholders: Placeholders, kind: str = "ConditionExpression") -> Any:
    """A condition, filter or key condition expression as an AST."""
    parser = _Parser(text, kind, placeholders)
    node = parser.condition()
    parser.finish()
    return node


def parse_projection(text: str, placeholders: Placeholders) -> tuple[Path, ...]:
    """A projection expression: the document paths to return."""
    parser = _Parser(text, "ProjectionExpression", placeholders)
    paths = parser.projection()
    parser.finish()
    _check_overlaps(paths, "ProjectionExpression")
    return paths


def parse_update(text: str, placeholders: Placeholders) -> UpdatePlan:
    """An update expression: SET/REMOVE/ADD/DELETE actions."""
    parser = _Parser(text, "UpdateExpression", placeholders)
    plan = parser.update()
    parser.finish()
    _check_overlaps(plan.paths(), "UpdateExpression")
    return plan


def _check_overlaps(paths: tuple[Path, ...], kind: str) -> None:
    """Two paths where one is a prefix of (or equal to) the other are rejected by DynamoDB."""
    for i, first in enumerate(paths):
        for second in paths[i + 1:]:
            shorter = min(len(first.elements), len(second.elements))
            if first.elements[:shorter] == second.elements[:shorter]:
                raise validation(
                    f"Invalid {kind}: Two document paths overlap with each other; must remove or "
                    f"rewrite one of these paths; path one: [{first}], path two: [{second}]")


def make_placeholders(request: Mapping[str, Any]) -> Placeholders:
    """The request's ExpressionAttributeNames/Values, validated for shape."""
    names = request.get("ExpressionAttributeNames")
    values = request.get("ExpressionAttributeValues")
    for label, mapping, prefix in (("Names", names, "#"), ("Values", values, ":")):
        if mapping is None:
            continue
        if not isinstance(mapping, Mapping) or not mapping:
            raise validation(f"ExpressionAttribute{label} must not be empty")
        for key in mapping:
            if not isinstance(key, str) or not key.startswith(prefix) or len(key) < 2:
                raise validation(f"ExpressionAttribute{label} contains invalid key: Syntax error; "
                                 f"key: \"{key}\"")
            if label == "Names" and (not isinstance(mapping[key], str) or not mapping[key]):
                raise validation(f"ExpressionAttributeNames contains invalid value: Empty or non-text "
                                 f"attribute name for key {key}")
    return Placeholders(names=names or {}, values=values or {})
