"""The command line (``trustlane ...``): one sub-command group per package."""
