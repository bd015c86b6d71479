"""Workflows: the turn pipeline, the interactive session, evaluation and the CLI."""
