"""The demo: a seeded, realistic data set on which every capability shows something.

``trustlane demo`` migrates the database, creates the agency and its users, the trade
community (:mod:`trustlane.demo.population`), a year of shipments ingested through the real
profiles, and each package's own demo data (``trustlane.<package>.demo.populate``), then serves.
"""
