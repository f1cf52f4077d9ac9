"""Runs the bqemulator CLI with landfall's fixes for BigQuery SQL it gets wrong.

scripts/engine.sh starts the engine through this file instead of the `bqemulator`
console script, so the SQL in routines/ stays plain BigQuery SQL that deploys
unchanged to Google Cloud. Each patch below replaces one private function of
bqemulator 1.4.0; EngineCompatibilityTest covers each, so an engine upgrade that
changes them fails loudly instead of silently. Fixed here:

1. Procedure bodies end at the first END: `END IF`, `END LOOP`, a `CASE ... END`
   expression or `BEGIN TRANSACTION` inside a procedure broke CREATE PROCEDURE.
2. `OPTIONS(...)` on CREATE PROCEDURE (before BEGIN) and CREATE TABLE FUNCTION
   (before AS) and after a scalar function's `AS (...)` was a syntax error. The
   options are accepted and dropped (routine descriptions are not stored).
3. An uncaught `RAISE USING MESSAGE` came back as HTTP 500 "An internal error
   occurred", losing the message; it is now the job's error, as in BigQuery.
4. A bare `NUMERIC`/`DECIMAL` type (column DDL, CAST, SAFE_CAST, DECLARE) became
   DuckDB's DECIMAL(18, 3): values rounded to 3 decimals. It is now
   DECIMAL(38, 9), which is exactly BigQuery NUMERIC.
5. `@@error.message` in an exception handler was a DuckDB syntax error; it now
   reads the caught error's message (the variable bqemulator keeps it in).
6. AVRO load jobs needed DuckDB's avro extension, a download at engine start.
   They now always decode with fastavro (a pinned wheel) and insert by column
   name, as BigQuery matches Avro fields to columns by name.
7. `UPPER(s)` ran as a Python UDF for every row (about 125 us a row: two minutes
   per million lake rows). ASCII strings now use DuckDB's native upper, which is
   exact for them; others still take the UDF, whose full Unicode case mapping
   (`ß` -> `SS`) is BigQuery's and which DuckDB's upper lacks.
8. A query result over one page (10,000 rows) could not be read whole: clients
   read the next pages with tabledata.list on the job's destination table, an
   anonymous table (`_bqemu_anonymous.anon<job id>`) that get_table knows but
   tabledata.list answered with 404. tabledata.list now pages through the job's
   result, as getQueryResults does.
9. `TRIM(s)`, `LTRIM(s)` and `RTRIM(s)` removed spaces only (DuckDB's default);
   BigQuery removes every Unicode White_Space character (tab, line breaks, no-break
   space, ideographic space, ...). The one-argument forms now pass that set.
10. `SET (a, b) = (SELECT AS STRUCT x, y FROM t)`, BigQuery's form for setting
   several variables from one query, failed (the row had one STRUCT column for
   n variables). The struct's fields now set the variables in order.
11. Named query parameters of a script (a `CALL p(@x)` job, as the erase command
   sends: the customer id must stay out of the job's query text) were not bound:
   "Values were not provided for ... parameters". A script's scalar STRING, BOOL
   and INT64 parameters are now bound as literals before it runs.
12. `FARM_FINGERPRINT(s)` was a row-at-a-time Python UDF: DuckDB spends about 90 us a
   row calling into Python (first `CALL transactions.unpack()` of 1M rows: 96 s of
   97 s in the statement that fingerprints every typed row), and bqemulator's port
   of FarmHash gave other values than BigQuery for every input over 64 bytes. It is
   now farm_fingerprint.py: Fingerprint64, bit for bit, over a whole vector at once
   (about 0.5 s per million values).
13. A script variable holding a long array (customers.unpack()'s batch of 10,000 customer
   ids) cost about 0.5 s per statement that referenced it: DuckDB's Python client converts
   a list parameter element by element. Lists of 64 or more strings or integers are now
   written into the statement as a typed list literal (list_parameters.py), a few ms.

Not a fix, a tool: with LANDFALL_ENGINE_PROFILE=1 in the engine's environment, every
query a script runs (statements, SET and IF expressions) and every transaction
snapshot is logged to stderr (the engine's log) with its seconds, split into
translating and running: `landfall.profile ...` lines, to find what a CALL spends.
"""

from __future__ import annotations

import os
import re
import sys
import time

