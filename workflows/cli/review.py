"""`alhf review`: reviewers decide on batch outputs; corrections teach the same memories as live ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from workflows.cli.support import (
    actor,
    ConfigOption, JsonOption, UserOption, console, err, fail, guarded, load, load_llm, open_queue,
)
from memory.records import parse_component
from workflows.config import AppConfig
from workflows.review.queue import ReviewItem, ReviewQueue
from workflows.review.templates import Assessment

review_app = typer.Typer(help="Review batch outputs; corrections teach the same memories as live ones.",
                         no_args_is_help=True)


def _item_json(queue: ReviewQueue, item: ReviewItem) -> dict[str, Any]:
    return {**item.__dict__, "decisions": queue.decisions(item.id)}


def _show(item: ReviewItem, queue: ReviewQueue) -> None:
    body = Text()
    body.append("request: ", style="bold").append(item.request + "\n")
    body.append("answer:  ", style="bold").append(item.answer + "\n")
    body.append("documents: ", style="bold").append(", ".join(item.documents) or "none")
    for call in item.tool_calls:
        body.append(f"\ntool {call['tool']}({call['arguments']}) -> {call['output'][:200]}")
    for lesson in item.lessons_applied:
        body.append(f"\nlesson applied ({lesson['component']}): {lesson['text']}")
    for d in queue.decisions(item.id):
        body.append(f"\n{d['decided_at'][:16]} {d['reviewer']}: {d['verdict']} "
                    f"{d['correction'] or d['reason'] or ''} [{d['learn_status']}]")
    console.print(Panel(body, title=f"item {item.id} - run {item.run_id} - task {item.task_id} - {item.status}",
                        title_align="left"))


@review_app.command("list")
def review_list(
    status: Optional[str] = typer.Option(None, help="pending, approved, corrected or rejected."),
    run: Optional[str] = typer.Option(None, "--run", help="Only this batch run."),
    component: Optional[str] = typer.Option(None, help="Only items that applied a lesson of this component "
                                            "(retriever, tool_planner, writer) or were corrected into it."),
    assigned_to: Optional[str] = typer.Option(None, "--assigned-to", help="Only items assigned to this reviewer "
                                              "(`alhf review assign`)."),
    limit: int = typer.Option(50, min=1),
    as_json: bool = JsonOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """List review items, oldest first."""
    if component:
        component = guarded(lambda: parse_component(component)).value
    queue = open_queue(load(config_path))
    try:
        where = {"status": status, "run_id": run, "component": component, "assignee": assigned_to}
        items = queue.items(**where, limit=limit)
        total = queue.count_items(**where)  # counted after the list: a running batch may have added items since
        if len(items) >= limit and total > len(items):  # on stderr, so --json output stays one valid document
            err.print(f"showing the first {len(items)} of {total} item(s): pass --limit {total} to see all")
        if as_json:
            console.print_json(json.dumps([item.__dict__ for item in items]))
            return
        table = Table(title=f"{len(items)} of {total} item(s)", title_justify="left")
        for column in ("id", "run", "task", "status", "request", "lessons"):
            table.add_column(column)
        for item in items:
            table.add_row(item.id, item.run_id, item.task_id, item.status, escape(item.request[:60]),
                          str(len(item.lessons_applied)))
        console.print(table)
    finally:
        queue.close()


@review_app.command("show")
def review_show(item_id: str, as_json: bool = JsonOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Show one item: request, answer, documents, tool calls, lessons applied, decisions."""
    queue = open_queue(load(config_path))
    try:
        item = guarded(lambda: queue.item(item_id))
        if as_json:
            console.print_json(json.dumps(_item_json(queue, item)))
        else:
            _show(item, queue)
    finally:
        queue.close()


def _assessment(config: AppConfig, item: ReviewItem, thumbs: Optional[str], score: list[str],
                error_class: Optional[str], note: str) -> Assessment:
    scores: dict[str, int] = {}
    for pair in score:
        name, _, value = pair.partition("=")
        if not value.strip().isdigit():
            fail(f"--score takes criterion=1..5, got {pair!r}.")
        scores[name.strip()] = int(value)
    _, template = guarded(lambda: config.review.template(item.template))
    return guarded(lambda: Assessment(thumbs=thumbs, scores=scores, error_class=error_class, note=note).check(template))


