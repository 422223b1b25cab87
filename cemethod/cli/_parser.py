"""The argparse definition of the ``cemethod`` command: every subcommand, its
options with an example each, and a full example command in each description."""

from __future__ import annotations

import argparse

from cemethod import __version__
from cemethod.cli._options import (
    add_common_options,
    int_between,
    nonnegative_real,
    positive_int,
    probability,
    seed_int,
)

__all__ = ["build_parser"]

# A CE estimate of a rare event settles in a handful of updates (Rubinstein &
# Kroese 2004, Ch. 3): 1000 bounds the loop without limiting any real use.
iteration_count = int_between(0, 1000)
digit_count = int_between(0, 17)  # float64 carries 17 significant digits

_RAW = argparse.RawDescriptionHelpFormatter
_FOOTER = (
    "The files named in the examples ship with cemethod ('cemethod examples'\n"
    "lists them, 'cemethod examples --copy .' copies them here); a file name\n"
    "missing from the current folder is read from the package.\n"
    "Long form of the formats: docs/cli.md in the source distribution."
)


def _sub(sub, name, help_text, description, examples):
    lines = [description, "", "Example:" if len(examples) == 1 else "Examples:"]
    lines += [f"  {e}" for e in examples]
    lines += ["", _FOOTER]
    return sub.add_parser(
        name, help=help_text, description="\n".join(lines), formatter_class=_RAW
    )


def _demo(sub):
    p = _sub(
        sub,
        "demo",
        "run every capability on data shipped with the package",
        "Run every capability on data shipped with the package (or with\n"
        "scikit-learn), each checked against a reference value, with progress on\n"
        "stderr and a summary table at the end; exit code 1 if a check fails.",
        ["cemethod demo --seed 1 --json results.json"],
    )
    p.add_argument(
        "--seed",
        type=seed_int,
        default=0,
        metavar="N",
        help="random seed (default 0), e.g. --seed 1",
    )
    p.add_argument(
        "--json",
        metavar="PATH",
        help="also write all results as JSON to PATH, e.g. --json results.json",
    )
    p.add_argument(
        "--plot",
        metavar="DIR",
        help="write PNG plots (tour, convergence, rare-event levels, "
        "reliability diagram) into DIR (needs matplotlib: "
        'pip install "cemethod[plot]"), e.g. '
        "--plot plots/",
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        help="print only the summary table, no progress; e.g. --quiet",
    )


def _examples(sub):
    p = _sub(
        sub,
        "examples",
        "list the example files shipped with the package, or copy them",
        "List the example input files shipped inside the package (TSPLIB\n"
        "instances, graphs, a production line, sequences, jobs, predictions),\n"
        "or copy them into a folder (existing files are left as they are).",
        ["cemethod examples --copy ."],
    )
    p.add_argument(
        "--copy",
        metavar="DIR",
        help="copy every example file into DIR (created if needed); e.g. --copy .",
    )


def _tsp(sub):
    p = _sub(
        sub,
        "tsp",
        "shortest tour through the cities of a TSPLIB file",
        "Shortest round trip through the cities of a TSPLIB .tsp (symmetric) or\n"
        ".atsp (asymmetric) file: the CE method, then a 2-opt / Or-opt polish.\n"
        "The published optimum of a TSPLIB instance is shown beside the result.\n"
        "FILE: TSPLIB text: header lines 'KEY: value' (TYPE: TSP or ATSP,\n"
        "DIMENSION: n, EDGE_WEIGHT_TYPE: EUC_2D, CEIL_2D, GEO, ATT, ... or\n"
        "EXPLICIT with EDGE_WEIGHT_FORMAT: FULL_MATRIX, UPPER_ROW, ...), then a\n"
        "NODE_COORD_SECTION ('i x y' per line) or an EDGE_WEIGHT_SECTION, then EOF.",
        ["cemethod tsp burma14.tsp --seed 1 --time-limit 30 --json tour.json"],
    )
    p.add_argument("file", metavar="FILE", help="TSPLIB file, e.g. berlin52.tsp")
    p.add_argument(
        "--polish",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="2-opt / Or-opt local search after the CE run (default: "
        "on); e.g. --no-polish for the pure CE method",
    )
    p.add_argument(
        "--optimum",
        type=float,
        metavar="VALUE",
        help="known optimal length, when the file is not a TSPLIB "
        "instance with a published one; e.g. --optimum 7542",
    )
    add_common_options(p)


