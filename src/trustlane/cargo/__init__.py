"""Cargo data: the advance data a customs agency receives (declarations, importer security
filings, air cargo, entries, export manifests, carrier events), ingested through profiles."""