def _learn_now(config: AppConfig) -> None:
    """Learn queued corrections if this process can own the lesson store (else they wait for the owner),
    and say exactly what happened to each."""
    from workflows.review.inbox import learn_if_store_free
    from workflows.turn.learning import what_happened

    outcomes = guarded(lambda: learn_if_store_free(config, load_llm))
    if outcomes is None:
        from workflows.config import data_dir
        from workflows.server.owner import running_server

        server = running_server(data_dir(config))
        if server is not None:
            console.print(f"queued: `alhf serve` ({server['url']}) owns the memory and learns it within "
                          f"{config.server.inbox_poll_seconds:g} s; `alhf review show ITEM` tells when")
        else:
            console.print("queued: another alhf process holds the memory; it learns the correction before its next task")
        return
    if not outcomes:
        console.print("no correction was waiting to be learned")
    for outcome in outcomes:
        head = f"correction of item {outcome.entry.item_id} by {outcome.entry.author}"
        if outcome.error:
            err.print(f"[red]{escape(head)} failed to learn[/]: {escape(outcome.error)} "
                      f"(dead letter {outcome.entry.id}: `alhf review inbox`)")
            continue
        console.print(f"{escape(head)}:\n  " + "\n  ".join(escape(line) for line in what_happened(outcome.routing)))


ThumbsOption = typer.Option(None, "--thumbs", help="up or down.")
ScoreOption = typer.Option([], "--score", help="criterion=1..5, repeatable (criteria come from the template).")
ErrorClassOption = typer.Option(None, "--error-class", help="One of the template's error classes.")
ReviewerOption = typer.Option(None, "--reviewer", help="Review as this person (default: $ALHF_USER, else your OS "
                              "account); only roles in governance.act_for_others may review for someone else.")


def _decide(item_id: str, verdict: str, *, correction: str | None = None, reason: str | None = None,
            thumbs: Optional[str], score: list[str], error_class: Optional[str], reviewer: Optional[str],
            config_path: Optional[Path]) -> None:
    config = load(config_path)
    who = _reviewer(config, reviewer)
    queue = open_queue(config)
    try:
        item = guarded(lambda: queue.item(item_id))
        assessment = _assessment(config, item, thumbs, score, error_class, "")
        guarded(lambda: queue.decide(item_id, verdict, reviewer=who, assessment=assessment, correction=correction,
                                     reason=reason, max_correction_chars=config.governance.max_correction_chars))
    finally:
        queue.close()
    done = {"approve": "approved", "reject": "rejected", "correct": "corrected"}[verdict]
    console.print(f"{item_id}: {done} by {who}")
    if verdict == "correct":
        _learn_now(config)


def _reviewer(config: AppConfig, requested: Optional[str]) -> str:
    from workflows.governance.permissions import require_reviewer

    who = actor(config, requested)
    guarded(lambda: require_reviewer(config.governance, who))
    return who


