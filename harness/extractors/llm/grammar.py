"""The answer schema as a llama.cpp grammar (GBNF), for engines that take a grammar.

llama.cpp constrains decoding with a GBNF grammar: at each step only tokens
that keep the text a prefix of the grammar's language may be chosen, so a
finished answer always parses. llama-cpp-python ships the converter from
JSON Schema to GBNF that llama.cpp's own tools use; it is reused here rather
than written again, so the grammar is the one llama.cpp's servers would
build from the same schema. The conversion must not fail quietly:
llama-cpp-python's chat handler falls back to free JSON when a schema cannot
be converted, which would make "constrained" runs silently unconstrained, so
the grammar is built here and any failure is an error.
"""

from __future__ import annotations

import functools

from harness.extractors.llm.backends.base import BackendError


@functools.lru_cache(maxsize=8)
def gbnf_from_json_schema(json_schema: str) -> str:
    """The GBNF grammar of a JSON Schema given as JSON text (properties keep their order)."""
    try:
        from llama_cpp.llama_grammar import json_schema_to_gbnf
    except ImportError as err:
        raise BackendError(
            f"a grammar is built with llama-cpp-python's converter, which is not installed ({err}); "
            "install the project's 'llm' extra, or send the schema itself (constraint_via: response_format or json_schema)"
        ) from None
    try:
        return json_schema_to_gbnf(json_schema)
    except Exception as err:  # noqa: BLE001 - the converter raises bare Exceptions and ValueErrors alike
        raise BackendError(f"the answer schema cannot be turned into a grammar: {err}") from None
