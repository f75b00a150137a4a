"""Targeting: explained risk scores, a learned fraud model, inspection selection under
capacity, and learning from outcomes.

LightGBM parallelizes with OpenMP, whose threads by default spin while they wait for work.
On a machine whose cores are shared (a laptop, a CI runner, a busy server) spinning threads
steal the cores the other threads need and training ran ten times slower in our
measurements; passive waiting costs little when the cores are free. A value set by the
user is kept.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