@review_app.command("approve")
def review_approve(item_id: str, thumbs: Optional[str] = ThumbsOption, score: list[str] = ScoreOption,
                   reviewer: Optional[str] = ReviewerOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Approve an output as it is."""
    _decide(item_id, "approve", thumbs=thumbs, score=score, error_class=None, reviewer=reviewer, config_path=config_path)


@review_app.command("correct")
def review_correct(item_id: str, text: str = typer.Argument(..., help="What was wrong and what to do instead."),
                   thumbs: Optional[str] = ThumbsOption, score: list[str] = ScoreOption,
                   error_class: Optional[str] = ErrorClassOption, reviewer: Optional[str] = ReviewerOption,
                   config_path: Optional[Path] = ConfigOption) -> None:
    """Correct an output: the FeedbackRouter turns it into a lesson for the component at fault."""
    _decide(item_id, "correct", correction=text, thumbs=thumbs, score=score, error_class=error_class,
            reviewer=reviewer, config_path=config_path)


@review_app.command("reject")
def review_reject(item_id: str, reason: str = typer.Option(..., "--reason", help="Why it is unusable."),
                  thumbs: Optional[str] = ThumbsOption, score: list[str] = ScoreOption,
                  error_class: Optional[str] = ErrorClassOption, reviewer: Optional[str] = ReviewerOption,
                  config_path: Optional[Path] = ConfigOption) -> None:
    """Reject an output (recorded, nothing learned)."""
    _decide(item_id, "reject", reason=reason, thumbs=thumbs, score=score, error_class=error_class,
            reviewer=reviewer, config_path=config_path)


@review_app.command("assign")
def review_assign(
    to: str = typer.Option(..., "--to", help="Reviewers to share the items among, comma-separated: rita,ana."),
    run: Optional[str] = typer.Option(None, "--run", help="Only this batch run's items."),
    template: Optional[str] = typer.Option(None, help="Only items with this review template."),
    limit: Optional[int] = typer.Option(None, min=1, help="Assign at most this many items."),
    user: Optional[str] = UserOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Share the pending items nobody is assigned yet among reviewers, round robin (approvers only). Each
    reviewer then works through theirs with `alhf review next --mine` or the review app's "Assigned to"."""
    from workflows.governance.permissions import require_approver

    config = load(config_path)
    who = actor(config, user)
    guarded(lambda: require_approver(config.governance, who, "assign review work"))
    queue = open_queue(config)
    try:
        shares = guarded(lambda: queue.assign(to.split(","), by=who, run_id=run, template=template, limit=limit))
    finally:
        queue.close()
    given = sum(shares.values())
    console.print(f"assigned {given} pending item(s): " + ", ".join(f"{name} {n}" for name, n in shares.items())
                  if given else "no unassigned pending item matches: nothing assigned")


@review_app.command("next")
def review_next(run: Optional[str] = typer.Option(None, "--run", help="Only this batch run."),
                mine: bool = typer.Option(False, "--mine", help="Only the items assigned to you."),
                reviewer: Optional[str] = ReviewerOption, config_path: Optional[Path] = ConfigOption) -> None:
    """Review pending items one by one: approve, correct, reject, skip or quit at each."""
    config = load(config_path)
    who = _reviewer(config, reviewer)
    queue = open_queue(config)
    skipped: set[str] = set()
    corrected = 0
    try:
        while True:
            pending = [i for i in queue.items(status="pending", run_id=run, assignee=who if mine else None,
                                              limit=len(skipped) + 1) if i.id not in skipped]
            if not pending:
                console.print("No pending item left." if not skipped else f"{len(skipped)} item(s) skipped.")
                break
            item = pending[0]
            _show(item, queue)
            choice = console.input("[bold]\\[a]pprove [c]orrect [r]eject [s]kip [q]uit[/]> ").strip().lower()[:1]
            if choice == "q":
                break
            if choice == "s" or choice not in {"a", "c", "r"}:
                skipped.add(item.id)
                continue
            _, template = guarded(lambda: config.review.template(item.template))
            thumbs = console.input("thumbs up/down (Enter to skip)> ").strip().lower() or None if template.thumbs else None
            scores = []
            for criterion in template.criteria:
                value = console.input(f"{criterion} 1-5 (Enter to skip)> ").strip()
                if value:
                    scores.append(f"{criterion}={value}")
            text = reason = error_class = None
            if choice == "c":
                text = console.input("correction> ").strip()
            if choice in {"c", "r"}:
                error_class = console.input(f"error class ({', '.join(template.error_classes)}; Enter to skip)> ").strip() or None
            if choice == "r":
                reason = console.input("reason> ").strip()
            try:
                assessment = _assessment(config, item, thumbs, scores, error_class, "")
                verdict = {"a": "approve", "c": "correct", "r": "reject"}[choice]
                guarded(lambda: queue.decide(item.id, verdict, reviewer=who, assessment=assessment, correction=text,
                                             reason=reason, max_correction_chars=config.governance.max_correction_chars))
                corrected += verdict == "correct"
            except typer.Exit:
                skipped.add(item.id)
    finally:
        queue.close()
    if corrected:
        _learn_now(config)


@review_app.command("stats")
def review_stats(run: Optional[str] = typer.Option(None, "--run"), as_json: bool = JsonOption,
                 config_path: Optional[Path] = ConfigOption) -> None:
    """Approval rate, corrections per component and repeated-correction rate."""
    queue = open_queue(load(config_path))
    try:
        stats = queue.stats(run)
    finally:
        queue.close()
    if as_json:
        console.print_json(json.dumps(stats))
        return
    table = Table(title="review stats" + (f" - run {run}" if run else ""), title_justify="left", show_header=False)
    for key, value in stats.items():
        table.add_row(key.replace("_", " "), json.dumps(value) if isinstance(value, dict) else str(value))
    console.print(table)


@review_app.command("not-here")
def review_not_here(
    item_id: str,
    lesson: Optional[str] = typer.Option(None, "--lesson", help="The lesson (default: every lesson the item applied)."),
    should_apply: bool = typer.Option(False, "--should-apply", help="The opposite: LESSON should have applied here."),
    reviewer: Optional[str] = ReviewerOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Scoping feedback: the item's lesson(s) should not have applied to its request (the lesson gains it as
    a near miss and stops applying to requests like it), or, with --should-apply, LESSON should have."""
    from workflows.cli.memory import LessonAdminSession

    config = load(config_path)
    who = _reviewer(config, reviewer)
    queue = open_queue(config)
    try:
        item = guarded(lambda: queue.item(item_id))
    finally:
        queue.close()
    ids = [lesson] if lesson else [applied["id"] for applied in item.lessons_applied]
    if should_apply and not lesson:
        fail("--should-apply needs --lesson ID: the lesson that should have applied.")
    if not ids:
        fail(f"Item {item_id} applied no lesson: name one with --lesson ID.")
    with LessonAdminSession(config_path, who) as admin:
        for lesson_id in ids:
            guarded(lambda: admin.get(lesson_id))
            change = guarded(lambda: admin.scope(lesson_id, item.request, applies=should_apply, turn_id=item.turn_id))
            verb = "now applies to requests like this one" if should_apply else "no longer applies to requests like this one"
            same = change.version_after == change.version_before
            console.print(f"lesson {lesson_id} {verb}" + (" (already said)" if same else f" (version {change.version_after})"))


@review_app.command("learn")
def review_learn(config_path: Optional[Path] = ConfigOption) -> None:
    """Learn corrections still waiting in the inbox (when no batch run was there to learn them)."""
    _learn_now(load(config_path))


@review_app.command("inbox")
def review_inbox(
    status: Optional[str] = typer.Option("failed", help="queued, learned, failed (the dead letters), dropped, or all."),
    retry: Optional[int] = typer.Option(None, "--retry", help="Send this dead letter back to be learned."),
    drop: Optional[int] = typer.Option(None, "--drop", help="Give up on this dead letter (kept, never learned)."),
    as_json: bool = JsonOption,
    config_path: Optional[Path] = ConfigOption,
) -> None:
    """Reviewers' corrections on their way to memory; failed ones (dead letters) with their error."""
    from workflows.governance.permissions import require_approver

    config = load(config_path)
    queue = open_queue(config)
    try:
        if retry is not None or drop is not None:
            guarded(lambda: require_approver(config.governance, actor(config), "retry or drop dead letters"))
            if retry is not None:
                guarded(lambda: queue.requeue(retry))
                console.print(f"inbox entry {retry} queued again; it is learned now if the memory is free")
                _learn_now(config)
            if drop is not None:
                guarded(lambda: queue.drop(drop))
                console.print(f"inbox entry {drop} dropped: recorded, never learned")
            return
        entries = queue.inbox(None if status == "all" else status)
    finally:
        queue.close()
    if as_json:
        console.print_json(json.dumps(entries))
        return
    table = Table(title=f"{len(entries)} inbox entr{'y' if len(entries) == 1 else 'ies'} ({status})", title_justify="left")
    for column in ("id", "item", "author", "status", "correction", "error"):
        table.add_column(column)
    for e in entries:
        table.add_row(str(e["id"]), e["item_id"], e["author"], e["status"], escape(e["text"][:60]),
                      escape((e["error"] or "")[:80]))
    console.print(table)
