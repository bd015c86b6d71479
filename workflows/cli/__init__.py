"""The `alhf` command line: one module per command group; each parses, calls a workflow, renders.
Heavy libraries (AutoGen, qdrant-client, the model) are imported inside the commands that need them."""

from __future__ import annotations

import os

# Before numpy loads: an idle OpenBLAS worker spins on a second core between queries, which halves
# throughput on small machines (bench/README.md). Users may still set their own value.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys  # noqa: E402

import typer  # noqa: E402

from workflows.cli.audit import audit_app, authors  # noqa: E402
from workflows.cli.batch import batch_app, export  # noqa: E402
from workflows.cli.chat import ask, chat, setup  # noqa: E402
from workflows.cli.data import backup, restore  # noqa: E402
from workflows.cli.evaluate import evaluate  # noqa: E402
from workflows.cli.memory import memory_app  # noqa: E402
from workflows.cli.review import review_app  # noqa: E402
from workflows.cli.serve import serve, users_app  # noqa: E402
from workflows.cli.traces import handoffs_app, judge, trace_app  # noqa: E402

__all__ = ["app"]

app = typer.Typer(
    help="alhf: a multi-agent assistant (Retriever, ToolPlanner, Writer) that learns from human corrections.\n\n"
    "Start with `alhf chat`, correct an answer, then ask a related question: the lesson is applied.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every turn (JSON lines off a TTY).")) -> None:
    from workflows.logging_setup import configure_logging

    configure_logging("INFO" if verbose or not sys.stderr.isatty() else "WARNING")


# In the order --help lists them.
app.command()(chat)
app.command()(ask)
app.command("eval")(evaluate)
app.command()(setup)
app.add_typer(batch_app, name="batch")
app.add_typer(review_app, name="review")
app.command()(serve)
app.add_typer(users_app, name="users")
app.command("export")(export)
app.add_typer(memory_app, name="memory")
app.add_typer(audit_app, name="audit")
app.command("authors")(authors)
app.add_typer(trace_app, name="trace")
app.add_typer(handoffs_app, name="handoffs")
app.command("judge")(judge)
app.command()(backup)
app.command()(restore)
