"""A cheap proof that a disruption does not shorten the chain's time to survive.

The TTS of a scenario is at most the undisrupted chain's TTS, T0. If we can exhibit a
feasible plan at t = T0 with the disrupted facilities producing nothing, the scenario's TTS is
exactly T0 and no linear program is needed. :class:`Rerouter` looks for such a plan by local
repairs of a feasible undisrupted plan:

- the disrupted facility stops buying inputs (its suppliers get that output back);
- its outflows are cut as far as its inventory cannot cover them; each cut is covered at the
  buyer by free requirement slack, by other suppliers of the same requirement (from their
  spare output, or by producing more within capacity, which recursively needs their own
  inputs), or by the buyer producing less (which recursively cuts the buyer's outflows).

Every step keeps every row feasible, and a plan it reports is checked again from its flows
and production before it is believed. When it fails (the scenario may or may not be
affected) the caller solves the linear program, so a failure costs time, never correctness.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from trustlane.supplychain.lpmodel import DisruptionModel, FloatArray

#: How far (links) a repair may travel up or down the chain.
MAX_DEPTH = 10


class Rerouter:
    """Repairs on one feasible undisrupted plan at t = ``t`` (values as the model's columns)."""

    def __init__(self, model: DisruptionModel, plan: FloatArray, t: float) -> None:
        chain = model.chain
        n, e = model.n, model.e
        self.model = model
        self.plan = plan
        self.t = t
        y = np.maximum(plan[:n], 0.0)
        x = np.maximum(plan[n : n + e], 0.0)
        # Deliver exactly the demand: what the plan delivered beyond it is spare output.
        served = chain.demand * t
        out = np.bincount(chain.link_supplier, weights=x, minlength=n)
        self.y: list[float] = y.tolist()
        self.x: list[float] = x.tolist()
        self.served: list[float] = served.tolist()
        self.balance: list[float] = (y + chain.inventory - out - served).tolist()
        cap = chain.capacity * t
        self.headroom: list[float] = np.where(np.isfinite(cap), cap - y, np.inf).tolist()
        self.cap_t: list[float] = cap.tolist()
        req = chain.link_requirement
        cover = np.bincount(req, weights=model.link_coef * x, minlength=model.requirements)
        self.req_slack: list[float] = (cover - model.req_qty * y[model.req_buyer]).tolist()
        self.req_qty: list[float] = model.req_qty.tolist()
        self.req_buyer: list[int] = model.req_buyer.tolist()
        self.coef: list[float] = model.link_coef.tolist()
        self.sup: list[int] = chain.link_supplier.tolist()
        self.buy: list[int] = chain.link_buyer.tolist()
        self.req: list[int] = req.tolist()
        self.inventory: list[float] = chain.inventory.tolist()
        self.out_links: list[list[int]] = [[] for _ in range(n)]
        self.in_links: list[list[int]] = [[] for _ in range(n)]
        for link, (s, b) in enumerate(zip(self.sup, self.buy, strict=True)):
            self.out_links[s].append(link)
            self.in_links[b].append(link)
        self.reqs_of: list[list[int]] = [[] for _ in range(n)]
        for r, b in enumerate(self.req_buyer):
            self.reqs_of[b].append(r)
        self.links_of_req: list[list[int]] = [[] for _ in range(model.requirements)]
        for link, r in enumerate(self.req):
            self.links_of_req[r].append(link)
        scale = max(1.0, float(np.abs(plan).max(initial=0.0)))
        self.tol = 1e-9 * scale
        self._reset(())

    def _reset(self, down: Iterable[int]) -> None:
        self.stopped = set(down)
        self.down = set(down)  # stopped, or shedding buyers in a repair under way
        self.dy: dict[int, float] = {}
        self.dx: dict[int, float] = {}
        self.dbal: dict[int, float] = {}
        self.dreq: dict[int, float] = {}

    # -- overlay reads and writes --------------------------------------------------------

    def _bal(self, i: int) -> float:
        return self.balance[i] + self.dbal.get(i, 0.0)

    def _slack(self, r: int) -> float:
        return self.req_slack[r] + self.dreq.get(r, 0.0)

    def _yv(self, i: int) -> float:
        return self.y[i] + self.dy.get(i, 0.0)

    def _xv(self, link: int) -> float:
        return self.x[link] + self.dx.get(link, 0.0)

    def _flow(self, link: int, delta: float) -> None:
        """Change a flow: the supplier's spare output and the requirement's slack follow."""
        self.dx[link] = self.dx.get(link, 0.0) + delta
        s = self.sup[link]
        self.dbal[s] = self.dbal.get(s, 0.0) - delta
        r = self.req[link]
        self.dreq[r] = self.dreq.get(r, 0.0) + self.coef[link] * delta

    def _produce(self, i: int, delta: float) -> None:
        """Change production: spare output and every requirement of the facility follow."""
        self.dy[i] = self.dy.get(i, 0.0) + delta
        self.dbal[i] = self.dbal.get(i, 0.0) + delta
        for r in self.reqs_of[i]:
            self.dreq[r] = self.dreq.get(r, 0.0) - self.req_qty[r] * delta

    # -- the repair ----------------------------------------------------------------------

    def certify(self, down: Iterable[int]) -> bool:
        """True when a feasible plan at t exists with the ``down`` facilities stopped."""
        self._reset(down)
        for k in self.stopped:
            for link in self.in_links[k]:
                if self._xv(link) > 0:
                    self._flow(link, -self._xv(link))
            if self._yv(k) > 0:
                self._produce(k, -self._yv(k))
        for k in self.stopped:
            deficit = -self._bal(k)
            if (
                deficit > self.tol
                and self._cut_outflows(k, deficit, MAX_DEPTH) < deficit - self.tol
            ):
                return False
        return self._verify()

    def relieve_overloads(self) -> FloatArray | None:
        """A plan within capacities, made from this one by producing less where it exceeds
        them (cutting outflows that others cover); None when the repair fails.

        The undisrupted chain's planned flows may exceed a capacity here and there; this
        often proves it survives the horizon all the same, without a linear program.
        """
        self._reset(())
        for k, (y, cap) in enumerate(zip(self.y, self.cap_t, strict=True)):
            excess = y - cap
            if excess > self.tol and self._reduce(k, excess, MAX_DEPTH) < excess - self.tol:
                return None
        if not self._verify():
            return None
        plan = np.asarray(self.plan, dtype=np.float64).copy()
        for k, delta in self.dy.items():
            plan[k] += delta
        for link, delta in self.dx.items():
            plan[self.model.n + link] += delta
        return plan

    def _cut_outflows(self, j: int, amount: float, depth: int) -> float:
        """Cut up to ``amount`` of j's outflows, each covered at its buyer; returns the cut."""
        done = 0.0
        for link in self.out_links[j]:
            if done >= amount - self.tol:
                break
            flow = self._xv(link)
            if flow <= self.tol:
                continue
            want = min(flow, amount - done)
            covered = self._cover(self.req[link], want * self.coef[link], depth - 1, link)
            cut = min(want, covered / self.coef[link])
            if cut > 0:
                self._flow(link, -cut)
                done += cut
        return done

    def _cover(self, r: int, need: float, depth: int, exclude: int) -> float:
        """Make ``need`` of requirement r's slack available; returns what is available."""
        free = max(0.0, self._slack(r))
        if free >= need - self.tol or depth <= 0:
            return min(free, need)
        for link in self.links_of_req[r]:
            if link == exclude or self.sup[link] in self.down:
                continue
            got = self._supply(self.sup[link], (need - free) / self.coef[link], depth)
            if got > 0:
                self._flow(link, got)
                free = max(0.0, self._slack(r))
            if free >= need - self.tol:
                return need
        buyer = self.req_buyer[r]
        if buyer not in self.down:
            self._reduce(buyer, (need - free) / self.req_qty[r], depth)
            free = max(0.0, self._slack(r))
        return min(free, need)

    def _reduce(self, j: int, delta: float, depth: int) -> float:
        """Make j produce up to ``delta`` less, cutting its outflows as needed."""
        delta = min(delta, self._yv(j))
        if delta <= self.tol or depth <= 0:
            return 0.0
        spare = max(0.0, self._bal(j))
        if spare < delta:
            # While j sheds its buyers, it must not be asked to supply them again.
            self.down.add(j)
            try:
                self._cut_outflows(j, delta - spare, depth)
            finally:
                self.down.discard(j)
            spare = max(0.0, self._bal(j))
        step = min(delta, spare)
        if step > 0:
            self._produce(j, -step)
        return step

    def _supply(self, i: int, amount: float, depth: int) -> float:
        """Make up to ``amount`` of i's output spare (producing more if it can); returns it."""
        spare = max(0.0, self._bal(i))
        if spare >= amount - self.tol or depth <= 0 or i in self.down:
            return min(spare, amount)
        extra = min(amount - spare, self.cap_t[i] - self._yv(i))
        if extra <= self.tol:
            return spare
        for r in self.reqs_of[i]:
            need = self.req_qty[r] * extra
            free = max(0.0, self._slack(r))
            for link in self.links_of_req[r]:
                if free >= need - self.tol:
                    break
                s = self.sup[link]
                if s in self.down:
                    continue
                got = self._supply(s, (need - free) / self.coef[link], depth - 1)
                if got > 0:
                    self._flow(link, got)
                    free = max(0.0, self._slack(r))
            extra = min(extra, free / self.req_qty[r])
            if extra <= self.tol:
                return spare
        self._produce(i, extra)
        return min(amount, max(0.0, self._bal(i)))

    def _verify(self) -> bool:
        """Every row the repair touched is still satisfied.

        The slacks are kept by :meth:`_flow` and :meth:`_produce` alone, so checking them is
        checking the rows; ``tests/supplychain`` recomputes the rows from the flows to hold
        that bookkeeping to account.
        """
        tol = 1e-7
        for i, delta in self.dy.items():
            y = self.y[i] + delta
            if y < -self.tol or y > self.cap_t[i] * (1 + 1e-9) + self.tol:
                return False
            if i in self.stopped and y > self.tol:
                return False
        for i in self.dbal:
            if self._bal(i) < -tol * (1.0 + self._yv(i) + self.served[i]):
                return False
        for link in self.dx:
            if self._xv(link) < -self.tol:
                return False
        for r in self.dreq:
            if self._slack(r) < -tol * (1.0 + self.req_qty[r] * self._yv(self.req_buyer[r])):
                return False
        return True

    def recomputed_rows_hold(self) -> bool:
        """The repaired plan checked from its flows and production (for tests)."""
        facilities = set(self.dy) | {self.sup[link] for link in self.dx}
        requirements = {self.req[link] for link in self.dx}
        for i in self.dy:
            requirements.update(self.reqs_of[i])
        for i in facilities:
            y = self._yv(i)
            out = sum(self._xv(link) for link in self.out_links[i])
            if y + self.inventory[i] - out - self.served[i] < -1e-7 * (1.0 + abs(y) + out):
                return False
            if y > self.cap_t[i] * (1 + 1e-9) + self.tol or y < -self.tol:
                return False
        for r in requirements:
            cover = sum(self.coef[link] * self._xv(link) for link in self.links_of_req[r])
            need = self.req_qty[r] * self._yv(self.req_buyer[r])
            if cover - need < -1e-7 * (1.0 + abs(cover)):
                return False
        return True
