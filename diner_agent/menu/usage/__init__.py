"""AI usage: one row per gateway call (rows.py), written off the request path (sink.py), reported (report.py)."""
