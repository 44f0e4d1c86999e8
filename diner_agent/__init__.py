"""Diner Agent: run a diner's menu from a phone."""
