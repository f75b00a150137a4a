"""trustlane: an open platform for supply-chain security and resilience.

Packages, one per capability (see ``docs/architecture.md``):

- :mod:`trustlane.registry`: organizations, identifiers, sectors, party resolution;
- :mod:`trustlane.cargo`: the stored advance cargo data and its ingest profiles;
- :mod:`trustlane.access`: users, roles, tokens, tenants and the audit log;
- :mod:`trustlane.screening`, :mod:`trustlane.targeting`, :mod:`trustlane.programs`,
  :mod:`trustlane.supplychain`: the capabilities built on them;
- :mod:`trustlane.cli` and :mod:`trustlane.web`: the thin edges.
"""

__version__ = "0.1.0"
