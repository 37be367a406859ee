"""The vectorised convolution kernels: shifted rows + matrix products, block by block.

Internal module shared by :mod:`helpers.ops.conv` and
:mod:`helpers.ops.conv_transpose`. The arrays are already validated and in
the compute dtype; ``pads`` is ``(top, bottom, left, right)``.

The layout ("the grid"). The padded input is stored channel-major with the
images one after another, every image flattened row by row:
``flat[c, n*Hp*Wp + h*Wp + w]``. Kernel offset (i, j) of the output
position at flat index ``p`` then reads ``flat[c, p + i*Wp + j]``: one shift
of the whole row, the same for every position. So the im2col matrix::

    cols (C_in*kH*kW, P)      row (c, i, j) = flat[c, shift(i, j) : shift(i, j) + P]

is built from shifted contiguous rows (not from H_out*kH*kW short strided
rows; the offsets that read one phase form an evenly spaced grid of shifts,
so one strided copy per phase moves them all), and every output is computed on the padded grid, ``Hp*Wp`` positions
per image of which the top-left ``H_out x W_out`` are kept (the rest, a few
percent here, read across the border and are thrown away). With a stride
the input is first split into its stride phases (every sH-th row and
sW-th column from each starting offset, each a smaller grid); kernel offset
(i, j) reads one phase, shifted, with unit steps. Per group, with
``K = C_in/groups * kH * kW``:

- forward:      out (C_out, P)  = weight (C_out, K) @ cols (K, P)
- grad_weight:  (C_out, K)     += grad_output (C_out, P) @ cols^T
- grad_input:   when C_out <= C_in, per stride phase of the input, a forward
  convolution of grad_output (on the same grid, shifted the other way) with
  the kernel offsets that read that phase, transposed; when C_in < C_out,
  cols' (K, P) = weight^T @ grad_output and each row added back at its
  shift (col2im), whichever moves fewer rows

Positions are processed in blocks whose cols take about ``BLOCK_BYTES``:
a block that stays in the CPU's cache is written by the copies and read by
the matrix product far faster than one that goes through main memory. Each
block is one large product, and the scratch memory is reused from block to
block and call to call (:mod:`helpers.ops.conv_memory`). The forward's
blocks are whole grid rows (whole images when one fits), so that each
block's outputs get their bias and go into the result while still in cache.
"""
from __future__ import annotations

import numpy as np

from .conv_memory import scratch

__all__ = ["conv_forward", "conv_backward", "conv_weight_grad", "conv_input_grad", "fill_outside", "phase_inside", "BLOCK_BYTES"]

BLOCK_BYTES = 2 << 20  # about one core's L2 cache here


