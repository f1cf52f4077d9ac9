"""BigQuery's FARM_FINGERPRINT over a whole Arrow column at once (engine patch 12).

FARM_FINGERPRINT is FarmHash's Fingerprint64 (farmhashna::Hash64) of the value's
UTF-8 bytes, as a signed INT64
(https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#farm_fingerprint).
bqemulator computes it with a row-at-a-time Python UDF: DuckDB spends about 90 us a row
calling into Python, and its port gives other values than BigQuery for inputs over 64
bytes. Here each step of the algorithm runs as one numpy operation over every value of a
DuckDB vector: the values are grouped by the length classes the algorithm branches on
(0-3, 4-7, 8-16, 17-32, 33-64 bytes, then 64-byte blocks), and every 64-bit load is a
gather at per-row byte offsets. numpy's uint64 arithmetic wraps modulo 2^64, as C's does.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

_K0 = np.uint64(0xC3A5C85C97CB3127)
_K1 = np.uint64(0xB492B66FBE98F273)
_K2 = np.uint64(0x9AE16A3B2F90404F)
_SEED = np.uint64(81)
_PAD = 64  # zero bytes after the data: no gather reads past the buffer


def _u64(value: int) -> np.uint64:
    return np.uint64(value)


def _rotate(value: np.ndarray, shift: int) -> np.ndarray:
    return (value >> _u64(shift)) | (value << _u64(64 - shift))


def _shift_mix(value: np.ndarray) -> np.ndarray:
    return value ^ (value >> _u64(47))


def _hash_len16(u: np.ndarray, v: np.ndarray, mul: np.ndarray) -> np.ndarray:
    a = (u ^ v) * mul
    a ^= a >> _u64(47)
    b = (v ^ a) * mul
    b ^= b >> _u64(47)
    return b * mul


class _Bytes:
    """Little-endian loads at byte offsets into one buffer (unaligned, as FarmHash's Fetch)."""

    def __init__(self, data: np.ndarray) -> None:
        self.bytes = np.concatenate([data, np.zeros(_PAD, dtype=np.uint8)])
        count = len(self.bytes)
        self._u64 = np.ndarray((count - 7,), dtype="<u8", buffer=self.bytes, strides=(1,))
        self._u32 = np.ndarray((count - 3,), dtype="<u4", buffer=self.bytes, strides=(1,))

    def fetch64(self, at: np.ndarray) -> np.ndarray:
        return self._u64[at].astype(np.uint64)

    def fetch32(self, at: np.ndarray) -> np.ndarray:
        return self._u32[at].astype(np.uint64)

    def fetch8(self, at: np.ndarray) -> np.ndarray:
        return self.bytes[at].astype(np.uint64)


def _len0to16(buf: _Bytes, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    out = np.full(len(s), _K2, dtype=np.uint64)  # length 0
    mul = _K2 + n * _u64(2)
    big = n >= _u64(8)
    if big.any():
        ss, nn, m = s[big], n[big], mul[big]
        a = buf.fetch64(ss) + _K2
        b = buf.fetch64(ss + nn - _u64(8))
        c = _rotate(b, 37) * m + a
        d = (_rotate(a, 25) + b) * m
        out[big] = _hash_len16(c, d, m)
    mid = (n >= _u64(4)) & ~big
    if mid.any():
        ss, nn, m = s[mid], n[mid], mul[mid]
        a = buf.fetch32(ss)
        out[mid] = _hash_len16(nn + (a << _u64(3)), buf.fetch32(ss + nn - _u64(4)), m)
    small = (n > _u64(0)) & (n < _u64(4))
    if small.any():
        ss, nn = s[small], n[small]
        y = buf.fetch8(ss) + (buf.fetch8(ss + (nn >> _u64(1))) << _u64(8))
        z = nn + (buf.fetch8(ss + nn - _u64(1)) << _u64(2))
        out[small] = _shift_mix((y * _K2) ^ (z * _K0)) * _K2
    return out


def _len17to32(buf: _Bytes, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    mul = _K2 + n * _u64(2)
    a = buf.fetch64(s) * _K1
    b = buf.fetch64(s + _u64(8))
    c = buf.fetch64(s + n - _u64(8)) * mul
    d = buf.fetch64(s + n - _u64(16)) * _K2
    return _hash_len16(
        _rotate(a + b, 43) + _rotate(c, 30) + d, a + _rotate(b + _K2, 18) + c, mul)


def _len33to64(buf: _Bytes, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    mul = _K2 + n * _u64(2)
    a = buf.fetch64(s) * _K2
    b = buf.fetch64(s + _u64(8))
    c = buf.fetch64(s + n - _u64(8)) * mul
    d = buf.fetch64(s + n - _u64(16)) * _K2
    y = _rotate(a + b, 43) + _rotate(c, 30) + d
    z = _hash_len16(y, a + _rotate(b + _K2, 18) + c, mul)
    e = buf.fetch64(s + _u64(16)) * mul
    f = buf.fetch64(s + _u64(24))
    g = (y + buf.fetch64(s + n - _u64(32))) * mul
    h = (z + buf.fetch64(s + n - _u64(24))) * mul
    return _hash_len16(
        _rotate(e + f, 43) + _rotate(g, 30) + h, e + _rotate(f + a, 18) + g, mul)


def _weak_hash32(buf: _Bytes, s: np.ndarray, a: np.ndarray, b: np.ndarray):
    w = buf.fetch64(s)
    x = buf.fetch64(s + _u64(8))
    y = buf.fetch64(s + _u64(16))
    z = buf.fetch64(s + _u64(24))
    a = a + w
    b = _rotate(b + a + z, 21)
    c = a
    a = a + x + y
    b = b + _rotate(a, 44)
    return a + z, b + c


def _len_over64(buf: _Bytes, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Strings over 64 bytes: 64-byte blocks, then the last 64 bytes.

    Rows are ordered by block count, longest first, so the rows still in the loop at
    block k are a prefix: each step works on that prefix only.
    """
    blocks = ((n - _u64(1)) // _u64(64)).astype(np.int64)
    order = np.argsort(-blocks, kind="stable")
    s, n, blocks = s[order], n[order], blocks[order]
    count = len(s)
    x = np.full(count, _SEED, dtype=np.uint64)
    y = np.full(count, _SEED * _K1 + _u64(113), dtype=np.uint64)
    z = _shift_mix(y * _K2 + _u64(113)) * _K2
    v0 = np.zeros(count, dtype=np.uint64)
    v1 = np.zeros(count, dtype=np.uint64)
    w0 = np.zeros(count, dtype=np.uint64)
    w1 = np.zeros(count, dtype=np.uint64)
    x = x * _K2 + buf.fetch64(s)
    at = s.copy()
    # active[k]: how many rows have more than k blocks (a prefix, blocks descending)
    active = np.searchsorted(-blocks, -np.arange(1, int(blocks[0]) + 1), side="right")
    for k in range(int(blocks[0])):
        m = int(active[k])
        p = at[:m]
        xk, yk, zk = x[:m], y[:m], z[:m]
        v0k, v1k, w0k, w1k = v0[:m], v1[:m], w0[:m], w1[:m]
        xk = _rotate(xk + yk + v0k + buf.fetch64(p + _u64(8)), 37) * _K1
        yk = _rotate(yk + v1k + buf.fetch64(p + _u64(48)), 42) * _K1
        xk ^= w1k
        yk = yk + v0k + buf.fetch64(p + _u64(40))
        zk = _rotate(zk + w0k, 33) * _K1
        nv0, nv1 = _weak_hash32(buf, p, v1k * _K1, xk + w0k)
        nw0, nw1 = _weak_hash32(buf, p + _u64(32), zk + w1k, yk + buf.fetch64(p + _u64(16)))
        x[:m], z[:m] = zk, xk  # std::swap(z, x)
        y[:m] = yk
        v0[:m], v1[:m], w0[:m], w1[:m] = nv0, nv1, nw0, nw1
        at[:m] = p + _u64(64)
    mul = _K1 + ((z & _u64(0xFF)) << _u64(1))
    last = s + n - _u64(64)
    w0 = w0 + ((n - _u64(1)) & _u64(63))
    v0 = v0 + w0
    w0 = w0 + v0
    x = _rotate(x + y + v0 + buf.fetch64(last + _u64(8)), 37) * mul
    y = _rotate(y + v1 + buf.fetch64(last + _u64(48)), 42) * mul
    x ^= w1 * _u64(9)
    y = y + v0 * _u64(9) + buf.fetch64(last + _u64(40))
    z = _rotate(z + w0, 33) * mul
    v0, v1 = _weak_hash32(buf, last, v1 * mul, x + w0)
    w0, w1 = _weak_hash32(buf, last + _u64(32), z + w1, y + buf.fetch64(last + _u64(16)))
    x, z = z, x
    result = _hash_len16(
        _hash_len16(v0, w0, mul) + _shift_mix(y) * _K0 + z, _hash_len16(v1, w1, mul) + x, mul)
    out = np.empty(count, dtype=np.uint64)
    out[order] = result
    return out


def fingerprint64(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Fingerprint64 of data[starts[i] : starts[i] + lengths[i]] for each i, as int64."""
    buf = _Bytes(data)
    s = starts.astype(np.uint64)
    n = lengths.astype(np.uint64)
    out = np.empty(len(s), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for lo, hi, step in ((0, 16, _len0to16), (17, 32, _len17to32), (33, 64, _len33to64)):
            rows = (n >= _u64(lo)) & (n <= _u64(hi))
            if rows.any():
                out[rows] = step(buf, s[rows], n[rows])
        rows = n > _u64(64)
        if rows.any():
            out[rows] = _len_over64(buf, s[rows], n[rows])
    return out.view(np.int64)


def farm_fingerprint_arrow(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """FARM_FINGERPRINT of each value of a STRING (or BYTES) column; NULL stays NULL."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    column = values.cast(pa.large_binary())
    count = len(column)
    if count == 0:
        return pa.array([], type=pa.int64())
    _, offsets_buffer, data_buffer = column.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[column.offset : column.offset + count + 1]
    data = (np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None
            else np.zeros(0, dtype=np.uint8))
    hashes = fingerprint64(data, offsets[:-1], np.diff(offsets))
    mask = column.is_null().to_numpy(zero_copy_only=False) if column.null_count else None
    return pa.array(hashes, type=pa.int64(), mask=mask)
