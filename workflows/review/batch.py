"""Batch autonomous runs: every task answered in NEVER mode, every output put in the review queue.

Resumable: a task's output and its 'done' mark are one transaction, so a run killed at any point
(Ctrl-C, kill -9) is finished by running it again: tasks never stored are redone, none twice.
Corrections that reviewers make meanwhile are learned before each new task starts.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import structlog

from memory.errors import AlhfError
from workflows.review.inbox import learn_queued_corrections
from workflows.review.queue import ReviewQueue
from workflows.turn.assistant import Assistant
from workflows.turn.result import TurnResult

__all__ = ["TaskLine", "read_tasks", "BatchSummary", "BatchRunner", "BatchEngine", "ThreadEngine"]

log = structlog.get_logger("alhf.batch")


@dataclass
class TaskLine:
    line_no: int
    id: str
    request: str
    metadata: dict[str, Any]


def read_tasks(path: Path) -> tuple[list[TaskLine], list[str]]:
    """Valid tasks, and one message per malformed line (with its number)."""
    if not path.is_file():
        raise AlhfError(f"Tasks file {path} does not exist: give a JSONL file, one {{\"id\", \"request\"}} a line.")
    tasks: list[TaskLine] = []
    problems: list[str] = []
    seen: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AlhfError(f"Tasks file {path} is not UTF-8 text (byte {exc.start}): give a JSONL file.") from None
    except OSError as exc:
        raise AlhfError(f"Cannot read tasks file {path}: {exc.strerror}.") from None
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {line_no}: not JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            problems.append(f"line {line_no}: expected an object with id and request")
            continue
        task_id, request, metadata = data.get("id"), data.get("request"), data.get("metadata", {})
        if not isinstance(task_id, (str, int)) or str(task_id).strip() == "":
            problems.append(f"line {line_no}: missing id")
        elif not isinstance(request, str) or not request.strip():
            problems.append(f"line {line_no}: missing request")
        elif not isinstance(metadata, dict):
            problems.append(f"line {line_no}: metadata must be an object")
        elif str(task_id) in seen:
            problems.append(f"line {line_no}: duplicate id {task_id!r}")
        else:
            seen.add(str(task_id))
            tasks.append(TaskLine(line_no, str(task_id), request.strip(), metadata))
    return tasks, problems


@dataclass
class BatchSummary:
    run_id: str
    done: int = 0
    failed: int = 0
    skipped: int = 0
    already_done: int = 0
    learned: int = 0
    interrupted: bool = False
    finished_before: bool = False  # the run had answered every task already: nothing was done
    problems: list[str] = field(default_factory=list)


class BatchEngine(Protocol):
    """Where tasks are answered. `submit` returns a future of the TurnResult; `records_turns` says whether the
    answering Assistant wrote the turn to the trace store itself (threads) or the driver must (Ray)."""

    records_turns: bool
    workers: int

    def submit(self, request: str, *, run_id: str, metadata: dict[str, str]) -> "Future[TurnResult]": ...

    def placement(self) -> dict[str, int]:
        """Tasks answered per worker (host:pid), for the run's summary."""

    def shutdown(self, *, wait: bool) -> None: ...


class ThreadEngine:
    """`workers` threads in this process, one Assistant per thread (the default engine)."""

    records_turns = True

    def __init__(self, make_assistant: Callable[[], Assistant], workers: int = 1) -> None:
        self.make_assistant, self.workers = make_assistant, max(1, workers)
        self._local = threading.local()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="alhf-batch")

    def _assistant(self) -> Assistant:
        if not hasattr(self._local, "assistant"):
            self._local.assistant = self.make_assistant()
        return self._local.assistant

    def _answer(self, request: str, run_id: str, metadata: dict[str, str]) -> TurnResult:
        return self._assistant().run_turn(request, session_id=run_id, metadata=metadata)

    def submit(self, request: str, *, run_id: str, metadata: dict[str, str]) -> "Future[TurnResult]":
        return self._pool.submit(self._answer, request, run_id, metadata)

    def placement(self) -> dict[str, int]:
        """Every task ran in this process: nothing to tell apart."""
        return {}

    def shutdown(self, *, wait: bool) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


