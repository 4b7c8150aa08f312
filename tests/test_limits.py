"""Time limits that hold in every calling context: worker threads, asyncio, a host's own timers,
the CLI's lint rules and a batch worker.

Slow inputs are a generated plan of many target lines (slow to parse, slower to lint) or a
pipeline step replaced by one that works in a loop that checks the limit, as the real steps do;
the step gives up on its own after ``_SLOW`` seconds, so a limit that does not hold fails the
test instead of hanging it.  Elapsed times are only checked against a loose bound far below
``_SLOW``: the figures are in benchmarks/bench_limits.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import signal
import string
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import regex

import policyparse
from policyparse import limits, pipeline
from policyparse.batch import engines
from policyparse.batch.worker import process
from policyparse.cli import main
from policyparse.errors import Timeout
from policyparse.lint.registry import REGISTRY, all_rules

from conftest import seed

_SLOW = 30.0  # seconds a slow step works before giving up
_LOOSE = 5.0  # seconds: a limit of 0.5 s that took longer than this did not hold
SEED = seed("000_8b7cc7afb4aa70ed").read_text(encoding="utf-8")


def target_lines(n: int) -> str:
    """A plan with ``n`` numbered target lines: parsing grows with ``n`` (each line is a target
    to place, date and classify) and so does linting (targets compared with one another)."""
    lines = ["某市知识产权发展规划", "一、发展目标"]
    lines += [f"（{i}）到2025年，全市专利授权量达到{i}件，比2020年增长{i % 9}.5%。"
              for i in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def _slow_step(plan):
    """A step that works in small pieces and checks the limit between them, as loops do."""
    end = time.monotonic() + _SLOW
    while time.monotonic() < end:
        time.sleep(0.01)
        limits.check()
    return plan


@pytest.fixture
def slow_facts(monkeypatch):
    pipeline.get_component("facts")  # every component module imported before one is replaced
    monkeypatch.setitem(pipeline.COMPONENTS, "facts", _slow_step)


def _timed(fn, *args, **kwargs) -> tuple[float, BaseException | None]:
    start = time.monotonic()
    try:
        fn(*args, **kwargs)
    except Exception as err:
        return time.monotonic() - start, err
    return time.monotonic() - start, None


def test_a_limit_given_in_a_thread_pool_worker_stops_a_big_document():
    """Before: silently ignored outside the main thread (the whole parse ran)."""
    with ThreadPoolExecutor(1) as pool:
        _, err = pool.submit(_timed, policyparse.parse, target_lines(5000), timeout=0.5).result()
    assert isinstance(err, Timeout), err
    assert err.line().startswith("<text>: processing took longer than the limit of 0.5 s")
    assert "\n" not in err.line()


def test_a_limit_in_a_thread_stops_at_the_next_check(slow_facts):
    with ThreadPoolExecutor(1) as pool:
        elapsed, err = pool.submit(_timed, policyparse.parse, SEED, name="plan.txt",
                                   timeout=0.5).result()
    assert isinstance(err, Timeout) and err.path == "plan.txt"
    assert elapsed < _LOOSE


def test_a_limit_holds_in_asyncio_to_thread(slow_facts):
    async def both():  # two calls at once: each has its own deadline
        return await asyncio.gather(asyncio.to_thread(_timed, policyparse.parse, SEED,
                                                      name="a.txt", timeout=0.5),
                                    asyncio.to_thread(_timed, policyparse.parse, SEED,
                                                      name="b.txt", timeout=1.5))

    (fast, a), (slow, b) = asyncio.run(both())
    assert isinstance(a, Timeout) and a.path == "a.txt" and "0.5 s" in a.reason
    assert isinstance(b, Timeout) and b.path == "b.txt" and "1.5 s" in b.reason
    assert fast < slow < _LOOSE


@pytest.fixture
def host_timer():
    """A host application's own SIGALRM handler and ITIMER_REAL, armed for 100 s."""
    fired = []

    def handler(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        yield handler, fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_host_timer_is_left_armed_and_the_limit_still_holds(host_timer, monkeypatch):
    """Before: the call cancelled the host's ITIMER_REAL.  Now the limit does not use SIGALRM
    while the host does: the pipeline's checks stop the work, the host's timer runs on."""
    handler, fired = host_timer
    before, start = signal.getitimer(signal.ITIMER_REAL)[0], time.monotonic()
    assert policyparse.parse(SEED, timeout=5).tasks
    assert signal.getsignal(signal.SIGALRM) is handler
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    assert 0 < before - left <= time.monotonic() - start + 0.01

    seen = []
    pipeline.get_component("facts")
    monkeypatch.setitem(pipeline.COMPONENTS, "facts",
                        lambda plan: seen.append(signal.getsignal(signal.SIGALRM)) or
                        _slow_step(plan))
    elapsed, err = _timed(policyparse.parse, SEED, timeout=0.5)
    assert isinstance(err, Timeout) and elapsed < _LOOSE
    assert seen == [handler] and signal.getsignal(signal.SIGALRM) is handler
    assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] < left and not fired


