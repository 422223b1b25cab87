"""The ``cemethod`` command.

``cemethod demo`` runs every capability that has landed on data shipped with the
package (or with scikit-learn) and prints a summary table; ``cemethod tsp``,
``maxcut``, ``reliability``, ``buffer``, ``align``, ``schedule`` and ``evaluate``
run them on the user's own files (formats in docs/cli.md). The library core never
imports scikit-learn or sklearn_ext; this command-line front end is the one place
that joins the two halves, and it imports them lazily.

Conventions: results on stdout, progress and errors on stderr; a bad input file or
option is a usage error (``cemethod CMD: error: FILE, line L: expected ...``, exit
code 2); Ctrl-C exits with code 130. Output files (``--json``, ``--plot``) are
written only after a successful run, each atomically.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time

from cemethod.cli._options import InputError, MissingExtra
from cemethod.cli._parser import build_parser
from cemethod.cli._progress import Progress

__all__ = ["main"]


def _format_table(rows) -> str:
    header = ("capability", "result", "reference", "check", "seconds")
    cells = [header] + [
        (r.name, r.result, r.reference, "ok" if r.ok else "FAIL", f"{r.seconds:.2f}")
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _run_demo(args, out, progress):
    from cemethod.cli._demo import DEMO_SECONDS, DEMO_SECTIONS

    rows = []
    total = sum(DEMO_SECONDS.values())
    progress.note(
        f"cemethod demo: {len(DEMO_SECTIONS)} sections, about {total:.0f} s on an idle "
        "machine (longer on a busy one, and on the first run, when numba compiles "
        "its kernels)"
    )
    progress.open()
    for i, section in enumerate(DEMO_SECTIONS, 1):
        what = (section.__doc__ or section.__name__).strip().splitlines()[0]
        progress.note(
            f"[{i}/{len(DEMO_SECTIONS)}] {what.rstrip('.')} "
            f"(about {DEMO_SECONDS.get(section.__name__, 1.0):.1f} s) ..."
        )
        start = time.perf_counter()
        with contextlib.redirect_stdout(progress.stdout()) as stdout:
            row = section(seed=args.seed, verbose=not args.quiet)
            stdout.flush()
        row = row._replace(seconds=time.perf_counter() - start)
        rows.append(row)
        progress.step(f"{row.name}: {'ok' if row.ok else 'FAIL'}")
        for name, draw, title in row.plots:
            out.add_figure(name, draw, title)
    payload = {"seed": args.seed, "results": [r.as_dict() for r in rows]}
    return [_format_table(rows)], payload, all(r.ok for r in rows)


def _runner(command):
    if command == "demo":
        return _run_demo
    from cemethod.cli import _estimate, _optimize

    return {
        "tsp": _optimize.run_tsp,
        "maxcut": _optimize.run_maxcut,
        "schedule": _optimize.run_schedule,
        "align": _optimize.run_align,
        "reliability": _estimate.run_reliability,
        "buffer": _estimate.run_buffer,
        "evaluate": _estimate.run_evaluate,
    }[command]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cemethod`` command; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``cemethod`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when a ``demo`` check fails, 130 after Ctrl-C, 141
        when the reader of the output closed it early (``| head``); usage
        errors (bad options or input files) exit with 2 through argparse.

    Examples
    --------
    >>> from cemethod.cli import main
    >>> main(["align", "GATTACA", "GCATGCT", "--gap-open", "1", "--quiet"])
    ... # doctest: +ELLIPSIS
    global alignment of GATTACA (7) and GCATGCT (7), dna scores, gap open 1 / ...
    CE score 0; dynamic programming optimum 0 (reached)
    G-ATTACA
    GCAT-GCT
    14 CE iterations, 7000 alignments evaluated; The worst value kept in the elite ...
    0
    """
    try:
        return _run(argv)
    except BrokenPipeError:
        # The reader of the output went away (``cemethod examples | head``):
        # point stdout at devnull so the interpreter's final flush stays quiet
        # (the Python documentation's advice for SIGPIPE), and exit 141.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _with_input(args, exc) -> str:
    """The message of a library check, led by the input file it is about when
    it names none (a size refused by the memory limit, an allocation that
    failed); other library checks are about an option and say which."""
    from cemethod._limits import SizeLimitError
    from cemethod.cli._examples import INPUTS

    text = str(exc)
    if not isinstance(exc, SizeLimitError) and not getattr(exc, "from_input", False):
        return text
    paths = [
        str(getattr(args, name))
        for name in INPUTS
        if getattr(args, name, None) is not None
        and os.path.isfile(str(getattr(args, name)))
    ]
    if isinstance(exc, InputError) or not paths or any(p in text for p in paths):
        return text
    return f"{', '.join(paths)}: {text}"


def _out_of_memory(exc) -> ValueError:
    what = (
        "is nested too deeply to read"
        if isinstance(exc, RecursionError)
        else "needs more memory than this process could get"
    )
    error = ValueError(
        f"the input {what} ({type(exc).__name__}: {exc}); smaller inputs or "
        "options, or a larger limit with --max-memory, may help"
    )
    error.from_input = True
    return error


def _run(argv):
    parser, subparsers = build_parser()
    args = parser.parse_args(argv)
    usage = subparsers[args.command]
    from cemethod.cli import _examples

    if args.command == "examples":
        return _examples.run_examples(args)
    _examples.resolve_inputs(args)
    progress = pool = None
    from cemethod._limits import set_max_memory

    previous_limit = set_max_memory(getattr(args, "max_memory", None))
    try:
        # imported after parsing: ``--help`` and usage errors stay fast
        from cemethod.cli._common import Outputs, check_output_places, worker_pool

        check_output_places(args)
        pool = args.pool = worker_pool(args)
        out = Outputs(args)
        if args.command == "demo":
            from cemethod.cli._demo import DEMO_SECTIONS

            total = len(DEMO_SECTIONS)
            progress = Progress(args.quiet, total=total, desc="demo", unit="section")
        else:
            progress = Progress(args.quiet, desc=args.command)
        progress.eval_timeout = getattr(args, "eval_timeout", None)
        outcome = _runner(args.command)(args, out, progress)
        progress.close()
        if progress.failures:  # a warning: shown also with --quiet
            print(
                f"cemethod {args.command}: {progress.failures} evaluation(s) ran "
                f"longer than --eval-timeout {progress.eval_timeout:g} (or failed) "
                "and were given the worst value",
                file=sys.stderr,
            )
        lines, payload = outcome[:2]
        ok = outcome[2] if len(outcome) > 2 else True
        print("\n".join(lines), flush=True)
        for path in out.commit(payload):
            if not args.quiet:
                print(f"wrote {path}", file=sys.stderr)
        return 0 if ok else 1
    except MissingExtra as exc:
        if progress is not None:
            progress.close()
        print(f"cemethod {args.command}: {exc}", file=sys.stderr)
        return 2
    except (InputError, ValueError) as exc:  # ValueError: a library check
        if progress is not None:
            progress.close()
        usage.error(_with_input(args, exc))  # prints usage and the message; exit 2
    except (MemoryError, RecursionError) as exc:
        # the last line of defence: an allocation no estimate foresaw
        if progress is not None:
            progress.close()
        usage.error(_with_input(args, _out_of_memory(exc)))
    except KeyboardInterrupt:
        if progress is not None:
            progress.close()
        print(
            f"\ncemethod {args.command}: interrupted; nothing written", file=sys.stderr
        )
        return 130
    finally:
        set_max_memory(previous_limit)
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return 2  # pragma: no cover (usage.error exits)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
