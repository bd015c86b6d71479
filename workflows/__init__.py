"""Workflows, in data-flow order: turn/ (pipeline, checkpoints, learning, chat), governance/, review/ (batch,
queue, inbox, export), traces/, evaluation/, storage/ (database, migrations) and cli/ (parse, call, render)."""