def _maxcut(sub):
    p = _sub(
        sub,
        "maxcut",
        "maximum cut of a weighted graph",
        "Split the nodes of a weighted graph into two sides so that the weight\n"
        "of the edges between the sides is as large as possible.\n"
        "GRAPH: an edge list 'u v [weight]' per line (node ids 0, 1, ...;\n"
        "weight 1 if left out; '#' comments), a .csv square weight matrix, or\n"
        "a G-set / rudy file (first line 'n m', then m lines 'i j w', nodes\n"
        "1..n) or a DIMACS file ('c' comments, 'p edge n m', then m lines\n"
        "'e i j [w]', nodes 1..n), recognized by their first lines or chosen\n"
        "with --format.",
        [
            "cemethod maxcut maxcut5.txt --seed 3 --samples 1000 --json cut.json",
            "cemethod maxcut maxcut5.csv --pure-ce",
        ],
    )
    p.add_argument(
        "graph",
        metavar="GRAPH",
        help="edge list (e.g. graph.txt), weight matrix (e.g. weights.csv) or "
        "G-set file (e.g. G2.txt)",
    )
    p.add_argument(
        "--format",
        choices=("auto", "gset", "dimacs", "edges"),
        default="auto",
        help="auto (default): a .csv file is a matrix; a file whose first line "
        "after 'c' comments starts with 'p' is a DIMACS file; a file whose first "
        "line is two integers 'n m' (n >= 2) and whose next line has three "
        "fields is a G-set file; anything else an edge list. gset / dimacs / "
        "edges: read the file as that format; e.g. --format gset",
    )
    p.add_argument(
        "--polish",
        action="store_true",
        help="replace every sampled cut by its 1-flip local optimum "
        "before the CE update (memetic variant); e.g. --polish",
    )
    p.add_argument(
        "--tabu",
        action="store_true",
        help="tabu search inside the CE loop and on the outcome: the default "
        "(the best mode, within ~0.5%% of the best-known G-set cuts); e.g. --tabu",
    )
    p.add_argument(
        "--pure-ce",
        action="store_true",
        help="the CE method alone (de Boer et al. 2005; fast on small or dense "
        "graphs, several percent below the best cuts on large sparse ones); "
        "e.g. --pure-ce",
    )
    add_common_options(p)


def _reliability(sub):
    p = _sub(
        sub,
        "reliability",
        "probability that a network with unreliable links is disconnected",
        "Unreliability of a network whose links fail independently: the\n"
        "probability that SOURCE and TARGET are disconnected (without them: that\n"
        "the network falls apart). Exact when its estimated cost is within\n"
        "--max-states (the output says so), and a CE importance-sampling\n"
        "estimate with its relative error. GRAPH: an edge list 'u v [q]' per\n"
        "line (q: the link's failure probability, else --q; node ids are names,\n"
        "any size), or a .csv matrix of failure probabilities (0 = no link; a\n"
        "0/1 adjacency matrix needs --q).",
        ["cemethod reliability bridge.txt --source 0 --target 3 --json r.json"],
    )
    p.add_argument(
        "graph",
        metavar="GRAPH",
        help="edge list (e.g. net.txt) or matrix (e.g. net.csv)",
    )
    p.add_argument(
        "--source", type=int, metavar="S", help="source node id; e.g. --source 0"
    )
    p.add_argument(
        "--target", type=int, metavar="T", help="target node id; e.g. --target 3"
    )
    p.add_argument(
        "--q",
        type=probability,
        metavar="Q",
        help="failure probability of the links without their own; e.g. --q 0.01",
    )
    p.add_argument(
        "--method",
        choices=("auto", "exact", "ce", "turnip", "splitting", "crude"),
        default="auto",
        help="auto (default): the exact value when its estimated cost is "
        "within --max-states, and the CE estimate; exact: only the exact value "
        "(refused above --max-states); ce: only the CE estimate; turnip: the "
        "turnip estimate (permutation Monte Carlo, no cut list; --final-samples "
        "orders); splitting: generalized splitting (--samples pilot chains, "
        "--final-samples runs); crude: crude Monte Carlo; e.g. --method turnip",
    )
    p.add_argument(
        "--max-states",
        type=positive_int,
        default=25_000_000,
        metavar="N",
        help="limit on the estimated cost of the exact value, in states of the "
        "enumeration or dynamic program (default 25000000, about 10 s at "
        "worst); e.g. --max-states 200000000",
    )
    p.add_argument(
        "--max-edges",
        type=positive_int,
        default=1_000_000,
        metavar="M",
        help="refuse graph files with more links (or more than 100 bytes a "
        "link; default 1000000); e.g. --max-edges 5000000",
    )
    p.add_argument(
        "--iterations",
        type=iteration_count,
        default=3,
        metavar="K",
        help="CE updates of the importance-sampling law (default 3, at most "
        "1000); e.g. --iterations 5",
    )
    p.add_argument(
        "--final-samples",
        type=positive_int,
        metavar="N",
        help="samples of the final importance-sampling run (default "
        "10 x --samples); e.g. --final-samples 50000",
    )
    add_common_options(
        p,
        ("seed", "samples", "smoothing"),
        samples="samples per CE iteration (default 1000), or with --method crude "
        "the number of crude samples (default 100000); e.g. --samples 2000",
        smoothing="smoothing alpha in (0, 1] of the CE update (default 0.7); "
        "e.g. --smoothing 0.5",
    )


