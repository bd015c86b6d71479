"""Batch tasks answered by Ray actors: `alhf batch run TASKS --engine ray [--address auto|ray://HOST:10001]`.

Each actor is one worker process (on any node of the cluster) holding one Assistant built by the same code
as `alhf chat`: the configured model (a model server's endpoint in real deployments), the workspace, and the
shared lesson memory: the `alhf serve` API (its URL and an API token travel with the actor) or a Qdrant
server (`memory.qdrant_url`). A worker answers a request and returns the TurnResult; it writes nothing.
The driver (BatchRunner, in the `alhf batch run` process) alone writes the review queue and the traces, so
resume-after-kill and exactly-once outputs hold as with threads, and a reviewer's correction learned by
the server is read by every worker's next consult.

Actors, not stateless Ray tasks: a worker loads its model and embedder once, then answers many requests.
A killed worker process is restarted by Ray and its in-flight request retried (`max_restarts`,
`max_task_retries`); if it keeps dying, the task is recorded as failed and the next run retries it.
Ray is imported only here, by `--engine ray` (`pip install -e '.[ray]'`).
"""

from __future__ import annotations

import os
import queue as queues
import socket
import threading
import time
from collections import Counter
from concurrent.futures import Future, InvalidStateError
from typing import Any, Callable

from memory.errors import AlhfError
from workflows.config import AppConfig, data_dir
from workflows.turn.result import TurnResult

__all__ = ["RayEngine", "BatchWorker", "stop_local_cluster"]

TRUST_REFRESH_S = 10.0  # the driver recomputes authors' trust (from the database) at most this often


class BatchWorker:
    """The actor: one Assistant in one worker process, answering requests for the driver."""

    def __init__(self, config_json: dict[str, Any], home: str, server_url: str | None, token: str | None,
                 user: str) -> None:
        from workflows.runtime import Runtime
        from workflows.server.client import ServerClient

        os.environ["ALHF_HOME"] = home
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        config = AppConfig.model_validate(config_json)
        server = ServerClient(server_url, token or "") if server_url else None
        self.runtime = Runtime.for_worker(config, server)
        self.assistant = self.runtime.assistant(self.runtime.llm(), user=user)
        self.where = f"{socket.gethostname()}:{os.getpid()}"

    def answer(self, request: str, run_id: str, metadata: dict[str, str], trust: dict[str, float]
               ) -> tuple[str, TurnResult]:
        self.assistant.memory.trust = trust
        return self.where, self.assistant.run_turn(request, session_id=run_id, metadata=metadata)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise AlhfError("--engine ray needs Ray: pip install -e '.[ray]' (or run without --engine ray).") from None
    return ray


class RayEngine:
    """`workers` BatchWorker actors on a Ray cluster: a new local one, or the one at `address`."""

    records_turns = False  # the driver records what the workers send back

    def __init__(self, config: AppConfig, *, workers: int, user: str, server_url: str | None, token: str | None,
                 trust: Callable[[], dict[str, float]], address: str | None = None, max_restarts: int = 3) -> None:
        ray = self.ray = _ray()
        if server_url is None and not config.memory.qdrant_url:
            raise AlhfError("--engine ray needs a memory every worker can reach: start `alhf serve` and set "
                            "ALHF_TOKEN, or set memory.qdrant_url to a Qdrant server.")
        self.workers = max(1, workers)
        self._trust_source, self._trust, self._trust_at = trust, trust(), time.monotonic()
        self._started_cluster = address is None and not ray.is_initialized()
        try:
            if not ray.is_initialized():
                # a local cluster gets a CPU slot per worker: the model server, not this machine, does the work
                ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                         **({"num_cpus": max(self.workers, os.cpu_count() or 1)} if address is None else {}))
        except Exception as exc:  # noqa: BLE001 - Ray raises ConnectionError, RuntimeError, ValueError...
            raise AlhfError(f"Cannot start or reach the Ray cluster ({address or 'local'}): {exc}") from None
        actor = ray.remote(num_cpus=1, max_restarts=max_restarts, max_task_retries=max_restarts)(BatchWorker)
        config_json = config.model_dump(mode="json")
        self._actors = [actor.remote(config_json, str(data_dir(config).resolve()), server_url, token, user)
                        for _ in range(self.workers)]
        self._free: queues.Queue[Any] = queues.Queue()
        for handle in self._actors:
            self._free.put(handle)
        self._answered: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.lost = ""  # set when a worker is gone for good (restarts spent, or the cluster died)

    def _current_trust(self) -> dict[str, float]:
        if time.monotonic() - self._trust_at > TRUST_REFRESH_S:
            self._trust, self._trust_at = self._trust_source(), time.monotonic()
        return self._trust

    def submit(self, request: str, *, run_id: str, metadata: dict[str, str]) -> "Future[TurnResult]":
        if self.lost:  # stop here rather than fail every remaining task in a second
            raise AlhfError(f"A Ray worker is gone ({self.lost}): the tasks in flight are recorded as failed; run "
                            "the same command again to finish the run.")
        handle = self._free.get()  # a worker with nothing in flight
        outcome: Future[TurnResult] = Future()
        inner = handle.answer.remote(request, run_id, metadata, self._current_trust()).future()

        def done(answered: Future) -> None:
            self._free.put(handle)
            try:
                where, result = answered.result()
            except Exception as exc:  # noqa: BLE001 - a RayTaskError wraps the worker's exception
                cause = getattr(exc, "cause", None) or exc
                if type(exc).__name__ in ("ActorDiedError", "RayActorError", "ActorUnavailableError"):
                    self.lost = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                error = AlhfError(str(cause)) if isinstance(cause, AlhfError) else \
                    RuntimeError(f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}")
                self._settle(outcome, error=error)
                return
            with self._lock:
                self._answered[where] += 1
            self._settle(outcome, result=result)

        inner.add_done_callback(done)
        return outcome

    @staticmethod
    def _settle(outcome: Future, *, result: Any = None, error: BaseException | None = None) -> None:
        try:
            outcome.set_exception(error) if error is not None else outcome.set_result(result)
        except InvalidStateError:  # cancelled by an interrupted run meanwhile
            pass

    def placement(self) -> dict[str, int]:
        with self._lock:
            return dict(self._answered)

    def shutdown(self, *, wait: bool) -> None:
        for handle in self._actors:
            self.ray.kill(handle)
        if self._started_cluster:
            self.ray.shutdown()


def stop_local_cluster(temp_dir: str) -> int:
    """Kill the processes of the local Ray cluster started with RAY_TMPDIR=`temp_dir` (what a driver killed
    with -9 leaves behind), and only those: unlike `ray stop`, other clusters on the machine live on.
    Returns how many processes were killed."""
    import signal
    from pathlib import Path

    marker = f"RAY_TMPDIR={temp_dir}".encode()
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
        except (OSError, ValueError):
            continue
    return killed