import bqemulator
from bqemulator.api.routes import tabledata as tabledata_routes
from bqemulator.domain.errors import InvalidQueryError, ResourceRef, resource_not_found
from bqemulator.jobs import executor
from bqemulator.scripting import interpreter as script_interpreter
from bqemulator.scripting import parser as script_parser
from bqemulator.scripting.ast import CreateFunctionStmt, CreateProcedureStmt
from bqemulator.scripting.exceptions import ScriptRaise
from bqemulator.sql import builtin_udfs
from bqemulator.sql import translator
from bqemulator.sql.rules import TranslationRule, register
from bqemulator.sql.rules.string_helpers import UpperUnicodeRule
from bqemulator.storage.arrow_bridge import arrow_table_to_bq_rows
from bqemulator.storage.engine import DuckDBEngine
from fastapi import Query
from sqlglot import exp

# Modules beside this file (its folder is on sys.path when it runs as the engine's script).
from farm_fingerprint import farm_fingerprint_arrow
from list_parameters import inline_list_parameters

PATCHED_VERSION = "1.4.0"

# Words after END that close a construct whose opening the body scan does not count.
_END_SUFFIXES = frozenset({"IF", "LOOP", "WHILE", "REPEAT", "FOR"})


def _word(token) -> str:
    return token.value.upper() if token.kind in ("KEYWORD", "IDENT") else ""


def _capture_balanced_block(self) -> str:
    """Raw source between BEGIN and its matching END (patch 1).

    Counts BEGIN blocks and CASE expressions, both closed by a bare END; skips
    END IF / END LOOP / END WHILE / END REPEAT / END FOR, and BEGIN TRANSACTION
    (or `BEGIN;`), which opens no block.
    """
    cursor = self._cursor
    start = cursor.pos
    depth = 1
    while not cursor.at_eof():
        token = cursor.current
        word = _word(token)
        following = cursor.peek(1)
        if word == "BEGIN":
            starts_transaction = _word(following) in ("TRANSACTION", "TRAN") or (
                following.kind == "PUNCT" and following.value == ";"
            )
            if not starts_transaction:
                depth += 1
        elif word == "CASE":
            depth += 1
        elif word == "END":
            if _word(following) in _END_SUFFIXES:
                cursor.advance()  # END; the suffix is consumed below
            else:
                depth -= 1
                if depth == 0:
                    body = cursor.slice(start, cursor.pos)
                    cursor.advance()
                    return body
        cursor.advance()
    raise InvalidQueryError("Unterminated BEGIN ... END block")


def _skip_options(self) -> None:
    """Consumes an `OPTIONS(...)` clause at the cursor, if there is one (patch 2)."""
    cursor = self._cursor
    if _word(cursor.current) != "OPTIONS":
        return
    following = cursor.peek(1)
    if following.kind != "PUNCT" or following.value != "(":
        return
    cursor.advance()
    cursor.advance()
    depth = 1
    while not cursor.at_eof() and depth > 0:
        token = cursor.advance()
        if token.kind == "PUNCT" and token.value == "(":
            depth += 1
        elif token.kind == "PUNCT" and token.value == ")":
            depth -= 1
    if depth:
        raise InvalidQueryError("Unterminated OPTIONS (...) clause")


def _parse_procedure_rest(self, *, or_replace: bool) -> CreateProcedureStmt:
    """bqemulator's version, plus OPTIONS before BEGIN (patch 2)."""
    name = self._read_dotted_name()
    args = self._parse_routine_arg_list(for_procedure=True)
    _skip_options(self)
    self._cursor.expect_keyword("BEGIN")
    body = self._capture_balanced_block()
    self._consume_optional_semicolon()
    return CreateProcedureStmt(
        name=name,
        arguments=tuple(
            a for a in args if len(a) == script_parser._PROCEDURE_ARG_TUPLE_LEN
        ),
        body=body,
        or_replace=or_replace,
    )