class _Grid:
    """Where every kernel offset reads in the phase-split, flattened padded input."""

    def __init__(self, in_shape, kernel, stride, pads, dilation, out_size):
        N, C, H, W = in_shape
        (kH, kW), (sH, sW), (dH, dW) = kernel, stride, dilation
        top, bottom, left, right = pads
        self.in_shape, self.stride, self.top, self.left = in_shape, stride, top, left
        self.H_out, self.W_out = out_size
        self.Hq = -(-(H + top + bottom) // sH)  # rows of one phase (ceil)
        self.Wq = -(-(W + left + right) // sW)
        self.size = N * self.Hq * self.Wq
        # the last position that is kept, plus one; later ones are never computed
        self.valid = (N - 1) * self.Hq * self.Wq + (self.H_out - 1) * self.Wq + self.W_out
        self.phases = []  # (a, b): padded rows a, a+sH, ... and columns b, b+sW, ...
        self.offsets = []  # per kernel offset, row-major: (index into phases, shift)
        for i in range(kH):
            for j in range(kW):
                phase = (i * dH % sH, j * dW % sW)
                if phase not in self.phases:
                    self.phases.append(phase)
                self.offsets.append((self.phases.index(phase), (i * dH // sH) * self.Wq + j * dW // sW))
        self.margin = max(shift for _, shift in self.offsets)
        self.kernel = (kH, kW)

    def taps(self, k):
        """The kernel offsets that read phase ``k``, as a grid: rows ``i`` and columns ``j`` (each
        evenly spaced; the phase of (i, j) depends on i and on j separately), the shift of the
        first, and how the shift grows per row and per column of that grid."""
        kH, kW = self.kernel
        shift = {divmod(r, kW): s for r, (phase, s) in enumerate(self.offsets) if phase == k}
        rows, columns = sorted({i for i, _ in shift}), sorted({j for _, j in shift})
        first = shift[rows[0], columns[0]]
        per_row = shift[rows[1], columns[0]] - first if len(rows) > 1 else 0
        per_column = shift[rows[0], columns[1]] - first if len(columns) > 1 else 0
        return rows, columns, first, per_row, per_column

    def reads(self, flat):
        """What the forward's im2col reads: per phase ``k``, ``flat[k]`` (C, size) with the kernel
        offsets of :meth:`taps`, and the kernel rows and columns they fill (see :func:`_cols`)."""
        result = []
        for k in range(len(self.phases)):
            rows, columns, first, per_row, per_column = self.taps(k)
            where = (_spaced(rows), _spaced(columns))
            result.append((flat[k], first, (len(rows), per_row), (len(columns), per_column), where))
        return result

    def blocks(self, stop, rows, itemsize):
        """``(p0, p1)`` ranges of positions 0..stop-1 whose im2col (``rows`` of them) takes about BLOCK_BYTES."""
        step = max(1, BLOCK_BYTES // max(1, rows * itemsize))
        return [(p0, min(stop, p0 + step)) for p0 in range(0, stop, step)]

    def _phase_slices(self, a, b):
        """Slices of a phase grid and of the (channel-major) input that hold the same pixels."""
        (N, C, H, W), (sH, sW) = self.in_shape, self.stride
        rows, h = phase_inside(H, a, sH, self.top, self.Hq)
        columns, w = phase_inside(W, b, sW, self.left, self.Wq)
        return (rows, columns), (h, w)

    def split(self, x, slot):
        """Input (N, C, H, W) -> phases (n_phases, C, size) in scratch memory, zero outside the input."""
        N, C = x.shape[:2]
        flat = scratch((len(self.phases), C, N, self.Hq, self.Wq), x.dtype, slot)
        source = x.transpose(1, 0, 2, 3)
        for k, (a, b) in enumerate(self.phases):
            (rows, columns), (h, w) = self._phase_slices(a, b)
            fill_outside(flat[k], rows, columns)
            flat[k, :, :, rows, columns] = source[:, :, h, w]
        return flat.reshape(len(self.phases), C, self.size)

    def merge(self, flat, dtype):
        """Phases (n_phases, C, size) -> (N, C, H, W): the inverse of :meth:`split` on the input's pixels.

        Pixels that no kernel offset reads (a dilation larger than the
        stride can skip whole phases) get zero.
        """
        N, C, H, W = self.in_shape
        sH, sW = self.stride
        covered = len(self.phases) == sH * sW
        result = (np.empty if covered else np.zeros)((N, C, H, W), dtype)
        target = result.transpose(1, 0, 2, 3)
        grids = flat.reshape(len(self.phases), C, N, self.Hq, self.Wq)
        for k, (a, b) in enumerate(self.phases):
            (rows, columns), (h, w) = self._phase_slices(a, b)
            target[:, :, h, w] = grids[k, :, :, rows, columns]
        return result

    def spread(self, a, slot):
        """(N, C, H_out, W_out) -> (C, margin + size) in scratch memory: on the grid after ``margin`` zeros,
        zero at the positions that are not kept."""
        N, C = a.shape[:2]
        buffer = scratch((C, self.margin + self.size), a.dtype, slot)
        buffer[:, :self.margin] = 0
        grid = buffer[:, self.margin:].reshape(C, N, self.Hq, self.Wq)
        rows, columns = slice(0, self.H_out), slice(0, self.W_out)
        fill_outside(grid, rows, columns)
        grid[:, :, rows, columns] = a.transpose(1, 0, 2, 3)
        return buffer

    def row_blocks(self, rows_per_position, itemsize):
        """``(R0, R1)`` ranges of grid rows (``Wq`` positions each, images one after another) whose
        im2col takes about BLOCK_BYTES: whole images when one fits, else rows of one image."""
        rows = max(1, BLOCK_BYTES // max(1, rows_per_position * itemsize * self.Wq))
        if rows >= self.Hq:
            rows -= rows % self.Hq
        last = (self.in_shape[0] - 1) * self.Hq + self.H_out  # rows past the last kept one are never computed
        return [(R0, min(last, R0 + rows)) for R0 in range(0, last, rows)]

    def gather(self, block, R0, R1, result):
        """Copy the kept outputs of grid rows R0..R1-1 from ``block`` (C, at least (R1 - R0 + Hq) * Wq)
        into ``result`` (N, C, H_out, W_out): the top-left H_out x W_out of every image."""
        C, Hq, Wq, H_out, W_out = block.shape[0], self.Hq, self.Wq, self.H_out, self.W_out
        first, last = -(-R0 // Hq), (R1 - H_out) // Hq + 1  # images whose kept rows all lie in R0..R1-1
        if last > first:  # one copy for all of them; the rows read past R1 are never kept
            rows = block[:, (first * Hq - R0) * Wq:(last * Hq - R0) * Wq].reshape(C, last - first, Hq, Wq)
            result[first:last] = rows[:, :, :H_out, :W_out].transpose(1, 0, 2, 3)
        for n in {R0 // Hq, (R1 - 1) // Hq} - set(range(first, last)):  # images cut by the block's ends
            h0, h1 = max(R0 - n * Hq, 0), min(R1 - n * Hq, H_out)
            if h1 > h0:
                rows = block[:, (n * Hq + h0 - R0) * Wq:(n * Hq + h1 - R0) * Wq].reshape(C, h1 - h0, Wq)
                result[n, :, h0:h1] = rows[:, :, :W_out]


def phase_inside(L, r, s, p, length):
    """Along one axis of length ``L`` padded by ``p`` before: phase ``r`` holds the padded
    positions ``r, r + s, r + 2s, ...`` (its first ``length`` of them). Returns the slice of
    the phase that lies inside the input and the (strided) slice of the input it holds."""
    j0 = max(0, -(-(p - r) // s))  # first phase element inside the input
    j1 = max(j0, min(length, -(-(L + p - r) // s)))
    return slice(j0, j1), slice(j0 * s + r - p, j1 * s + r - p, s)


def fill_outside(grid, rows, columns, value=0):
    """Set a 4-D array to ``value`` except grid[:, :, rows, columns] (which the caller fills)."""
    grid[:, :, :rows.start] = value
    grid[:, :, rows.stop:] = value
    grid[:, :, rows, :columns.start] = value
    grid[:, :, rows, columns.stop:] = value


def _spaced(values):
    """Evenly spaced ints as a slice."""
    step = values[1] - values[0] if len(values) > 1 else 1
    return slice(values[0], values[-1] + 1, step)


def _cols(reads, layout, p0, p1):
    """im2col of one block of positions p0..p1-1, in this thread's scratch memory.

    The rows are (c, a, b) for ``layout = (A, B)`` taps (the kernel's
    (kH, kW), say). Each entry of ``reads`` is ``(array, start, (n_a, step_a),
    (n_b, step_b), where)``: tap (a, b) of the ``n_a x n_b`` grid reads
    ``array[c, start + a*step_a + b*step_b + p]`` for position ``p`` (steps
    may be negative) and fills the rows ``where`` of the layout. One copy
    per entry (a strided view over the shifted rows), not one per tap.
    """
    C, n = reads[0][0].shape[0], p1 - p0
    cols = scratch((C,) + tuple(layout) + (n,), reads[0][0].dtype, "cols")
    for array, start, (n_a, step_a), (n_b, step_b), where in reads:
        unit = array.strides[1]
        view = np.lib.stride_tricks.as_strided(
            array[:, start + p0:], shape=(C, n_a, n_b, n), strides=(array.strides[0], step_a * unit, step_b * unit, unit)
        )
        cols[(slice(None),) + where] = view
    return cols.reshape(C * layout[0] * layout[1], n)


def _product(a, b, groups, out):
    """(g*M, K) @ (g*K, P) per group, written into ``out`` (g*M, P); plain 2-D when groups == 1."""
    if groups == 1:
        np.matmul(a, b, out=out)
        return
    g, P = groups, b.shape[1]
    block = scratch((g, a.shape[0] // g, P), out.dtype, "block")  # numpy's batched matmul wants a contiguous out
    np.matmul(a.reshape(g, a.shape[0] // g, -1), b.reshape(g, -1, P), out=block)
    out[...] = block.reshape(out.shape)


def conv_forward(x, weight, bias, stride, pads, dilation, groups, out_size):
    """(N, C_in, H, W) * (C_out, C_in/g, kH, kW) -> (N, C_out, H_out, W_out)."""
    C_out, C_in_g, kH, kW = weight.shape
    grid = _Grid(x.shape, (kH, kW), stride, pads, dilation, out_size)
    w = weight.reshape(C_out, C_in_g * kH * kW)
    reads = grid.reads(grid.split(x, "padded"))
    result = np.empty((x.shape[0], C_out) + tuple(out_size), w.dtype)
    blocks = grid.row_blocks(x.shape[1] * kH * kW, w.itemsize)
    rows = max(R1 - R0 for R0, R1 in blocks)
    out = scratch((C_out, (rows + grid.Hq) * grid.Wq), w.dtype, "out")

    # Each block's products are biased and copied into the result while they are in cache.
    for R0, R1 in blocks:
        p0, p1 = R0 * grid.Wq, min(R1 * grid.Wq, grid.valid)
        block = out[:, :p1 - p0]
        _product(w, _cols(reads, (kH, kW), p0, p1), groups, block)
        if bias is not None:
            block += bias[:, None]
        grid.gather(out, R0, R1, result)
    return result


def conv_backward(grad_output, x, weight, stride, pads, dilation, groups):
    """(grad_input, grad_weight) of :func:`conv_forward`; grad_output is spread onto the grid once for both."""
    spread = _spread(grad_output, x.shape, weight.shape[2:], stride, pads, dilation)
    return (conv_input_grad(grad_output, weight, x.shape, stride, pads, dilation, groups, spread),
            conv_weight_grad(grad_output, x, weight.shape, stride, pads, dilation, groups, spread))


def conv_weight_grad(grad_output, x, weight_shape, stride, pads, dilation, groups, spread=None):
    """grad_output (N, C_out, H_out, W_out), input (N, C_in, H, W) -> (C_out, C_in/g, kH, kW).

    ``spread``: ``(grid, buffer)`` from :func:`conv_backward`, when grad_output is already on the grid.
    """
    C_out, C_in_g, kH, kW = weight_shape
    g, K = groups, C_in_g * kH * kW
    grid, go = spread or _spread(grad_output, x.shape, (kH, kW), stride, pads, dilation)
    go = go[:, grid.margin:]
    reads = grid.reads(grid.split(x, "padded"))
    dtype = np.result_type(grad_output, x)

    grad_weight = np.zeros((g, C_out // g, K), dtype=dtype)
    for p0, p1 in grid.blocks(grid.valid, x.shape[1] * kH * kW, x.itemsize):
        cols, block = _cols(reads, (kH, kW), p0, p1), go[:, p0:p1]
        # (cols @ go^T)^T rather than go @ cols^T: the same numbers, and OpenBLAS is ~1.5x faster this way
        if g == 1:
            grad_weight[0] += (cols @ block.T).T
        else:
            grad_weight += np.matmul(cols.reshape(g, K, -1), block.reshape(g, C_out // g, -1).transpose(0, 2, 1)).transpose(0, 2, 1)
    return grad_weight.reshape(weight_shape)


def _spread(grad_output, in_shape, kernel, stride, pads, dilation):
    """The grid of the convolution and grad_output spread onto it (see :meth:`_Grid.spread`)."""
    grid = _Grid(in_shape, kernel, stride, pads, dilation, grad_output.shape[2:])
    return grid, grid.spread(grad_output, "grad")


def conv_input_grad(grad_output, weight, in_shape, stride, pads, dilation, groups, spread=None):
    """grad_output (N, C_out, H_out, W_out), weight (C_out, C_in/g, kH, kW) -> in_shape (N, C_in, H, W).

    Also the forward of the transposed convolution. Phase (a, b) of the
    padded input's gradient at grid position p is the sum, over the kernel
    offsets (i, j) that read that phase, of ``weight[:, :, i, j]^T @
    grad_output[:, p - shift(i, j)]`` (zero where that falls outside the
    output): a convolution of grad_output, computed as in the forward.
    """
    C_out, C_in_g, kH, kW = weight.shape
    g, C_out_g = groups, C_out // groups
    C_in = in_shape[1]
    dtype = np.result_type(grad_output, weight)
    grid, go = spread or _spread(grad_output, in_shape, (kH, kW), stride, pads, dilation)
    flat = scratch((len(grid.phases), C_in, grid.size), dtype, "grad_input")
    if C_in < C_out:  # fewer rows to move the other way round: col2im
        _input_grad_by_adds(go[:, grid.margin:], weight, grid, groups, flat)
        return grid.merge(flat, dtype)
    for k in range(len(grid.phases)):
        rows, columns, first, per_row, per_column = grid.taps(k)
        taps = (len(rows), len(columns))
        # per group: (C_in/g, C_out/g * taps), columns (c_out, tap) as _cols lays out its rows
        w = weight.reshape(g, C_out_g, C_in_g, kH, kW)[:, :, :, _spaced(rows), _spaced(columns)]
        w = w.transpose(0, 2, 1, 3, 4).reshape(C_in, C_out_g * taps[0] * taps[1])
        # tap (a, b) reads grad_output shifted back by its shift
        reads = [(go, grid.margin - first, (taps[0], -per_row), (taps[1], -per_column), (slice(None), slice(None)))]
        for p0, p1 in grid.blocks(grid.size, C_out * taps[0] * taps[1], np.dtype(dtype).itemsize):
            _product(w, _cols(reads, taps, p0, p1), g, flat[k, :, p0:p1])
    return grid.merge(flat, dtype)


def _input_grad_by_adds(go, weight, grid, groups, flat):
    """conv_input_grad for C_in < C_out: cols' = weight^T @ grad_output per block, each row added at its shift.

    Moves C_in*kH*kW rows per position (adds) where the gather form moves
    C_out*kH*kW (copies).
    """
    C_out, C_in_g, kH, kW = weight.shape
    g, K, C_in = groups, C_in_g * kH * kW, flat.shape[1]
    w = weight.reshape(g, C_out // g, K).transpose(0, 2, 1).reshape(g * K, C_out // g)  # per group: weight^T
    flat[...] = 0
    for p0, p1 in grid.blocks(grid.valid, C_in * kH * kW, flat.itemsize):
        cols = scratch((C_in * kH * kW, p1 - p0), flat.dtype, "cols")
        _product(w, go[:, p0:p1], g, cols)
        cols = cols.reshape(C_in, kH * kW, p1 - p0)
        for ij, (k, shift) in enumerate(grid.offsets):
            flat[k, :, shift + p0:shift + p1] += cols[:, ij]