class BatchRunner:
    """Runs a tasks file into the review queue: the tasks are answered by an engine (threads here, or Ray
    actors: workflows/review/ray_engine.py) and this process alone writes the queue."""

    def __init__(self, queue: ReviewQueue, make_assistant: Callable[[], Assistant], *, template: str,
                 learns_inbox: bool = True, record: Callable[[TurnResult, str], None] | None = None) -> None:
        """`learns_inbox=False` when another process (`alhf serve`) owns the store and learns reviewers'
        corrections itself. `record(result, run_id)` writes a turn answered elsewhere to the trace store."""
        self.queue = queue
        self.make_assistant = make_assistant
        self.template = template
        self.learns_inbox = learns_inbox
        self.record = record
        self._learner: Assistant | None = None  # made when a reviewer's correction is first learned
        self.dead_letters = 0  # reviewer corrections that failed to learn this run (see `alhf review inbox`)
        self.placement: dict[str, int] = {}  # tasks answered per worker, after a run

    def _finish(self, run_id: str, task: dict[str, Any], result: TurnResult, engine: BatchEngine) -> str:
        if not engine.records_turns and self.record is not None:
            self.record(result, run_id)
        return self.queue.finish_task(run_id, task["task_id"], {
            "turn_id": result.turn_id,
            "request": result.request,
            "answer": result.answer,
            "documents": [h.document.id for h in result.retrieval.documents],
            "tool_calls": [{"tool": r.tool, "arguments": r.arguments, "ok": r.ok, "output": r.output}
                           for r in result.plan.results],
            "lessons_applied": [{"id": l.id, "component": l.component.value, "text": l.text}
                                for l in result.applied],
            "template": self.template,
        })

    def run(
        self, tasks_path: Path, *, run_id: str | None = None, workers: int = 1, new_run: bool = False,
        on_start: Callable[[int, int], None] | None = None, on_task: Callable[[], None] | None = None,
        engine: BatchEngine | None = None,
    ) -> BatchSummary:
        """Answer the tasks not answered yet: of run `run_id`, else of this file's latest run (a finished one
        only gets the file's new lines), else of a new run; `new_run` answers the whole file again."""
        tasks, problems = read_tasks(tasks_path)
        key = str(tasks_path.resolve())
        if run_id is not None:
            if self.queue.run(run_id) is None:
                raise AlhfError(f"No batch run {run_id!r}: see `alhf review list --json` for run ids.")
        else:
            latest = None if new_run else self.queue.latest_run_for(key)
            run_id = latest["id"] if latest else self.queue.create_run(key, self.template)
        added = self.queue.add_tasks(run_id, [(t.line_no, t.id, t.request, t.metadata) for t in tasks])
        todo = self.queue.tasks_to_do(run_id)
        summary = BatchSummary(run_id, skipped=len(problems), problems=problems,
                               already_done=self.queue.task_counts(run_id).get("done", 0))
        if not todo and self.queue.run(run_id)["status"] == "finished":
            summary.finished_before = True
            return summary
        if added and self.queue.run(run_id)["status"] == "finished":
            self.queue.reopen_run(run_id)
        for problem in problems:
            log.warning("skipped task line", problem=problem)
        if on_start:
            on_start(len(todo), summary.already_done)
        engine = engine or ThreadEngine(self.make_assistant, workers)
        pending: dict[Future[TurnResult], dict[str, Any]] = {}
        try:
            for task in todo:
                while len(pending) >= engine.workers:
                    self._collect(pending, summary, on_task, engine)
                summary.learned += self._learn_inbox()  # before the task starts
                self.queue.start_task(run_id, task["task_id"])
                metadata = {str(k): str(v) for k, v in (task.get("metadata") or {}).items()}
                pending[engine.submit(task["request"], run_id=run_id, metadata=metadata)] = task
            while pending:
                self._collect(pending, summary, on_task, engine)
        except KeyboardInterrupt:
            summary.interrupted = True
            for future in pending:
                future.cancel()
        finally:
            self.placement = engine.placement()
            engine.shutdown(wait=not summary.interrupted)
        if not summary.interrupted:
            summary.learned += self._learn_inbox()
            if not self.queue.tasks_to_do(run_id):
                self.queue.finish_run(run_id)
        return summary

    def _learn_inbox(self) -> int:
        if not self.learns_inbox or not self.queue.queued_corrections():
            return 0
        if self._learner is None:
            self._learner = self.make_assistant()
        outcomes = learn_queued_corrections(self.queue, self._learner)
        self.dead_letters += sum(1 for o in outcomes if o.error)
        return sum(1 for o in outcomes if not o.error)

    def _collect(self, pending: dict[Future[TurnResult], dict[str, Any]], summary: BatchSummary,
                 on_task: Callable[[], None] | None, engine: BatchEngine) -> None:
        """Wait for at least one running task and record how it ended."""
        finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
        for future in finished:
            task = pending.pop(future)
            try:
                self._finish(summary.run_id, task, future.result(), engine)
                summary.done += 1
            except AlhfError as exc:
                self.queue.fail_task(summary.run_id, task["task_id"], str(exc))
                summary.failed += 1
            except Exception as exc:  # one broken task must not stop the run; it is recorded as failed
                log.error("task failed", task_id=task["task_id"], error=repr(exc))
                self.queue.fail_task(summary.run_id, task["task_id"], repr(exc))
                summary.failed += 1
            if on_task:
                on_task()
