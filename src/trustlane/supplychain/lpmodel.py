"""The disruption linear programs, exactly as the specification defines them, built once.

Per facility k: capacity c_k per day (inf = unlimited), inventory I_k, demand d_k per day,
unit profit p_k. Per link e = (i -> j) for material m: quantity q_e of i's output per unit of
j's output; the links into the same (j, m) are alternatives (one *requirement*). Over the
period [0, t], variables y_k (production), x_e (flow), s_k (delivered to final customers),
l_k (lost units), all >= 0, and rows

- capacity     y_k - c_k t <= 0                      (finite c_k only)
- requirement  sum_{e in (j,m)} (q_(j,m)/q_e) x_e - q_(j,m) y_j >= 0
               (q_(j,m) is the first link's quantity; when every link of the requirement has
               the same quantity, as the specification assumes, this is sum x_e >= q y_j)
- balance      sum_{e out of k} x_e + s_k - y_k <= I_k
- demand       s_k + l_k - d_k t >= 0                (d_k > 0 only)

Disrupted facilities get y = 0 (their inventory stays usable).

- **TTS**: maximise t (we minimise -t) with l = 0 and 0 <= t <= horizon;
- **lost sales**: t fixed to the time to recover, minimise sum p_k l_k.

Scenarios change only bounds, so the matrix is built once. Two ways to solve a scenario:

- :meth:`DisruptionModel.solve_full`: the whole LP (HiGHS, presolve on);
- :meth:`DisruptionModel.solve_region`: the LP restricted to a *region* of facilities, every
  variable outside it held at a known feasible solution of the undisrupted chain (scaled with
  t in the TTS problem). The restriction is feasible for the full LP, so its optimum bounds
  the full optimum; it *is* the full optimum when the restricted LP's duals, extended with
  zeros, are dual feasible for the full LP (every held variable prices out). The method
  returns the held variables that do not, so that the caller grows the region and tries
  again. This is exact (strong duality), not a heuristic: a region result is accepted only
  with its certificate.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from enum import StrEnum

import highspy
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

INF = float(highspy.kHighsInf)
#: Region programs with more rows than this are presolved.
PRESOLVE_ROWS = 1000

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


class Mode(StrEnum):
    """Which of the two programs: time to survive, or lost sales over a fixed period."""

    tts = "tts"
    lost = "lost"


class SolverError(RuntimeError):
    """HiGHS did not reach an optimum on a program that always has one (a bug or numerics)."""


@dataclass(frozen=True)
class ChainArrays:
    """The numbers of one chain, facilities and links by position."""

    capacity: FloatArray  # per day; inf = unlimited
    inventory: FloatArray
    demand: FloatArray  # per day, from final customers
    unit_profit: FloatArray
    ttr: FloatArray  # days
    link_supplier: IntArray
    link_buyer: IntArray
    link_qty: FloatArray
    link_requirement: IntArray  # index of the (buyer, material) requirement of each link
    link_share: FloatArray  # planned share within its requirement

    @property
    def facilities(self) -> int:
        return len(self.capacity)

    @property
    def links(self) -> int:
        return len(self.link_supplier)


@dataclass
class Solution:
    """An optimal solution: objective (as minimised), column values and row duals."""

    objective: float
    values: FloatArray
    row_duals: FloatArray | None = None
    iterations: int = 0


class DisruptionModel:
    """The matrix of the disruption programs for one chain, and ways to solve scenarios."""

    def __init__(self, chain: ChainArrays) -> None:
        self.chain = chain
        n, e = chain.facilities, chain.links
        self.n, self.e = n, e
        sup, buy = chain.link_supplier, chain.link_buyer
        self.dem_idx = np.flatnonzero(chain.demand > 0)
        d = len(self.dem_idx)
        # Columns: y (n), x (e), s (d), l (d), t.
        self.col_x0 = n
        self.col_s = np.full(n, -1, dtype=np.int64)
        self.col_s[self.dem_idx] = n + e + np.arange(d)
        self.col_l = np.full(n, -1, dtype=np.int64)
        self.col_l[self.dem_idx] = n + e + d + np.arange(d)
        self.col_t = n + e + 2 * d
        self.ncol = self.col_t + 1
        # The facilities each column belongs to (a flow belongs to both ends).
        self.col_owner_a = np.concatenate([np.arange(n), sup, self.dem_idx, self.dem_idx, [-1]])
        self.col_owner_b = np.concatenate([np.arange(n), buy, self.dem_idx, self.dem_idx, [-1]])

        rows: list[IntArray] = []
        cols: list[IntArray] = []
        vals: list[FloatArray] = []
        lower: list[FloatArray] = []
        upper: list[FloatArray] = []
        finite = np.flatnonzero(np.isfinite(chain.capacity))
        r = len(finite)
        rows += [np.arange(r), np.arange(r)]
        cols += [finite, np.full(r, self.col_t)]
        vals += [np.ones(r), -chain.capacity[finite]]
        lower.append(np.full(r, -INF))
        upper.append(np.zeros(r))
        self.row_cap = np.full(n, -1, dtype=np.int64)
        self.row_cap[finite] = np.arange(r)

        req = chain.link_requirement
        g = int(req.max()) + 1 if e else 0
        first = np.zeros(g, dtype=np.int64)
        first[req[::-1]] = np.arange(e)[::-1]
        self.req_qty = chain.link_qty[first]
        self.req_buyer = buy[first]
        self.link_coef = self.req_qty[req] / chain.link_qty
        rows += [r + req, r + np.arange(g)]
        cols += [n + np.arange(e), self.req_buyer]
        vals += [self.link_coef, -self.req_qty]
        lower.append(np.zeros(g))
        upper.append(np.full(g, INF))
        self.row_req0 = r
        r += g

        self.row_bal0 = r
        rows += [r + sup, r + self.dem_idx, r + np.arange(n)]
        cols += [n + np.arange(e), self.col_s[self.dem_idx], np.arange(n)]
        vals += [np.ones(e), np.ones(d), -np.ones(n)]
        lower.append(np.full(n, -INF))
        upper.append(chain.inventory.astype(np.float64))
        r += n

        self.row_dem0 = r
        rows += [r + np.arange(d)] * 3
        cols += [self.col_s[self.dem_idx], self.col_l[self.dem_idx], np.full(d, self.col_t)]
        vals += [np.ones(d), np.ones(d), -chain.demand[self.dem_idx]]
        lower.append(np.zeros(d))
        upper.append(np.full(d, INF))
        r += d
        self.nrow = r

        matrix = sparse.coo_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(r, self.ncol),
        )
        self.csc = matrix.tocsc()
        self.csr = matrix.tocsr()
        self.row_lower = np.concatenate(lower)
        self.row_upper = np.concatenate(upper)
        self.requirements = g

    # -- bounds and costs --------------------------------------------------------------

    def columns(
        self, mode: Mode, t: float, down: IntArray | list[int]
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Column lower bounds, upper bounds and costs for a scenario."""
        lo = np.zeros(self.ncol)
        up = np.full(self.ncol, INF)
        cost = np.zeros(self.ncol)
        if mode is Mode.tts:
            up[self.col_l[self.dem_idx]] = 0.0
            up[self.col_t] = t
            cost[self.col_t] = -1.0
        else:
            lo[self.col_t] = up[self.col_t] = t
            cost[self.col_l[self.dem_idx]] = self.chain.unit_profit[self.dem_idx]
        up[np.asarray(down, dtype=np.int64)] = 0.0
        return lo, up, cost

    # -- solving -------------------------------------------------------------------------

    def solve_full(self, mode: Mode, t: float, down: IntArray | list[int]) -> Solution:
        """The whole program from scratch (HiGHS with presolve)."""
        lo, up, cost = self.columns(mode, t, down)
        return _solve(self.csc, cost, lo, up, self.row_lower, self.row_upper, presolve=True)

    def solve_region(
        self,
        mode: Mode,
        t: float,
        down: IntArray | list[int],
        region: NDArray[np.bool_],
        held: FloatArray,
        held_at: float,
    ) -> tuple[float, IntArray, Solution]:
        """Solve the program restricted to ``region`` (a facility mask).

        ``held`` is a feasible solution of the undisrupted chain: for TTS at t = ``held_at``
        (outside the region, variables are held at held * t / held_at, so ``t`` is capped at
        ``held_at``); for lost sales at the fixed t (held as they are). Returns the full
        program's objective for the restricted optimum, the held columns that fail to price
        out (empty: the optimum is the full program's), and the restricted solution.
        """
        chain = self.chain
        in_region = region
        colmask = np.zeros(self.ncol, dtype=bool)
        colmask[: self.n] = in_region
        colmask[self.col_x0 : self.col_x0 + self.e] = (
            in_region[chain.link_supplier] | in_region[chain.link_buyer]
        )
        dem_in = self.dem_idx[in_region[self.dem_idx]]
        colmask[self.col_s[dem_in]] = True
        colmask[self.col_l[dem_in]] = True
        cols = np.flatnonzero(colmask)
        rows = np.unique(self.csc[:, cols].indices)
        sub_rows = self.csr[rows]
        fixed_values = np.where(colmask, 0.0, held)
        fixed_values[self.col_t] = 0.0
        contribution = sub_rows @ fixed_values
        t_coef = sub_rows[:, [self.col_t]].toarray().ravel()
        lo, up, cost = self.columns(mode, t, down)
        row_lo = self.row_lower[rows].copy()
        row_up = self.row_upper[rows].copy()
        block = sub_rows[:, cols]
        if mode is Mode.tts:
            # Held variables move with t: their share of each row goes into t's column.
            t_column = sparse.csr_matrix((t_coef + contribution / held_at).reshape(-1, 1))
            block = sparse.hstack([block, t_column], format="csc")
            c_lo = np.append(lo[cols], 0.0)
            c_up = np.append(up[cols], min(t, held_at))
            c_cost = np.append(cost[cols], -1.0)
        else:
            constant = contribution + t_coef * t
            row_lo -= constant
            row_up -= constant
            block = block.tocsc()
            c_lo, c_up, c_cost = lo[cols], up[cols], cost[cols]
        # Presolve costs ~10 ms, which small regions never earn back; large ones do.
        presolve = len(rows) > PRESOLVE_ROWS
        solution = _solve(block, c_cost, c_lo, c_up, row_lo, row_up, presolve=presolve)
        assert solution.row_duals is not None
        objective = solution.objective
        if mode is Mode.tts:
            value_at = held * (-objective / held_at)
        else:
            value_at = held
            outside = ~colmask
            objective += float(cost[outside] @ held[outside])
        # Price every held column that meets a restricted row or has a cost: d = c - A^T y.
        duals = solution.row_duals
        weights = sub_rows.multiply(duals.reshape(-1, 1)).tocsc()
        touched = np.zeros(self.ncol, dtype=bool)
        touched[np.unique(sub_rows.indices)] = True
        # Held columns with a cost must price out too, whether or not they meet a row of the
        # region (a held lost-sales column outside it, for one).
        touched |= cost != 0
        touched &= ~colmask
        touched[self.col_t] = False
        idx = np.flatnonzero(touched)
        if len(idx) == 0:
            return objective, idx, solution
        part = weights[:, idx]
        reduced = cost[idx] - np.asarray(part.sum(axis=0)).ravel()
        magnitude = np.abs(cost[idx]) + np.asarray(abs(part).sum(axis=0)).ravel()
        tolerance = 1e-7 * (1.0 + magnitude)
        value = value_at[idx]
        at_zero = value <= 1e-9 * (1.0 + float(np.abs(held).max(initial=0.0)))
        stuck = up[idx] <= 0.0  # held at [0, 0]: any reduced cost is dual feasible
        bad = np.where(at_zero, reduced < -tolerance, np.abs(reduced) > tolerance) & ~stuck
        return objective, idx[bad], solution


