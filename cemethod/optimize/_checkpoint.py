"""Checkpoint files of minimize / maximize: the pickled CrossEntropyOptimizer.

Written atomically; read with the module names of earlier releases mapped to their
present homes, so that a run checkpointed before the package layout of issue 12
(``cemethod._optimizer``, ``cemethod.problems.alignment``, ...) still resumes.
"""

from __future__ import annotations

import os
import pickle
import tempfile

from cemethod.optimize._optimizer import CrossEntropyOptimizer

__all__ = ["load_checkpoint", "write_checkpoint"]

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


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return super().find_class(MOVED_MODULES.get(module, module), name)


def write_checkpoint(opt, path) -> None:
    # Atomic: a crash leaves either the old or the new checkpoint, never half.
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".cemethod-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(opt, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_checkpoint(path, func, direction):
    with open(path, "rb") as f:
        opt = _Unpickler(f).load()
    if not isinstance(opt, CrossEntropyOptimizer) or opt.direction != direction:
        raise ValueError(
            f"The 'checkpoint' parameter of {func} names a file that does not hold "
            f"a CrossEntropyOptimizer with direction {direction!r}. Got {path!r}."
        )
    return opt
