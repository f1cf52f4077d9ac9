"""Long ARRAY<STRING> / ARRAY<INT64> script variables as SQL literals (engine patch 13).

bqemulator passes each script variable to DuckDB as a positional parameter ($1, $2, ...),
once per reference. DuckDB's Python client converts a list parameter element by element,
about 50 us each: a 10,000-id array costs half a second per reference, and
customers.unpack() reads its batch's customer list in six statements. A list literal of
the same values is parsed in a few milliseconds, so long lists of strings or integers are
written into the statement instead, and the other parameters renumbered.
"""

from __future__ import annotations

import re
from typing import Any

# Shorter lists bind in under a few milliseconds: left as parameters.
MIN_INLINED_LENGTH = 64

# Quoted text, quoted identifiers and comments of DuckDB SQL, where $N is not a parameter.
_SKIPPED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.DOTALL)
_PARAMETER = re.compile(r"\$(\d+)(?!\d)")


def _literal(values: list) -> str | None:
    """A typed DuckDB list literal of values, or None when they are not all str or all int."""
    present = [v for v in values if v is not None]
    if present and all(type(v) is str for v in present):
        if any("\x00" in v for v in present):
            return None
        items = ("NULL" if v is None else "'" + v.replace("'", "''") + "'" for v in values)
        return "[" + ", ".join(items) + "]::VARCHAR[]"
    if present and all(type(v) is int and -(2**63) <= v < 2**63 for v in present):
        return "[" + ", ".join("NULL" if v is None else str(v) for v in values) + "]::BIGINT[]"
    return None


def inline_list_parameters(sql: str, parameters: list[Any] | None):
    """(sql, parameters) with long list parameters written as literals.

    Only for statements whose placeholders are exactly $1 .. $n for n parameters; anything
    else is returned unchanged.
    """
    if not parameters:
        return sql, parameters
    literals = {}
    for index, value in enumerate(parameters, start=1):
        if isinstance(value, list) and len(value) >= MIN_INLINED_LENGTH:
            literal = _literal(value)
            if literal is not None:
                literals[index] = literal
    if not literals:
        return sql, parameters
    pieces = []
    position = 0
    used = set()
    for skipped in _SKIPPED.finditer(sql):
        pieces.append((sql[position : skipped.start()], True))
        pieces.append((skipped.group(), False))
        position = skipped.end()
    pieces.append((sql[position:], True))
    for code, is_code in pieces:
        if is_code:
            used.update(int(n) for n in _PARAMETER.findall(code))
    if used != set(range(1, len(parameters) + 1)):
        return sql, parameters
    kept = [i for i in range(1, len(parameters) + 1) if i not in literals]
    renumbered = {old: new for new, old in enumerate(kept, start=1)}

    def replace(match: re.Match) -> str:
        index = int(match.group(1))
        return literals[index] if index in literals else f"${renumbered[index]}"

    rewritten = "".join(_PARAMETER.sub(replace, code) if is_code else code for code, is_code in pieces)
    return rewritten, [parameters[i - 1] for i in kept] or None