def _buffer(sub):
    p = _sub(
        sub,
        "buffer",
        "share buffer slots in a production line (simulation)",
        "Best allocation of buffer slots between the machines of an unreliable\n"
        "production line, by the CE method on a noisy simulated throughput\n"
        '(Alon et al. 2005); or, with "problem": "throughput_maximization", the\n'
        "service rates and buffers of a reliable line (Pichitlamken et al. 2006).\n"
        "CONFIG: a JSON file, e.g.\n"
        '  {"service_rates": [1.0, 1.2, 1.0], "failure_rates": [0.05, 0.1, 0.02],\n'
        '   "repair_rates": [0.5, 0.6, 0.4], "total_buffer": 6, "horizon": 1000}',
        ["cemethod buffer line.json --seed 2 --exact --enumerate --json best.json"],
    )
    p.add_argument("config", metavar="CONFIG", help="JSON file, e.g. line.json")
    p.add_argument(
        "--exact",
        action="store_true",
        help="also give the exact throughput of the answer (Markov "
        "chain; for short lines); e.g. --exact",
    )
    p.add_argument(
        "--enumerate",
        action="store_true",
        help="also find the optimum by trying every decision with the "
        "exact throughput (small lines only: at most 100000 decisions); "
        "e.g. --enumerate",
    )
    p.add_argument(
        "--max-steps",
        type=positive_int,
        default=10_000_000,
        metavar="N",
        help="refuse lines whose simulation takes more steps than N (about "
        "the event rate times warmup + horizon; default 10000000); "
        "e.g. --max-steps 100000000",
    )
    add_common_options(p)


def _align(sub):
    p = _sub(
        sub,
        "align",
        "align two sequences (CE beside the dynamic-programming optimum)",
        "Best alignment of two DNA or protein sequences by the CE method, printed\n"
        "beside the exact optimum of dynamic programming (Needleman-Wunsch /\n"
        "Smith-Waterman with affine gaps). SEQ1 and SEQ2: FASTA files (the\n"
        "first record is used) or the sequences themselves.",
        [
            "cemethod align GATTACA GCATGCT --gap-open 1 --json aln.json",
            "cemethod align seq1.fasta seq2.fasta --gap-open 3 --gap-extend 1 "
            "--mode local",
            "cemethod align HEAGAWGHEE PAWHEAE --matrix blosum62 --gap-open 8",
        ],
    )
    p.add_argument("seq1", metavar="SEQ1", help="FASTA file or sequence, e.g. a.fa")
    p.add_argument("seq2", metavar="SEQ2", help="FASTA file or sequence, e.g. ACGT")
    p.add_argument(
        "--matrix",
        choices=("auto", "dna", "blosum62"),
        default="auto",
        help="substitution scores: dna (match / mismatch), blosum62 "
        "(proteins), auto (default): dna when the letters are ACGTN; "
        "e.g. --matrix blosum62",
    )
    p.add_argument(
        "--match",
        type=float,
        metavar="S",
        help="dna score of a match (default 1); e.g. --match 2",
    )
    p.add_argument(
        "--mismatch",
        type=float,
        metavar="S",
        help="dna score of a mismatch (default -1); e.g. --mismatch -3",
    )
    p.add_argument(
        "--gap-open",
        type=nonnegative_real,
        default=2.0,
        metavar="G",
        help="penalty >= 0 of a gap's first position (default 2); e.g. --gap-open 10",
    )
    p.add_argument(
        "--gap-extend",
        type=nonnegative_real,
        metavar="G",
        help="penalty of each further position, at most --gap-open "
        "(default: --gap-open, linear gaps); e.g. --gap-extend 1",
    )
    p.add_argument(
        "--mode",
        choices=("global", "local"),
        default="global",
        help="global (Needleman-Wunsch, default) or local "
        "(Smith-Waterman); e.g. --mode local",
    )
    add_common_options(p)