def _solve(
    matrix: sparse.csc_matrix,
    cost: FloatArray,
    col_lo: FloatArray,
    col_up: FloatArray,
    row_lo: FloatArray,
    row_up: FloatArray,
    *,
    presolve: bool,
) -> Solution:
    """One HiGHS solve; raises :class:`SolverError` unless it ends optimal."""
    lp = highspy.HighsLp()
    ncol, nrow = matrix.shape[1], matrix.shape[0]
    lp.num_col_ = ncol
    lp.num_row_ = nrow
    lp.col_cost_ = cost
    lp.col_lower_ = col_lo
    lp.col_upper_ = col_up
    lp.row_lower_ = row_lo
    lp.row_upper_ = row_up
    a = lp.a_matrix_
    a.format_ = highspy.MatrixFormat.kColwise
    a.start_ = matrix.indptr
    a.index_ = matrix.indices
    a.value_ = matrix.data
    a.num_col_ = ncol
    a.num_row_ = nrow
    highs = new_highs()
    if not presolve:
        highs.setOptionValue("presolve", "off")
    highs.passModel(lp)
    status = highs.run()
    model_status = highs.getModelStatus()
    if status == highspy.HighsStatus.kError or model_status != highspy.HighsModelStatus.kOptimal:
        raise SolverError(f"HiGHS ended with {highs.modelStatusToString(model_status)}")
    info = highs.getInfo()
    solution = highs.getSolution()
    return Solution(
        objective=float(info.objective_function_value),
        values=np.asarray(solution.col_value, dtype=np.float64),
        row_duals=np.asarray(solution.row_dual, dtype=np.float64),
        iterations=int(info.simplex_iteration_count),
    )


_banner_shown = False


def new_highs() -> highspy.Highs:
    """A quiet HiGHS instance.

    highspy prints its copyright banner on standard output when the first instance of a
    process is made, before any option can be set; the CLI writes results to standard output
    too, so that one construction runs with file descriptor 1 pointed at /dev/null.
    """
    global _banner_shown
    if _banner_shown:
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    return highs