def test_without_a_host_timer_the_alarm_guards_work_that_never_checks(monkeypatch):
    """In the main thread, with SIGALRM free, a step without checks is interrupted too, and
    the handler and timer are as before afterwards."""
    pipeline.get_component("facts")
    monkeypatch.setitem(pipeline.COMPONENTS, "facts", lambda plan: time.sleep(_SLOW) or plan)
    before = signal.getsignal(signal.SIGALRM)
    elapsed, err = _timed(policyparse.parse, SEED, timeout=0.5)
    assert isinstance(err, Timeout) and elapsed < _LOOSE
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_nested_limit_shortens_the_deadline_and_gives_the_outer_one_back():
    """The CLI's limit over a command holds each document's own; after an inner block the alarm
    is armed for the outer deadline again, after the outer one not at all."""
    with limits.time_limit(30, "2 documents"):
        with pytest.raises(Timeout) as err:
            with limits.time_limit(0.05, "a.txt"):
                time.sleep(_SLOW)
        assert err.value.path == "a.txt" and "0.05 s" in err.value.reason
        assert 25 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30
        assert 25 < limits.remaining() <= 30
        with limits.time_limit(None, "b.txt"):  # no limit of its own: the outer one, named b.txt
            assert 25 < limits.remaining() <= 30
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and limits.remaining() is None


def test_work_that_cannot_be_interrupted_is_reported_late_not_silently():
    """A step without checks in a thread runs to its end; the Timeout then says how late it was
    noticed and after which step, and the plan is not returned."""
    def stuck(plan):
        time.sleep(2)  # as a C call would: no check, no signal in this thread
        return plan

    pipeline.get_component("facts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(pipeline.COMPONENTS, "facts", stuck)
        with ThreadPoolExecutor(1) as pool:
            _, err = pool.submit(_timed, policyparse.parse, SEED, timeout=0.5).result()
    assert isinstance(err, Timeout)
    assert regex.search(r"noticed \d+\.\d s late, after the facts step", err.reason), err.reason


def test_one_long_regex_match_stops_with_the_remaining_time(monkeypatch):
    """Patterns run over a whole text take ``timeout=limits.remaining()``: regex's own
    TimeoutError ends the block as the document's Timeout."""
    trap = regex.compile(r"(a|aa)+b")  # exponential on a run of a's without a b

    def step(plan):
        trap.search("a" * 40, timeout=limits.remaining())
        return plan

    pipeline.get_component("facts")
    monkeypatch.setitem(pipeline.COMPONENTS, "facts", step)
    with ThreadPoolExecutor(1) as pool:
        elapsed, err = pool.submit(_timed, policyparse.parse, SEED, name="plan.txt",
                                   timeout=0.5).result()
    assert isinstance(err, Timeout) and err.path == "plan.txt" and elapsed < _LOOSE
    assert isinstance(err.__cause__, TimeoutError)
    assert limits.remaining() is None  # no limit outside a call


def test_the_default_limit_and_no_limit(slow_facts, monkeypatch):
    """``timeout=None`` is the default limit, ``0`` none, a negative one an error."""
    monkeypatch.setattr(limits, "DEFAULT_TIMEOUT", 0.5)
    with pytest.raises(Timeout, match="limit of 0.5 s"):
        policyparse.parse(SEED)

    def brief(plan):  # one second of checked work: longer than the default above
        end = time.monotonic() + 1
        while time.monotonic() < end:
            limits.check()
        return plan

    monkeypatch.setitem(pipeline.COMPONENTS, "facts", brief)
    assert policyparse.parse(SEED, timeout=0).tasks
    with pytest.raises(ValueError, match="seconds ≥ 0"):
        policyparse.parse(SEED, timeout=-1)


@pytest.fixture
def slow_rule(monkeypatch):
    """A rule made slow: it yields a finding now and then, checking nothing itself."""
    rule = next(r for r in all_rules() if not r.cross_document)
    fields = {name: "…" for _, name, _, _ in string.Formatter().parse(rule.message) if name}

    def check(self, plan):
        end = time.monotonic() + _SLOW
        while time.monotonic() < end:
            time.sleep(0.01)
            yield self.finding(plan, [plan.span(0, 1)], **fields)

    monkeypatch.setattr(REGISTRY[rule.code], "check", check)
    return rule


def test_the_library_lint_has_one_limit_for_reading_and_linting(slow_rule):
    """Before: ``policyparse.lint`` had no limit at all."""
    with ThreadPoolExecutor(1) as pool:
        elapsed, err = pool.submit(_timed, policyparse.lint, SEED, timeout=0.5).result()
    assert isinstance(err, Timeout) and err.path == "<text>" and elapsed < _LOOSE


def test_lint_on_the_command_line_limits_the_rules_too(slow_rule, tmp_path, capsys):
    """Before: ``lint --timeout 10`` limited the reading only; the rules ran on (36 s)."""
    path = tmp_path / "plan.txt"
    path.write_text(SEED, encoding="utf-8")
    start = time.monotonic()
    status = main(["lint", "--timeout", "1", str(path)])
    assert status == 2 and time.monotonic() - start < _LOOSE
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == f"policyparse: error: {path}: processing took longer than the limit of 1 s"


def test_lint_timeout_1_stops_a_big_document(tmp_path, capsys, slow_rule):
    """The CLI's --timeout covers the rules too (before: it covered reading only)."""
    path = tmp_path / "many-targets.txt"
    path.write_text(target_lines(600), encoding="utf-8")
    assert main(["lint", "--timeout", "1", str(path)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"policyparse: error: {path}: processing took longer than the limit")


def test_a_batch_workers_limit_covers_parse_and_lint_in_any_thread(slow_rule):
    """The engine's limit (as on a Dask worker thread) holds for the lint after the parse, and
    the record names the kind of failure."""
    data = SEED.encode()
    args = (data, "plan.txt", hashlib.sha256(data).hexdigest())
    with ThreadPoolExecutor(1) as pool:
        start = time.monotonic()
        failure = pool.submit(engines.guarded, process, 0.5, *args).result()
    assert isinstance(failure, engines.Failure) and failure.error_type == "Timeout"
    assert time.monotonic() - start < _LOOSE
