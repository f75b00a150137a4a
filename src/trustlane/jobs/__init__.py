"""Background jobs: long work (ingest, retraining, bulk screening) with stored progress.

A job is a row in ``jobs`` that a worker thread runs; its progress, result and error are
written back so that the API and pages can show them. Kinds are a plain table
(:data:`trustlane.jobs.runner.KINDS`) mapping a name to the function that runs it.
"""
