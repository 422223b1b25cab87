"""Checkpoint files of minimize / maximize: the pickled CrossEntropyOptimizer.

A file is a version line (``CHECKPOINT_HEADER``) and the pickle. Written
atomically (a temporary file beside it, then ``os.replace``; temporary files
that a killed run left for the same checkpoint are removed at the next
write). Read by an unpickler that resolves only an allow-list of globals: the
classes of cemethod (outside its command line), the numpy reconstructors and
random generators, a few builtin containers and the class of the caller's
``family``; anything else (``os.system``, ``subprocess.Popen``, a function of
any module) is refused before it is called, so that loading a crafted file
cannot run code (the "Restricting Globals" recipe of the pickle docs). Module
names of earlier releases are mapped to their present homes, so that a run
checkpointed before the package layout of issue 12 (``cemethod._optimizer``,
``cemethod.problems.alignment``, ...) still resumes; a file without the
version line is such an older checkpoint.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pickle
import tempfile

from cemethod.optimize._optimizer import CrossEntropyOptimizer

__all__ = ["CHECKPOINT_HEADER", "load_checkpoint", "write_checkpoint"]

CHECKPOINT_VERSION = 1
CHECKPOINT_HEADER = b"cemethod checkpoint %d\n" % CHECKPOINT_VERSION
_HEADER_PREFIX = b"cemethod checkpoint "

# Module paths before the subsystem layout -> now, for every module that moved and
# is not a package of the same name today (those re-export their public classes).
_CORE_MOVES = (
    ("_minimize", "optimize._minimize"),
    ("_optimizer", "optimize._optimizer"),
    ("_restarts", "optimize._restarts"),
    ("_injection", "optimize._injection"),
    ("_options", "optimize._options"),
    ("_stopping", "optimize._stopping"),
    ("_evaluation", "optimize._evaluation"),
    ("_result", "optimize._result"),
    ("_rare_event", "rare_event._estimate"),
    ("_rare_crude", "rare_event._crude"),
    ("_rare_ice", "rare_event._ice"),
    ("_rare_levels", "rare_event._levels"),
    ("_rare_refine", "rare_event._refine"),
    ("_rare_result", "rare_event._result"),
    ("_rare_screening", "rare_event._screening"),
    ("_problem_check", "testing._problems"),
)
_PROBLEM_MOVES = (
    ("_alignment_dp", "alignment._dp"),
    ("_edit_graph_walks", "alignment._edit_graph_walks"),
    ("_local_paths", "alignment._local_paths"),
    ("fasta", "alignment.fasta"),
    ("_graphs", "networks._graphs"),
    ("graph_library", "networks._library"),
    ("reliability_exact", "networks._exact"),
    ("reliability", "networks._reliability"),
    ("network_design", "networks._design"),
    ("_line_checks", "production_line._checks"),
    ("_line_markov", "production_line._markov"),
    ("_line_simulation_numba", "production_line._simulation_numba"),
    ("_line_simulation", "production_line._simulation"),
    ("buffer_allocation", "production_line._buffer_allocation"),
    ("_local_search", "tsp._local_search"),
    ("_tsplib_distances", "tsp._distances"),
    ("_tsplib_tables", "tsp._tables"),
    ("tsplib", "tsp.tsplib"),
    ("_sched_placement", "scheduling._placement"),
    ("orlib", "scheduling.orlib"),
)
MOVED_MODULES = {
    **{f"cemethod.{old}": f"cemethod.{new}" for old, new in _CORE_MOVES},
    **{
        f"cemethod.problems.{old}": f"cemethod.problems.{n}"
        for old, n in _PROBLEM_MOVES
    },
}


# The globals outside cemethod that an optimizer's pickle refers to (numpy
# arrays, dtypes and Generators; older numpy's module names too).
_NUMPY_GLOBALS = frozenset(
    [
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        *(
            (f"numpy.{core}.{module}", name)
            for core in ("core", "_core")
            for module, name in (
                ("numeric", "_frombuffer"),
                ("multiarray", "_reconstruct"),
                ("multiarray", "scalar"),
            )
        ),
        ("numpy.random._pickle", "__bit_generator_ctor"),
        ("numpy.random._pickle", "__generator_ctor"),
        ("numpy.random._pickle", "__randomstate_ctor"),
        ("numpy.random.bit_generator", "SeedSequence"),
        ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
        ("numpy.random._pcg64", "PCG64"),
        ("numpy.random._pcg64", "PCG64DXSM"),
        ("numpy.random._mt19937", "MT19937"),
        ("numpy.random._philox", "Philox"),
        ("numpy.random._sfc64", "SFC64"),
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("builtins", "slice"),
        ("builtins", "complex"),
        ("builtins", "range"),
        ("builtins", "bytearray"),
        ("collections", "OrderedDict"),
        ("copyreg", "_reconstructor"),
    ]
)


def _is_cemethod_class(obj) -> bool:
    return (
        isinstance(obj, type)
        and obj.__module__.startswith("cemethod.")
        and not obj.__module__.startswith("cemethod.cli")
    )


class _RefusedGlobal(pickle.UnpicklingError):
    """A global outside the allow-list."""


class _Unpickler(pickle.Unpickler):
    """Resolves the allow-listed globals only (see the module docstring)."""

    def __init__(self, file, path, trusted=()):
        super().__init__(file)
        self.path, self.trusted = path, tuple(trusted)

    def find_class(self, module, name):
        module = MOVED_MODULES.get(module, module)
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        for cls in self.trusted:
            if (cls.__module__, cls.__qualname__) == (module, name):
                return cls
        if module.startswith(("cemethod.", "numpy.dtypes")) and "." not in name:
            obj = super().find_class(module, name)
            if _is_cemethod_class(obj) or (
                module == "numpy.dtypes" and isinstance(obj, type)
            ):
                return obj
        raise _RefusedGlobal(
            f"{os.fspath(self.path)!r} refers to {module}.{name}, which a "
            "checkpoint may not hold (only cemethod's classes, numpy arrays and "
            "generators, and the class of the family passed to the call): it was "
            "not written by cemethod, or holds an object of another kind; it is "
            "not loaded, since unpickling it could run code"
        )


def _remove_stale_temporaries(directory, base, keep) -> None:
    """Temporary files of this checkpoint left by a run killed mid-write."""
    for stale in glob.glob(os.path.join(directory, f".cemethod-{base}-*.tmp")):
        if stale != keep:
            with contextlib.suppress(OSError):  # another process removed it first
                os.unlink(stale)


def write_checkpoint(opt, path) -> None:
    # Atomic: a crash leaves either the old or the new checkpoint, never half.
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(os.fspath(path))
    fd, tmp = tempfile.mkstemp(
        prefix=f".cemethod-{base}-", suffix=".tmp", dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(CHECKPOINT_HEADER)
            pickle.dump(opt, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _remove_stale_temporaries(directory, base, tmp)


def _refuse(func, path, why):
    return ValueError(
        f"The 'checkpoint' parameter of {func} names a file that {why}. "
        f"Got {os.fspath(path)!r}."
    )


def load_checkpoint(path, func, direction, family=None):
    """The optimizer of a checkpoint file; ``family`` (the caller's) makes its
    class loadable too, for a family defined outside cemethod."""
    trusted = () if family is None else (type(family),)
    with open(path, "rb") as f:
        head = f.read(len(_HEADER_PREFIX))
        if head == _HEADER_PREFIX:
            line = f.readline().strip()
            if line != str(CHECKPOINT_VERSION).encode():
                raise _refuse(
                    func, path,
                    f"has checkpoint format {line.decode(errors='replace')!r}, "
                    f"which this cemethod (format {CHECKPOINT_VERSION}) cannot "
                    "read: resume it with the cemethod version that wrote it",
                )  # fmt: skip
        else:
            f.seek(0)  # an older checkpoint: the pickle alone
        try:
            opt = _Unpickler(f, path, trusted).load()
        except _RefusedGlobal as exc:
            raise _refuse(func, path, f"cannot be loaded: {exc}") from None
        except (
            pickle.UnpicklingError, EOFError, ValueError, TypeError,
            AttributeError, ImportError, IndexError, KeyError,
        ) as exc:  # fmt: skip
            raise _refuse(func, path, f"is not a readable checkpoint ({exc})") from None
    if not isinstance(opt, CrossEntropyOptimizer) or opt.direction != direction:
        raise _refuse(
            func, path,
            f"does not hold a CrossEntropyOptimizer with direction {direction!r}",
        )  # fmt: skip
    return opt
