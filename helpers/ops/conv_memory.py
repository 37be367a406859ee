"""Memory for the convolutions' temporaries (internal).

A vectorised convolution makes the same large temporaries on every call: the
padded input, the im2col matrix (kH*kW times the input; built block by
block, see :mod:`helpers.ops.conv_gemm`), the products. Fresh memory is slow:
glibc takes blocks above its mmap threshold straight from the OS and gives
them back on free, so every call pays page faults and the kernel's zeroing of
each page, which on a 2-core machine can cost as much as the arithmetic.

Two remedies, both invisible to results:

- :func:`scratch` hands out reusable per-thread buffers, one per named slot
  ("padded", "cols", "out", "grad"), for temporaries that never leave the op
  that asked for them. Each slot keeps the largest size asked of it, up to
  ``SCRATCH_LIMIT`` bytes; anything larger is allocated fresh.
- :func:`tune_malloc`, run once on the first convolution, raises glibc's
  M_MMAP_THRESHOLD to its 32 MiB maximum and M_TRIM_THRESHOLD to 512 MiB,
  so that the other temporaries are recycled inside the heap. Only on glibc;
  elsewhere it does nothing, and it never raises.
"""
from __future__ import annotations

import ctypes
import sys
import threading

import numpy as np

__all__ = ["scratch", "tune_malloc", "SCRATCH_LIMIT"]

SCRATCH_LIMIT = 512 * 1024 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_local = threading.local()
_malloc_tuned = False


def tune_malloc() -> None:
    """Keep freed temporaries in glibc's heap (once per process; see module docstring)."""
    global _malloc_tuned
    if _malloc_tuned:
        return
    _malloc_tuned = True
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)
        if not hasattr(libc, "gnu_get_libc_version"):  # musl and other C libraries
            return
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 512 * 1024 * 1024)
    except Exception:  # pragma: no cover - best effort only
        pass


def scratch(shape, dtype, slot: str = "cols") -> np.ndarray:
    """An uninitialised array for a temporary that the caller drops before returning.

    The same memory comes back on the next call from this thread with the
    same ``slot``, so the array must not escape (never return it, never keep
    a view of it), and two temporaries alive at once need different slots.
    """
    tune_malloc()
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype)
    buffers = _local.__dict__.setdefault("buffers", {})
    buffer = buffers.get(slot)
    if buffer is None or buffer.nbytes < nbytes:
        buffers[slot] = None  # free the old one first
        buffer = buffers[slot] = np.empty(max(nbytes, 1), np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)
