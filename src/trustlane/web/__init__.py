"""The web edge: a JSON API under ``/api`` (OpenAPI at ``/docs``) and pages for people."""
