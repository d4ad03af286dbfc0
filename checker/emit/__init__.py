"""Emitters: render a `RunResult` for people (text, HTML) and machines."""