def _schedule(sub):
    p = _sub(
        sub,
        "schedule",
        "order jobs on one machine to minimize total weighted tardiness",
        "Order the jobs on a single machine to minimize the total weighted\n"
        "tardiness sum w_j max(0, C_j - d_j). FILE: a .csv with columns p,w,d\n"
        "(processing time, weight, due date; header optional), or an OR-Library\n"
        "wt file (wt40.txt, wt50.txt, wt100.txt) with --instance.",
        [
            "cemethod schedule jobs.csv --polish final --seed 1",
            "cemethod schedule wt40.txt --instance 1 --optimum 913 --json wt.json",
        ],
    )
    p.add_argument("file", metavar="FILE", help="jobs.csv or an OR-Library wt file")
    p.add_argument(
        "--instance",
        type=positive_int,
        metavar="K",
        help="OR-Library files: the K-th instance, counted from 1 "
        "(default 1); e.g. --instance 2",
    )
    p.add_argument(
        "--jobs",
        type=positive_int,
        metavar="N",
        help="OR-Library files: jobs per instance (default: from the "
        "file name wtN.txt, else 40); e.g. --jobs 50",
    )
    p.add_argument(
        "--optimum",
        type=float,
        metavar="VALUE",
        help="known optimal value, to print the gap; e.g. --optimum 913",
    )
    p.add_argument(
        "--polish",
        choices=("none", "final", "samples", "both"),
        default="none",
        help="none (default): the plain CE method; final: a local "
        "search from the CE answer; samples: improve every sample by "
        "adjacent interchanges before the CE update; both; e.g. "
        "--polish final",
    )
    add_common_options(p)


def _evaluate(sub):
    p = _sub(
        sub,
        "evaluate",
        "cross-entropy report of saved class predictions",
        "Cross-entropy report of saved predictions: log loss per class and\n"
        "overall (nats, bits), the prior-only baseline, D2 skill, entropy,\n"
        "perplexity and calibration error. Y_TRUE.csv: one label per line\n"
        "(optional header line). Y_PROBA.csv: one row of probabilities per\n"
        "sample, one column per class; an optional header names the classes\n"
        "(else the columns are the sorted labels of Y_TRUE).",
        ["cemethod evaluate y_true.csv y_proba.csv --bands --json report.json"],
    )
    p.add_argument("y_true", metavar="Y_TRUE.csv", help="labels, e.g. y_true.csv")
    p.add_argument(
        "y_proba", metavar="Y_PROBA.csv", help="probabilities, e.g. y_proba.csv"
    )
    p.add_argument(
        "--digits",
        type=digit_count,
        default=4,
        metavar="D",
        help="decimals in the report (default 4, 0 to 17); e.g. --digits 3",
    )
    p.add_argument(
        "--bins",
        type=positive_int,
        default=10,
        metavar="K",
        help="bins of the calibration error and diagram (default 10); e.g. --bins 15",
    )
    p.add_argument(
        "--bands",
        action="store_true",
        help="add the rough interpretation band of the log loss; e.g. --bands",
    )
    add_common_options(p, ())


def build_parser():
    """The parser and a dict of its subparsers (for usage errors)."""
    parser = argparse.ArgumentParser(
        prog="cemethod",
        description="The cross-entropy method and cross-entropy metrics.\n"
        "Run 'cemethod COMMAND --help' for the options of a command.",
        epilog="Examples:\n  cemethod demo\n  cemethod examples\n"
        "  cemethod tsp burma14.tsp --json tour.json"
        "\n  cemethod evaluate y_true.csv y_proba.csv\n\n" + _FOOTER,
        formatter_class=_RAW,
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in (
        _demo,
        _examples,
        _tsp,
        _maxcut,
        _reliability,
        _buffer,
        _align,
        _schedule,
        _evaluate,
    ):
        add(sub)
    return parser, dict(sub.choices)
