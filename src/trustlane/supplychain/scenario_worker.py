"""Entry point of a scenario worker process: ``python -m trustlane.supplychain.scenario_worker``.

Reads its share of the scenarios from standard input and writes the results to standard
output (both pickled, between a parent and the child it started). See
:class:`trustlane.supplychain.scenario_pool.WorkerProcess`.
"""

from __future__ import annotations

from trustlane.supplychain.scenario_pool import serve_worker

if __name__ == "__main__":
    serve_worker()
