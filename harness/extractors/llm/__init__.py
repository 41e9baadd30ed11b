"""The prompted-model extractor (``llm`` in the registry), one module per concept.

- ``settings``: decoding settings (all in the fingerprint);
- ``backends``: llama.cpp (GGUF), transformers (seq2seq and chat), OpenAI-compatible HTTP
  (concurrent requests, replicas, retries: ``backends.retry``);
- ``prompts``: templates from ``configs/prompts/``, document text fenced as data;
- ``paragraphs``: the units one call reads, with the headline as context;
- ``parsing``: JSON with repairs (fences, trailing commas, cut lists);
- ``schema``: item validation against the claim and entity schema, and the
  same schema as JSON Schema for constrained decoding;
- ``grammar``: that JSON Schema as a llama.cpp GBNF grammar;
- ``leakage``: worked-example values appearing in answers;
- ``grounding``: every string located in the document; values from ``harness.text``;
- ``cache``: raw generations per (generation fingerprint, prompt);
- ``extractor``: ties them together (``LLMExtractor``, ``build``).

Importing this package imports no engine (torch, llama.cpp); the backends
load theirs when first used.
"""
