"""Runs one trial of a notebook study: a copy of the notebook, headless, on a Jupyter kernel.

Hyperparameter Studio writes this file into each trial folder and starts it with the study's
interpreter:

    python notebook-runner.py NOTEBOOK --params params.json --output executed.ipynb [--cwd DIR]
                              [--cell-timeout SECONDS] [--trial N]

* The trial's values are injected the papermill way: a new code cell tagged `injected-parameters`
  right after the cell tagged `parameters` (at the top when there is none). The user's notebook is
  only read; the executed copy is written to --output (after every cell, so a stopped trial keeps
  what ran).
* The kernel is an ipykernel of this interpreter (sys.executable), whatever the notebook's
  kernelspec says, so the study's interpreter decides the environment.
* Stream output (print, logging to stdout/stderr) is forwarded to this process's stdout/stderr the
  moment the kernel publishes it, so metric lines reach the study while the cell still runs.
* SIGTERM (stop, prune, timeout) interrupts the running cell, shuts the kernel down and exits 143:
  no kernel process outlives the trial.
* A failing cell ends the trial with exit code 1 and, as the last lines of stderr, the cell number and
  the error; a dead kernel, a cell asking for input() and a cell timeout each get their own message.

Needs nbformat, nbclient and ipykernel (Debian: python3-nbformat python3-nbclient python3-ipykernel).
"""
import argparse
import json
import math
import os
import re
import signal
import sys
import threading
import time

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 143
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
SAVE_EVERY_S = 2.0


def note(message):
    sys.stderr.write("[hpstudio] %s\n" % message)
    sys.stderr.flush()


def fail(message, code=EXIT_FAILED):
    note(message)
    sys.exit(code)


try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as err:  # pragma: no cover - depends on the machine
    fail("%s cannot run notebooks: %s. Install nbformat, nbclient and ipykernel for it "
         "(Debian/Ubuntu: apt install python3-nbformat python3-nbclient python3-ipykernel; "
         "elsewhere: pip install nbclient ipykernel)" % (sys.executable, err), EXIT_USAGE)