def _parse_function_rest(self, *, or_replace: bool, table_fn: bool) -> CreateFunctionStmt:
    """bqemulator's version, plus OPTIONS before AS and after `AS (...)` (patch 2)."""
    name = self._read_dotted_name()
    args = self._parse_routine_arg_list(for_procedure=False)
    return_type = None
    if self._cursor.match_keyword("RETURNS"):
        self._cursor.advance()
        return_type = script_parser.parse_bq_type_string(self._read_type_name())
    _skip_options(self)

    language = "SQL"
    body = ""
    if self._cursor.match_keyword("LANGUAGE"):
        self._cursor.advance()
        raw_language = self._cursor.advance().value.upper()
        language = "JAVASCRIPT" if raw_language == "JS" else raw_language
        _skip_options(self)
        self._cursor.expect_keyword("AS")
        body = self._read_string_literal()
    elif self._cursor.match_keyword("AS"):
        self._cursor.advance()
        if self._cursor.current.kind == "PUNCT" and self._cursor.current.value == "(":
            body = self._read_parenthesised_body()
        elif table_fn:
            body = self._read_bare_statement_body()
        else:
            raise InvalidQueryError("Expected '(' after AS")
    else:
        raise InvalidQueryError("CREATE FUNCTION requires AS or LANGUAGE ... AS")
    _skip_options(self)

    self._consume_optional_semicolon()
    return CreateFunctionStmt(
        name=name,
        arguments=tuple(args),
        return_type=return_type,
        language=language,
        body=body,
        or_replace=or_replace,
        routine_type="TABLE_VALUED_FUNCTION" if table_fn else "SCALAR_FUNCTION",
    )


_original_run_script = executor._run_script


async def _run_script(interpreter, source, ctx):
    """An uncaught RAISE fails the job with its message, not HTTP 500 (patch 3)."""
    try:
        return await _original_run_script(interpreter, source, ctx)
    except ScriptRaise as raised:
        raise raised.error from raised


_original_run_query_body = executor._run_query_body
_SCRIPT_PARAMETER = re.compile(r"@(\w+)")


def _parameter_literal(param):
    """A BigQuery literal of a scalar STRING, BOOL or INT64 query parameter (patch 11)."""
    kind = param.get("parameterType", {}).get("type", "STRING")
    value = (param.get("parameterValue") or {}).get("value")
    if value is None:
        return f"CAST(NULL AS {kind})"
    if kind == "BOOL":
        return "TRUE" if str(value).lower() == "true" else "FALSE"
    if kind == "INT64":
        return str(int(value))
    if kind == "STRING":
        escaped = (value.replace("\\", "\\\\").replace("'", "\\'")
                   .replace("\n", "\\n").replace("\r", "\\r"))
        return f"'{escaped}'"
    raise ValueError(f"script parameter of type {kind} is not supported locally")


async def _run_query_body(**kwargs):
    """Binds a script's named scalar parameters as literals (patch 11)."""
    params = kwargs.get("query_params")
    if kwargs.get("is_scripted") and params and all(p.get("name") for p in params):
        literals = {p["name"]: _parameter_literal(p) for p in params}
        kwargs["bq_sql"] = _outside_quotes(
            kwargs["bq_sql"],
            lambda code: _SCRIPT_PARAMETER.sub(
                lambda m: literals.get(m.group(1), m.group(0)), code),
        )
        kwargs["query_params"] = None
    return await _original_run_query_body(**kwargs)


