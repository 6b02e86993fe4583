"""Open data: the published guide as CSV and JSON."""
