"""Reading `featurevisor.config.js` without Node when it is only `module.exports = {literal}`.

Starting Node costs more than a whole small build, and most configs are a plain object literal.
This reads exactly that subset (comments, `"use strict"`, objects, arrays, strings, decimal
numbers, true/false/null/undefined, trailing commas) and gives up (returns None) on anything
else, so the caller evaluates the file with Node instead. Never a guess: any unsupported token
means None.
"""

from __future__ import annotations

import enum
import re
from typing import Final

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.jsjson import js_key_order

_TOKEN = re.compile(
    r"""(?P<skip>\s+|//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?(?![\w$.]))
    |(?P<name>[A-Za-z_$][\w$]*)
    |(?P<punct>[{}\[\]:,;=.])""",
    re.S | re.X,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}
_ESCAPES.update({"'": "'", '"': '"'})
_LITERALS: dict[str, JSON] = {"true": True, "false": False, "null": None}


class _Undefined(enum.Enum):
    """JavaScript `undefined`: dropped from objects and null in arrays, as JSON.stringify does."""

    VALUE = "undefined"


_UNDEFINED: Final = _Undefined.VALUE


class _Unsupported(Exception):
    pass


def _decode_string(token: str) -> str:
    body = token[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        escape = body[i + 1]
        if escape in _ESCAPES:
            out.append(_ESCAPES[escape])
            i += 2
        elif escape == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            raise _Unsupported
    return "".join(out)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise _Unsupported
        if match.lastgroup != "skip":
            tokens.append((match.lastgroup, match.group()))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            return ("end", "")
        return self.tokens[self.position]

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (text is not None and token[1] != text):
            raise _Unsupported
        self.position += 1
        return token

    def value(self) -> JSON | _Undefined:
        kind, text = self.take()
        if kind == "string":
            return _decode_string(text)
        if kind == "number":
            number = float(text)
            return int(number) if number.is_integer() and abs(number) <= 2**53 else number
        if kind == "name":
            if text in _LITERALS:
                return _LITERALS[text]
            if text == "undefined":
                return _UNDEFINED
            raise _Unsupported
        if text == "{":
            return self.object()
        if text == "[":
            return self.array()
        raise _Unsupported

    def object(self) -> JSONObject:
        result: JSONObject = {}
        while self.peek()[1] != "}":
            kind, text = self.take()
            if kind == "name":
                key = text
            elif kind == "string":
                key = _decode_string(text)
            else:
                raise _Unsupported
            if key == "__proto__":
                raise _Unsupported
            self.take(":")
            value = self.value()
            if value is _UNDEFINED:
                result.pop(key, None)  # JSON.stringify drops undefined properties
            else:
                result[key] = value
            if self.peek()[1] != "}":
                self.take(",")
        self.take("}")
        return js_key_order(result)

    def array(self) -> list[JSON]:
        result: list[JSON] = []
        while self.peek()[1] != "]":
            value = self.value()
            result.append(None if value is _UNDEFINED else value)
            if self.peek()[1] != "]":
                self.take(",")
        self.take("]")
        return result


def parse_literal_config(text: str) -> JSONObject | None:
    """The exported object if the file is only `module.exports = {literal}`, else None."""
    try:
        parser = _Parser(_tokens(text))
        if parser.peek() == ("string", '"use strict"') or parser.peek() == (
            "string",
            "'use strict'",
        ):
            parser.take()
            if parser.peek()[1] == ";":
                parser.take()
        for expected in ("module", ".", "exports", "="):
            parser.take(expected)
        parser.take("{")
        config = parser.object()
        if parser.peek()[1] == ";":
            parser.take()
        if parser.peek()[0] != "end":
            return None
        return config
    except (_Unsupported, IndexError, ValueError):
        return None