# A bare NUMERIC/DECIMAL type name: not part of a longer word (PARSE_NUMERIC,
# BIGNUMERIC), not already parameterised, not a typed literal (NUMERIC '1.5',
# which bqemulator rewrites itself), not a qualified name (x.numeric).
_BARE_NUMERIC = re.compile(r"(?i)(?<![\w.`])(NUMERIC|DECIMAL)(?![\w`])(?!\s*[('\"])")
# Quoted text and comments, which the NUMERIC rewrite leaves alone.
_QUOTED_OR_COMMENT = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`"
    r"|--[^\n]*|#[^\n]*|/\*.*?\*/",
    re.DOTALL,
)
_original_rewrite_numeric_literals = translator.rewrite_numeric_literals


def _rewrite_numeric_literals(bq_sql: str) -> str:
    """bqemulator's literal rewrite, then bare NUMERIC → NUMERIC(38, 9) (patch 4)."""
    bq_sql = _original_rewrite_numeric_literals(bq_sql)
    if not re.search(r"(?i)numeric|decimal", bq_sql):
        return bq_sql
    return _outside_quotes(bq_sql, lambda code: _BARE_NUMERIC.sub(r"\1(38, 9)", code))


def _outside_quotes(sql: str, rewrite) -> str:
    """Applies ``rewrite`` to the parts of ``sql`` outside quoted text and comments."""
    out = []
    position = 0
    for quoted in _QUOTED_OR_COMMENT.finditer(sql):
        out.append(rewrite(sql[position : quoted.start()]))
        out.append(quoted.group())
        position = quoted.end()
    out.append(rewrite(sql[position:]))
    return "".join(out)


_ERROR_MESSAGE = re.compile(r"(?i)@@error\.message\b")
_original_parser_init = script_parser.Parser.__init__


def _parser_init(self, source: str) -> None:
    """Reads @@error.message from the handler's hidden variable (patch 5)."""
    if "@@" in source:
        source = _outside_quotes(
            source, lambda code: _ERROR_MESSAGE.sub("__error_message__", code)
        )
    _original_parser_init(self, source)


def _load_avro(path: str, target_ref: str, ctx) -> None:
    """AVRO loads through fastavro, matching fields to columns by name (patch 6)."""
    arrow_table = executor.read_avro_to_arrow(path)
    view_name = "_landfall_avro_load"
    ctx.engine.connection.register(view_name, arrow_table)
    try:
        ctx.engine.execute(f"INSERT INTO {target_ref} BY NAME SELECT * FROM {view_name}")
    finally:
        ctx.engine.connection.unregister(view_name)


def _upper_rewrite(self, node: exp.Expression) -> exp.Expression:
    """UPPER(s): native upper for ASCII s, the Unicode UDF otherwise (patch 7).

    A string is ASCII exactly when its byte length (strlen) equals its character
    count (length). DuckDB evaluates a CASE branch only for the rows that take it,
    so the UDF runs just for non-ASCII values; NULL stays NULL without a call.
    """
    operand = node.this
    if operand is None:
        return node

    def call(name: str) -> exp.Expression:
        return exp.Anonymous(this=name, expressions=[operand.copy()])

    is_ascii = exp.EQ(this=call("strlen"), expression=call("length"))
    return (
        exp.Case()
        .when(exp.Is(this=operand.copy(), expression=exp.Null()), exp.Null())
        .when(is_ascii, call("upper"))
        .else_(call("bqemu_upper_unicode"))
    )


# Unicode White_Space (tab, LF, VT, FF, CR, space, NEL, no-break space, ...): what
# BigQuery's one-argument TRIM, LTRIM and RTRIM remove.
_UNICODE_WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)


class _TrimUnicodeWhitespaceRule(TranslationRule):
    """TRIM/LTRIM/RTRIM(s) -> the same with BigQuery's whitespace set (patch 9).

    DuckDB's trim with a character set is several times slower than without, so a
    value whose trimmed end(s) start with a visible ASCII character (the usual case)
    is returned as it is, and only the others are trimmed with the set.
    """

    name = "LANDFALL_TRIM_UNICODE_WHITESPACE"

    def applies_to(self, node: exp.Expression) -> bool:
        return isinstance(node, exp.Trim) and node.args.get("expression") is None

    def rewrite(self, node: exp.Expression) -> exp.Expression:
        operand = node.this
        trimmed = node.copy()
        trimmed.set("expression", exp.Literal.string(_UNICODE_WHITESPACE))
        position = (node.text("position") or "BOTH").upper()
        ends = {"LEADING": ["left"], "TRAILING": ["right"]}.get(position, ["left", "right"])
        visible = [_visible_ascii(operand, end) for end in ends]
        condition = visible[0] if len(visible) == 1 else exp.And(this=visible[0], expression=visible[1])
        return exp.Case().when(condition, operand.copy()).else_(trimmed)


def _visible_ascii(operand: exp.Expression, end: str) -> exp.Expression:
    """Whether the first (left) or last (right) character of operand is ! .. ~."""
    char = exp.Anonymous(this=end, expressions=[operand.copy(), exp.Literal.number(1)])
    code = exp.Anonymous(this="ascii", expressions=[char])
    return exp.Between(this=code, low=exp.Literal.number(33), high=exp.Literal.number(126))


# A multi-variable SET's query in BigQuery's form: SELECT AS STRUCT, whose fields are
# the values (https://cloud.google.com/bigquery/docs/reference/standard-sql/procedural-language#set).
_SELECT_AS_STRUCT = re.compile(r"(?is)^\s*SELECT\s+AS\s+STRUCT\b")


async def _eval_expr_row(self, expr: str) -> list:
    """The first row of a multi-variable SET's (SELECT ...), by position (patch 10).

    `SELECT AS STRUCT f1, f2` runs as `SELECT f1, f2`: one row whose columns are the
    struct's fields, in order. Values are read by position, so two fields of the same
    name cannot collapse into one.
    """
    text = expr.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    text = _SELECT_AS_STRUCT.sub("SELECT", text, count=1)
    arrow_table = await self._run_query(text)
    if arrow_table.num_rows == 0:
        raise InvalidQueryError("SET (targets) = (SELECT ...) returned no rows")
    return [arrow_table.column(i)[0].as_py() for i in range(arrow_table.num_columns)]


_PROFILE = os.environ.get("LANDFALL_ENGINE_PROFILE") == "1"
_original_run_query = script_interpreter.ScriptInterpreter._run_query
_original_translate = script_interpreter.rewrite_and_translate_statement
_original_snapshot = script_interpreter.ScriptInterpreter._snapshot_dml_targets
_original_drop_snapshots = script_interpreter.ScriptInterpreter._drop_txn_snapshots
_translate_seconds = [0.0]


def _profile_line(kind: str, seconds: float, detail: str) -> None:
    text = " ".join(detail.split())[:160]
    print(f"landfall.profile {kind} {seconds:.3f} s {text}", file=sys.stderr, flush=True)


async def _timed_translate(*args, **kwargs):
    started = time.perf_counter()
    try:
        return await _original_translate(*args, **kwargs)
    finally:
        _translate_seconds[0] += time.perf_counter() - started


async def _profiled_run_query(self, bq_sql: str):
    """A script query, timed (LANDFALL_ENGINE_PROFILE=1)."""
    _translate_seconds[0] = 0.0
    started = time.perf_counter()
    try:
        return await _original_run_query(self, bq_sql)
    finally:
        total = time.perf_counter() - started
        _profile_line("query", total, f"(translate {_translate_seconds[0]:.3f} s) {bq_sql}")


async def _profiled_snapshot(self, sql: str) -> None:
    started = time.perf_counter()
    await _original_snapshot(self, sql)
    _profile_line("txn-snapshot", time.perf_counter() - started, sql)


async def _profiled_drop_snapshots(self) -> None:
    started = time.perf_counter()
    await _original_drop_snapshots(self)
    _profile_line("txn-drop-snapshots", time.perf_counter() - started, "")


def _install_profile() -> None:
    script_interpreter.rewrite_and_translate_statement = _timed_translate
    script_interpreter.ScriptInterpreter._run_query = _profiled_run_query
    script_interpreter.ScriptInterpreter._snapshot_dml_targets = _profiled_snapshot
    script_interpreter.ScriptInterpreter._drop_txn_snapshots = _profiled_drop_snapshots


_original_register_builtin_udfs = builtin_udfs.register_builtin_udfs


def _register_builtin_udfs(connection) -> None:
    """bqemulator's UDFs, with FARM_FINGERPRINT's replaced by the vectorized one (patch 12).

    The translator keeps emitting `bqemu_farm_fingerprint(s)`; only the function behind
    the name changes: an Arrow UDF, which DuckDB calls once per vector of rows.
    """
    _original_register_builtin_udfs(connection)
    connection.remove_function("bqemu_farm_fingerprint")
    connection.create_function(
        "bqemu_farm_fingerprint",
        farm_fingerprint_arrow,
        ["VARCHAR"],
        "BIGINT",
        type="arrow",
        null_handling="special",
    )


_original_engine_execute = DuckDBEngine.execute


def _engine_execute(self, sql: str, parameters=None):
    """Every DuckDB statement, with long list parameters as literals (patch 13)."""
    sql, parameters = inline_list_parameters(sql, parameters)
    return _original_engine_execute(self, sql, parameters)


# Names the endpoint's (string) annotations refer to, for FastAPI to resolve here.
_Ctx = tabledata_routes._Ctx
_original_list_tabledata = tabledata_routes.list_tabledata


def _list_tabledata(
    project_id: str,
    dataset_id: str,
    table_id: str,
    ctx: _Ctx,
    maxResults: int = Query(default=10000, alias="maxResults"),  # noqa: N803
    startIndex: int = Query(default=0, alias="startIndex"),  # noqa: N803
    pageToken: str | None = Query(default=None, alias="pageToken"),  # noqa: N803
    selectedFields: str | None = Query(default=None, alias="selectedFields"),  # noqa: N803
) -> dict:
    """tabledata.list, which also pages through a query's anonymous result (patch 8)."""
    if dataset_id == executor._ANONYMOUS_RESULTS_DATASET and table_id.startswith("anon"):
        return _anonymous_result_page(
            project_id, dataset_id, table_id, maxResults, startIndex, pageToken, selectedFields
        )
    return _original_list_tabledata(
        project_id, dataset_id, table_id, ctx, maxResults, startIndex, pageToken, selectedFields
    )


def _anonymous_result_page(
    project_id, dataset_id, table_id, max_results, start_index, page_token, selected_fields
) -> dict:
    """One page of the result of the job an anonymous table id names (``anon`` + the job id
    without hyphens, as bqemulator's executor builds it); the page token is the row offset."""
    flat = table_id.removeprefix("anon")
    arrow_table = next(
        (table for job_id, table in list(executor.JOB_RESULTS.items())
         if job_id.replace("-", "") == flat),
        None,
    )
    if arrow_table is None:
        raise resource_not_found(ResourceRef("table", project_id, dataset_id, table_id))
    if selected_fields:
        arrow_table = arrow_table.select([f.strip() for f in selected_fields.split(",")])
    offset = max(0, int(start_index))
    if page_token is not None:
        try:
            offset = max(0, int(page_token))
        except ValueError:
            offset = 0
    limit = max(0, min(int(max_results), 1_000_000))
    rows = arrow_table_to_bq_rows(arrow_table, offset=offset, limit=limit)
    total = arrow_table.num_rows
    response = {"kind": "bigquery#tableDataList", "totalRows": str(total), "rows": rows}
    if offset + len(rows) < total:
        response["pageToken"] = str(offset + len(rows))
    return response


def _replace_route(router, original, replacement) -> None:
    """Points ``original``'s route at ``replacement``, in place (routes match in order).
    Runs before the CLI builds the app, which copies the router's routes."""
    for index, route in enumerate(router.routes):
        if getattr(route, "endpoint", None) is original:
            router.routes.pop(index)
            router.add_api_route(
                route.path.removeprefix(router.prefix), replacement, methods=list(route.methods)
            )
            router.routes.insert(index, router.routes.pop())
            return
    sys.exit(f"engine/bqemulator_patched.py: no route for {original.__name__}")


def apply() -> None:
    """Installs the patches; refuses to run against another bqemulator version."""
    if bqemulator.__version__ != PATCHED_VERSION:
        sys.exit(
            f"engine/bqemulator_patched.py patches bqemulator {PATCHED_VERSION}, found "
            f"{bqemulator.__version__}: re-check each patch against the new version "
            "(EngineCompatibilityTest), then update PATCHED_VERSION."
        )
    script_parser.Parser._capture_balanced_block = _capture_balanced_block
    script_parser.Parser._parse_procedure_rest = _parse_procedure_rest
    script_parser.Parser._parse_function_rest = _parse_function_rest
    executor._run_script = _run_script
    executor._run_query_body = _run_query_body
    translator.rewrite_numeric_literals = _rewrite_numeric_literals
    script_parser.Parser.__init__ = _parser_init
    executor._LOAD_FORMAT_HANDLERS["AVRO"] = _load_avro
    UpperUnicodeRule.rewrite = _upper_rewrite
    register(_TrimUnicodeWhitespaceRule)
    # The job executor built its translator at import, before the rule was registered.
    executor._translator._rules.append(_TrimUnicodeWhitespaceRule())
    _replace_route(tabledata_routes.router, _original_list_tabledata, _list_tabledata)
    script_interpreter.ScriptInterpreter._eval_expr_row = _eval_expr_row
    builtin_udfs.register_builtin_udfs = _register_builtin_udfs
    DuckDBEngine.execute = _engine_execute
    if _PROFILE:
        _install_profile()


if __name__ == "__main__":
    apply()
    from bqemulator.cli import main

    sys.exit(main())
