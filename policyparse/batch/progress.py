"""Progress of a batch on stderr: a tqdm bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

LOG_EVERY_DOCS, LOG_EVERY_SECONDS = 100, 5.0


class Progress:
    """Counts documents done, failed and skipped; ``bar=None`` picks the bar when ``stream`` is a
    terminal.  Rates and the ETA count the documents processed in this run, not those skipped."""

    def __init__(self, total: int, skipped: int, *, stream: TextIO | None = None,
                 quiet: bool = False, bar: bool | None = None, passed_over: int = 0):
        self.stream = stream or sys.stderr
        self.total, self.skipped, self.quiet = total, skipped, quiet
        self.passed_over = passed_over  # paths found while scanning that are not documents
        self.ok = self.failed = 0
        self.started = self._logged_at = time.monotonic()
        self._logged_n = 0
        self._bar = None
        # nothing to do: a bar would only show ": 0doc"
        if not quiet and skipped < total and (self.stream.isatty() if bar is None else bar):
            from tqdm import tqdm

            self._bar = tqdm(total=total - skipped, file=self.stream, unit="doc",
                             desc="policyparse batch", dynamic_ncols=True)
        elif not quiet and skipped:
            self._log(f"{skipped} of {total} documents already done, skipped")

    @property
    def done(self) -> int:
        return self.ok + self.failed

    def update(self, ok: bool) -> None:
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        if self._bar is not None:
            self._bar.set_postfix({"ok": self.ok, "failed": self.failed,
                                   "skipped": self.skipped}, refresh=False)
            self._bar.update()
        elif not self.quiet and (self.done - self._logged_n >= LOG_EVERY_DOCS or
                                 time.monotonic() - self._logged_at >= LOG_EVERY_SECONDS):
            self._log(self._line())

    def stage(self, what: str) -> None:
        """Say what the batch does after the documents (the tables can take a while)."""
        if self._bar is not None:
            self._bar.set_description(f"policyparse batch: {what}")
        elif not self.quiet:
            self._log(what)

    def close(self, out: str) -> None:
        """End the bar and print the summary line."""
        self.__exit__()
        if not self.quiet:
            self._log(f"{self._line(final=True)} → {out}")

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        """End the bar, so that an error stopping the batch is printed on a line of its own."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _line(self, final: bool = False) -> str:
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        todo = self.total - self.skipped
        counts = f"{self.ok} ok, {self.failed} failed, {self.skipped} skipped"
        if final:
            speed = f", {rate:.1f} docs/s" if self.done else ""
            passed = (f"; {self.passed_over} path(s) that are not documents passed over (listed "
                      "above)" if self.passed_over else "")
            return f"{self.total} documents ({counts}) in {elapsed:.1f} s{speed}{passed}"
        eta = (todo - self.done) / rate if rate else float("nan")
        return (f"{self.done + self.skipped}/{self.total} documents ({counts}), "
                f"{rate:.1f} docs/s, ETA {eta:.0f} s")

    def _log(self, line: str) -> None:
        self._logged_at, self._logged_n = time.monotonic(), self.done
        print(f"policyparse batch: {line}", file=self.stream, flush=True)