def python_literal(value):
    """The trial value as Python source, as papermill's translator writes it."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "float(%r)" % str(value)
    if isinstance(value, (int, float, str)):
        return repr(value)
    return repr(value)


def read_notebook(path):
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as err:
        fail("cannot read the notebook %s: %s" % (path, err.strerror or err), EXIT_USAGE)
    except ValueError as err:
        fail("%s is not valid JSON (%s); the notebook cannot be run" % (path, err), EXIT_USAGE)
    if not isinstance(raw, dict) or "nbformat" not in raw:
        fail("%s is not a Jupyter notebook (no nbformat)" % path, EXIT_USAGE)
    if raw.get("nbformat") != 4:
        fail("%s is an nbformat %s notebook; only nbformat 4 runs. Open and save it in Jupyter, or run "
             "`jupyter nbconvert --to notebook --nbformat 4`, to upgrade it" % (path, raw.get("nbformat")), EXIT_USAGE)
    for i, cell in enumerate(raw.get("cells") or []):
        source = cell.get("source") if isinstance(cell, dict) else None
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            fail("cell %d: \"source\" must be a string or a list of strings" % i, EXIT_USAGE)
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as err:  # nbformat's own validation errors have no common base class
        fail("%s cannot be read as a notebook: %s" % (path, err), EXIT_USAGE)
    if not any(c.cell_type == "code" and c.source.strip() for c in nb.cells):
        fail("%s has no code cells: there is nothing to run" % path, EXIT_USAGE)
    return nb


def inject(nb, params, trial):
    """Adds the `injected-parameters` cell (replacing one a previous run left) and returns its index."""
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    lines = ["# Parameters of trial %s, injected by Hyperparameter Studio" % trial]
    lines += ["%s = %s" % (name, python_literal(value)) for name, value in params.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines) + "\n", metadata={"tags": ["injected-parameters"]})
    tagged = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])]
    at = tagged[0] + 1 if tagged else 0
    nb.cells.insert(at, cell)
    return at


class OwnInterpreterKernels(KernelSpecManager):
    """Every kernel name resolves to an ipykernel of this interpreter: the study's choice wins."""

    def get_kernel_spec(self, kernel_name):
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python (%s)" % sys.executable,
            language="python",
            env={"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        )


class StreamingClient(NotebookClient):
    """nbclient, plus: stream output goes to our stdout/stderr as soon as the kernel publishes it."""

    def output(self, outs, msg, display_id, cell_index):
        if msg.get("msg_type") == "stream":
            content = msg.get("content", {})
            target = sys.stderr if content.get("name") == "stderr" else sys.stdout
            target.write(content.get("text", ""))
            target.flush()
        return super().output(outs, msg, display_id, cell_index)


class Trial:
    def __init__(self, args):
        self.args = args
        self.stopping = False
        self.km = None
        self.last_save = 0.0
        self.nb = None
        self.current = None
        self.injected = None

    # ---- stopping ----------------------------------------------------------------------------
    def kernel_pgid(self):
        provisioner = getattr(self.km, "provisioner", None) if self.km else None
        pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None), "pid", None)
        if not pid:
            return None
        try:
            return os.getpgid(pid)
        except OSError:
            return None

    def signal_kernel(self, signum):
        pgid = self.kernel_pgid()
        if pgid is not None and pgid != os.getpgid(0):
            try:
                os.killpg(pgid, signum)
            except OSError:
                pass

    def on_sigterm(self, _signum, _frame):
        # Only flags and signals here: the main loop sees the interrupted cell and cleans up.
        if self.stopping:
            self.signal_kernel(signal.SIGKILL)
            return
        self.stopping = True
        note("stop requested: interrupting the kernel")
        self.signal_kernel(signal.SIGINT)
        # A cell deep in native code may ignore the interrupt: the kernel is killed soon after.
        timer = threading.Timer(2.0, lambda: self.signal_kernel(signal.SIGKILL))
        timer.daemon = True
        timer.start()

    # ---- the executed copy -------------------------------------------------------------------
    def save(self, force=False):
        now = time.monotonic()
        if self.nb is None or (not force and now - self.last_save < SAVE_EVERY_S):
            return
        self.last_save = now
        tmp = self.args.output + ".tmp"
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                nbformat.write(self.nb, f)
            os.replace(tmp, self.args.output)
        except OSError as err:
            note("could not write %s: %s" % (self.args.output, err))

    # ---- running -----------------------------------------------------------------------------
    def run(self):
        args = self.args
        try:
            with open(args.params, encoding="utf-8") as f:
                params = json.load(f)
        except (OSError, ValueError) as err:
            fail("cannot read the trial parameters %s: %s" % (args.params, err), EXIT_USAGE)
        nb = read_notebook(args.notebook)
        self.injected = inject(nb, params, args.trial)
        self.nb = nb
        self.save(force=True)
        signal.signal(signal.SIGTERM, self.on_sigterm)
        self.km = KernelManager(kernel_name="python3", kernel_spec_manager=OwnInterpreterKernels())
        client = StreamingClient(nb, km=self.km, timeout=args.cell_timeout, startup_timeout=120,
                                 kernel_name="python3", allow_errors=False, record_timing=True,
                                 resources={"metadata": {"path": args.cwd}}, shutdown_kernel="immediate")
        failure = None
        started = time.monotonic()
        try:
            with client.setup_kernel(cwd=args.cwd):
                note("kernel started (pid %s) in %.2f s" % (getattr(self.km.provisioner, "pid", "?"), time.monotonic() - started))
                for index, cell in enumerate(nb.cells):
                    if self.stopping:
                        break
                    self.current = index
                    try:
                        client.execute_cell(cell, index)
                    finally:
                        self.save()
        except (CellTimeoutError, DeadKernelError, CellExecutionError) as err:
            failure = err
        finally:
            self.shutdown()
            self.save(force=True)
        if failure is not None and not self.stopping:
            if isinstance(failure, CellTimeoutError):
                self.report_timeout()
            if isinstance(failure, DeadKernelError):
                self.report("the kernel died while running cell %s (out of memory, a crash in native code, or os._exit?)")
            self.report_error(failure)
        if self.stopping:
            note("stopped; the kernel is shut down")
            return EXIT_STOPPED
        note("notebook ran to the end in %.1f s" % (time.monotonic() - started))
        return 0

    def running_cell(self):
        """The running cell's index in the user's notebook (the injected cell does not count)."""
        if self.current is None:
            return "?"
        if self.current == self.injected:
            return "%d (the injected parameters)" % self.current
        return self.current - 1 if self.current > self.injected else self.current

    def report(self, template):
        fail(template % self.running_cell())

    def report_timeout(self):
        fail("cell %s ran longer than the %s s cell timeout and was interrupted" % (self.running_cell(), self.args.cell_timeout))

    def report_error(self, err):
        cell = self.running_cell()
        ename = getattr(err, "ename", "Error")
        evalue = getattr(err, "evalue", "")
        traceback = ANSI.sub("", getattr(err, "traceback", "") or str(err))
        sys.stderr.write(traceback.rstrip() + "\n")
        if ename == "StdinNotImplementedError":
            fail("cell %s called input(), but a trial runs headless with no one to answer: it was stopped at once "
                 "instead of waiting. Make the value a parameter of the notebook instead" % cell)
        fail("notebook failed in cell %s: %s: %s" % (cell, ename, evalue))

    def shutdown(self):
        if self.km is None:
            return
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception as err:  # the kernel may be gone already
            note("kernel shutdown: %s" % err)
        self.signal_kernel(signal.SIGKILL)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run a notebook as one Hyperparameter Studio trial.")
    parser.add_argument("notebook")
    parser.add_argument("--params", required=True, help="JSON file with the trial's parameters")
    parser.add_argument("--output", required=True, help="where the executed copy is written")
    parser.add_argument("--cwd", default=None, help="working directory of the kernel (default: the notebook's folder)")
    parser.add_argument("--cell-timeout", type=float, default=None, help="seconds one cell may run (default: no limit)")
    parser.add_argument("--trial", default="?", help="trial number, for the injected cell's comment")
    args = parser.parse_args(argv)
    args.cwd = args.cwd or os.path.dirname(os.path.abspath(args.notebook))
    if args.cell_timeout is not None and args.cell_timeout <= 0:
        args.cell_timeout = None
    return Trial(args).run()


if __name__ == "__main__":
    sys.exit(main())
