"""Writes the malformed-input corpus of ``cemethod`` (issue 17) and its manifest.

Run from the checkout: ``python tests/cli/corpus/make_corpus.py``. Every file is
small on disk; "oversized" files are oversized by what they declare (a TSPLIB
DIMENSION, a G-set header, a total_buffer) or by the arrays their sizes imply
(a few thousand letters or jobs whose tables are quadratic). ``cases.json``
lists each case: the command line (``{file}`` is the corpus file, ``{corpus}``
this folder) and phrases its error message must contain besides the file name.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = []


def case(command, name, content, expect=(), argv=None):
    """One corpus file ``command/name`` (str: UTF-8 text; bytes: as is)."""
    path = HERE / command / name
    path.parent.mkdir(exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    CASES.append(
        {
            "file": f"{command}/{name}",
            "argv": argv or [command, "{file}"],
            "expect": list(expect),
        }
    )


def tsp_header(dim, ewt="EUC_2D", kind="TSP", extra=""):
    return (
        f"NAME: bad\nTYPE: {kind}\nDIMENSION: {dim}\nEDGE_WEIGHT_TYPE: {ewt}\n{extra}"
    )


COORDS = "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nEOF\n"
NOT_UTF8 = b"0 1\n\xff\xfe\x00 2\n"


def tsp_cases():
    big = "DIMENSION 1000000000"
    case("tsp", "dimension_1e9.tsp", tsp_header(10**9) + COORDS, ["line 3", big])
    case("tsp", "dimension_1e12.tsp", tsp_header(10**12) + COORDS, ["line 3"])
    case(
        "tsp",
        "dimension_20000.tsp",
        tsp_header(20000) + COORDS,
        ["line 3", "DIMENSION 20000", "--max-memory"],
    )
    for fmt in ("FULL_MATRIX", "UPPER_ROW", "LOWER_DIAG_ROW"):
        text = tsp_header(10**9, "EXPLICIT", extra=f"EDGE_WEIGHT_FORMAT: {fmt}\n")
        case(
            "tsp",
            f"explicit_{fmt.lower()}_1e9.tsp",
            text + "EDGE_WEIGHT_SECTION\n0 1 2\nEOF\n",
            ["line 3", big],
        )
    atsp = tsp_header(10**9, "EXPLICIT", "ATSP", "EDGE_WEIGHT_FORMAT: FULL_MATRIX\n")
    case("tsp", "atsp_1e9.atsp", atsp + "EDGE_WEIGHT_SECTION\n0 1\nEOF\n", [big])
    tour = (
        "NAME: t\nTYPE: TOUR\nDIMENSION: 1000000000000\nTOUR_SECTION\n1\n2\n-1\nEOF\n"
    )
    case("tsp", "tour_1e12.tour", tour, ["line 3"])
    case(
        "tsp",
        "dimension_negative.tsp",
        tsp_header(-5) + COORDS,
        ["line 3", "DIMENSION an integer >= 2"],
    )
    case("tsp", "dimension_text.tsp", tsp_header("many") + COORDS, ["line 3"])
    case("tsp", "dimension_float.tsp", tsp_header("3.5") + COORDS, ["line 3"])
    case(
        "tsp",
        "no_dimension.tsp",
        "NAME: x\nTYPE: TSP\nEDGE_WEIGHT_TYPE: EUC_2D\n" + COORDS,
        ["DIMENSION"],
    )
    case(
        "tsp",
        "coordinate_text.tsp",
        tsp_header(3) + "NODE_COORD_SECTION\n1 0 0\n2 a b\n3 1 1\nEOF\n",
        ["line 7", "coordinate"],
    )
    case("tsp", "coordinate_missing.tsp", tsp_header(4) + COORDS, ["line 9"])
    case(
        "tsp",
        "node_twice.tsp",
        tsp_header(3) + "NODE_COORD_SECTION\n1 0 0\n1 3 4\n3 6 8\nEOF\n",
        ["line 7"],
    )
    case(
        "tsp",
        "node_out_of_range.tsp",
        tsp_header(3) + "NODE_COORD_SECTION\n1 0 0\n9 3 4\n3 6 8\nEOF\n",
        ["line 7"],
    )
    case("tsp", "unknown_keyword.tsp", "NAME: x\nCOLOUR: red\n" + COORDS, ["line 2"])
    case(
        "tsp",
        "unknown_weight_type.tsp",
        tsp_header(3, "WARP_9") + COORDS,
        ["line 4", "EDGE_WEIGHT_TYPE"],
    )
    case(
        "tsp",
        "explicit_no_format.tsp",
        tsp_header(3, "EXPLICIT") + "EDGE_WEIGHT_SECTION\n0 1 2\nEOF\n",
        ["EDGE_WEIGHT_FORMAT"],
    )
    case(
        "tsp",
        "explicit_short.tsp",
        tsp_header(3, "EXPLICIT", extra="EDGE_WEIGHT_FORMAT: FULL_MATRIX\n")
        + "EDGE_WEIGHT_SECTION\n0 1 2\n1 0\nEOF\n",
        ["line 9", "EOF"],
    )
    case("tsp", "empty.tsp", "")
    case("tsp", "binary.tsp", b"\x00\x01\x02\xff\xfe\n\x89PNG\r\n")


def maxcut_cases():
    case(
        "maxcut",
        "gset_n_1e9.txt",
        "1000000000 2\n1 2 1\n2 3 1\n",
        ["line 1", "1000000000 nodes", "--max-memory"],
    )
    case(
        "maxcut",
        "gset_m_1e9.txt",
        "3 1000000000\n1 2 1\n2 3 1\n",
        ["line 1", "1000000000 edges"],
    )
    case(
        "maxcut",
        "dimacs_n_1e9.col",
        "c huge\np edge 1000000000 2\ne 1 2\ne 2 3\n",
        ["line 2", "1000000000 nodes"],
    )
    case(
        "maxcut",
        "dimacs_m_1e9.col",
        "p edge 3 1000000000\ne 1 2\n",
        ["line 1", "1000000000 edges"],
    )
    case("maxcut", "gset_node_out_of_range.txt", "3 2\n1 2 1\n2 7 1\n", ["line 3"])
    case("maxcut", "gset_too_few_edges.txt", "4 3\n1 2 1\n2 3 1\n", ["line 1"])
    case("maxcut", "gset_too_many_edges.txt", "3 1\n1 2 1\n2 3 1\n", ["line 3"])
    case("maxcut", "dimacs_bad_edge.col", "p edge 3 2\ne 1 2\nx 2 3\n", ["line 3"])
    case(
        "maxcut",
        "dimacs_bad_problem.col",
        "c x\np edge three 2\ne 1 2\n",
        ["line 2"],
        ["maxcut", "{file}", "--format", "dimacs"],
    )
    case("maxcut", "edges_letters.txt", "0 1\na b\n", ["line 2"])
    case("maxcut", "edges_loop.txt", "0 1\n2 2\n", ["line 2", "loop"])
    case("maxcut", "edges_huge_id.txt", "0 1\n1 4000000000\n", ["line 2", "below 5000"])
    case(
        "maxcut",
        "edges_id_beyond_int64.txt",
        "0 1\n1 99999999999999999999\n",
        ["line 2"],
    )
    case("maxcut", "edges_negative_id.txt", "0 1\n-1 2\n", ["line 2"])
    case("maxcut", "edges_nan_weight.txt", "0 1 nan\n", ["line 1"])
    case("maxcut", "edges_four_fields.txt", "0 1 2 3\n", ["line 1"])
    case("maxcut", "matrix_ragged.csv", "0,1,2\n1,0\n2,1,0\n", ["line 2"])
    case("maxcut", "matrix_asymmetric.csv", "0,1\n2,0\n", ["line 1", "symmetric"])
    case("maxcut", "matrix_text.csv", "0,x\nx,0\n", ["line 1"])
    case("maxcut", "matrix_wide.csv", ",".join(["0"] * 3000) + "\n", ["line 1"])
    case("maxcut", "only_comments.txt", "# nothing\n\n# here\n", ["no data lines"])
    case("maxcut", "not_utf8.txt", NOT_UTF8, ["not a UTF-8 text file"])


def reliability_cases():
    case(
        "reliability",
        "q_above_one.txt",
        "0 1 0.1\n1 2 1.5\n",
        ["line 2"],
        ["reliability", "{file}", "--q", "0.1"],
    )
    case("reliability", "q_missing.txt", "0 1 0.1\n1 2\n", ["line 2", "--q"])
    case("reliability", "q_negative.txt", "0 1 -0.1\n", ["line 1"])
    case("reliability", "q_text.txt", "0 1 often\n", ["line 1"])
    case(
        "reliability",
        "id_beyond_int64.txt",
        "0 1 0.1\n1 99999999999999999999 0.1\n",
        ["line 2"],
    )
    case("reliability", "loop.txt", "0 1 0.1\n1 1 0.1\n", ["line 2", "loop"])
    case(
        "reliability",
        "more_edges_than_limit.txt",
        "0 1 0.1\n1 2 0.1\n2 3 0.1\n",
        ["line 3", "--max-edges"],
        ["reliability", "{file}", "--max-edges", "2"],
    )
    case(
        "reliability",
        "bytes_over_limit.txt",
        "0 1 0.1\n" + "# pad\n" * 40,
        ["--max-edges"],
        ["reliability", "{file}", "--max-edges", "1"],
    )
    case("reliability", "matrix_ragged.csv", "0,0.1\n0.1,0\n0,0.2\n", ["line 1"])
    case("reliability", "matrix_q_above_one.csv", "0,2\n2,0\n", ["line 1"])
    case("reliability", "matrix_wide.csv", ",".join(["0"] * 3000) + "\n", ["line 1"])
    case(
        "reliability",
        "source_not_a_node.txt",
        "0 1 0.1\n1 2 0.1\n",
        ["--target 99"],
        ["reliability", "{file}", "--source", "0", "--target", "99"],
    )
    case(
        "reliability",
        "exact_too_costly.txt",
        "".join(f"{i} {j} 0.1\n" for i in range(12) for j in range(i + 1, 12)),
        ["--max-states"],
        ["reliability", "{file}", "--method", "exact", "--max-states", "10"],
    )
    case("reliability", "empty.txt", "", ["no data lines"])
    case("reliability", "not_utf8.txt", NOT_UTF8, ["not a UTF-8 text file"])


def buffer_cases():
    line = '"service_rates": [1.0, 1.2, 1.0], '
    b = "buffer"
    case(
        b,
        "total_buffer_1e12.json",
        "{" + line + '"total_buffer": 1000000000000}',
        ["total_buffer=1000000000000", "--max-memory"],
    )
    case(
        b,
        "horizon_1e15.json",
        "{" + line + '"total_buffer": 4, "horizon": 1e15}',
        ["max_steps", "--max-steps"],
    )
    case(
        b,
        "warmup_1e15.json",
        "{" + line + '"total_buffer": 4, "warmup": 1e15}',
        ["max_steps"],
    )
    case(
        b,
        "service_rate_1e15.json",
        '{"service_rates": [1e15, 1e15, 1e15], "total_buffer": 4}',
        ["max_steps"],
    )
    case(
        b,
        "replications_1e12.json",
        "{" + line + '"total_buffer": 4, "replications": 1000000000000}',
        ["replications=1000000000000"],
    )
    case(
        b,
        "machines_10000.json",
        json.dumps({"service_rates": [1] * 10000, "total_buffer": 6}),
        ["max_steps"],
    )
    case(b, "nested_10000.json", "[" * 10000 + "]" * 10000, ["nested too deeply"])
    case(
        b,
        "nested_in_key.json",
        '{"service_rates": ' + "[" * 10000 + "]" * 10000 + ', "total_buffer": 1}',
        ["nested too deeply"],
    )
    case(
        b,
        "throughput_stations_1e8.json",
        '{"problem": "throughput_maximization", "n_stations": 100000000, '
        '"total_rate": 100000000, "total_buffer": 100000000}',
        ["--max-memory"],
    )
    case(
        b,
        "throughput_rate_1e12.json",
        '{"problem": "throughput_maximization", "total_rate": 1000000000000}',
        ["total_rate=1000000000000"],
    )
    case(
        b,
        "throughput_buffer_1e12.json",
        '{"problem": "throughput_maximization", "total_buffer": 1000000000000}',
        ["total_buffer=1000000000000"],
    )
    case(
        b,
        "enumerate_too_many.json",
        json.dumps({"service_rates": [1.0] * 12, "total_buffer": 200}),
        ["max_candidates"],
        [b, "{file}", "--enumerate"],
    )
    case(
        b,
        "unknown_key.json",
        "{" + line + '\n"total_buffer": 3,\n"speed": 4}',
        ["line 3", "unknown key 'speed'"],
    )
    case(
        b,
        "missing_total_buffer.json",
        "{" + line.rstrip(", ") + "}",
        ["'total_buffer'"],
    )
    case(
        b,
        "rates_lengths.json",
        '{"service_rates": [1, 2],\n"failure_rates": [0.1],\n"total_buffer": 3}',
        ["line 2", "one per machine"],
    )
    case(
        b,
        "rate_negative.json",
        '{"service_rates": [1, -2], "total_buffer": 3}',
        ["line 1"],
    )
    case(
        b,
        "rate_zero.json",
        '{"service_rates": [1, 0], "total_buffer": 3}',
        ["line 1", "> 0"],
    )
    case(b, "total_buffer_float.json", "{" + line + '"total_buffer": 2.5}', ["line 1"])
    case(b, "total_buffer_bool.json", "{" + line + '"total_buffer": true}', ["line 1"])
    case(
        b,
        "horizon_nan.json",
        "{" + line + '"total_buffer": 3, "horizon": NaN}',
        ["line 1", "'horizon'"],
    )
    case(
        b,
        "horizon_infinity.json",
        "{" + line + '"total_buffer": 3, "horizon": Infinity}',
        ["'horizon'"],
    )
    case(
        b,
        "horizon_zero.json",
        "{" + line + '"total_buffer": 3, "horizon": 0}',
        ["'horizon'"],
    )
    case(
        b,
        "horizon_text.json",
        "{" + line + '"total_buffer": 3, "horizon": "long"}',
        ["'horizon'"],
    )
    case(b, "not_an_object.json", "[1, 2, 3]", ["line 1", "JSON object"])
    case(
        b,
        "trailing_comma.json",
        '{\n"service_rates": [1, 2],\n"total_buffer": 3,\n}',
        ["line 4"],
    )
    case(b, "unknown_problem.json", '{"problem": "juggling"}', ["line 1"])
    case(b, "empty.json", "", ["line 1"])
    case(b, "not_utf8.json", NOT_UTF8, ["not a UTF-8 text file"])


def align_cases():
    a = "align"
    case(
        a,
        "dna_20000.fa",
        ">long\n" + "ACGT" * 5000 + "\n",
        ["20000 and 20000 letters", "--max-memory"],
        [a, "{file}", "{file}"],
    )
    case(
        a,
        "dna_1500.fa",
        ">long\n" + "ACGTTGCA" * 187 + "ACGT\n",
        ["n_samples"],
        [a, "{file}", "{file}"],
    )
    case(
        a,
        "protein_20000.fa",
        ">p\n" + "HEAGAWGHEE" * 2000 + "\n",
        ["20000 and 20000 letters"],
        [a, "{file}", "{file}"],
    )
    case(a, "digit.fa", ">one\nACGT\nAC1T\n", ["line 3", "'1'"], [a, "ACGT", "{file}"])
    case(
        a,
        "text_before_header.fa",
        "ACGT\n>one\nACGT\n",
        ["line 1"],
        [a, "{file}", "ACGT"],
    )
    case(a, "empty_header.fa", ">\nACGT\n", ["line 1"], [a, "{file}", "ACGT"])
    case(a, "no_sequence.fa", ">one\n>two\nACGT\n", ["line 1"], [a, "{file}", "ACGT"])
    case(a, "header_only.fa", ">one\n", ["line 1"], [a, "{file}", "ACGT"])
    case(a, "empty.fa", "", ["no FASTA records"], [a, "{file}", "ACGT"])
    case(
        a,
        "only_comments.fa",
        "; a comment\n;another\n",
        ["no FASTA records"],
        [a, "{file}", "ACGT"],
    )
    case(
        a,
        "not_dna.fa",
        ">c\nACGT\nACQT\n",
        ["line 3", "'Q'"],
        [a, "--matrix", "dna", "ACGT", "{file}"],
    )
    case(
        a,
        "not_protein.fa",
        ">c\nHEAG\nAWJ\n",
        ["line 3", "'J'"],
        [a, "--matrix", "blosum62", "HEAG", "{file}"],
    )
    case(
        a, "space_in_letters.fa", ">c\nAC GT\nA#T\n", ["line 3"], [a, "{file}", "ACGT"]
    )
    case(
        a,
        "not_utf8.fa",
        b">x\nAC\xff\xfeGT\n",
        ["not a UTF-8 text file"],
        [a, "{file}", "ACGT"],
    )


def schedule_cases():
    s = "schedule"
    case(
        s,
        "jobs_10000.csv",
        "p,w,d\n" + "1,1,1\n" * 10000,
        ["10000 jobs", "--max-memory"],
    )
    case(s, "processing_zero.csv", "p,w,d\n3,1,2\n0,1,4\n", ["line 3"])
    case(s, "weight_negative.csv", "p,w,d\n3,-1,2\n", ["line 2"])
    case(s, "due_text.csv", "p,w,d\n3,1,soon\n", ["line 2"])
    case(s, "two_columns.csv", "p,w,d\n3,1\n", ["line 2"])
    case(s, "four_columns.csv", "3,1,2,9\n", ["line 1"])
    case(s, "nan.csv", "p,w,d\n3,nan,2\n", ["line 2"])
    case(s, "infinite_due.csv", "p,w,d\n3,1,inf\n", ["line 2"])
    case(s, "bad_header.csv", "p,weight,x\n1,1,1\n", ["line 1", "header"])
    case(s, "header_only.csv", "p,w,d\n", ["no jobs"])
    case(s, "empty.csv", "", ["no data lines"])
    case(s, "not_utf8.csv", NOT_UTF8, ["not a UTF-8 text file"])
    case(s, "wt40.txt", "1 2 3\n4 x 6\n", ["line 2", "integer"])
    case(s, "wt_short.txt", "1 2 3\n", ["--jobs 40"], [s, "{file}", "--jobs", "40"])
    case(
        s,
        "wt_jobs_1e9.txt",
        "1 2 3\n",
        ["--jobs 1000000000"],
        [s, "{file}", "--jobs", "1000000000"],
    )
    case(
        s,
        "wt_instance_missing.txt",
        " ".join(["1"] * 6) + "\n",
        ["--instance 5"],
        [s, "{file}", "--jobs", "2", "--instance", "5"],
    )
    case(s, "wt_not_utf8.txt", b"1 2 3\n\xff\xfe\n", ["not a UTF-8 text file"])


def evaluate_cases():
    e = "evaluate"
    good_true = "{corpus}/evaluate/good_y_true.csv"
    (HERE / e).mkdir(exist_ok=True)
    (HERE / e / "good_y_true.csv").write_text("cat\ndog\ncat\n")
    (HERE / e / "good_y_proba.csv").write_text("cat,dog\n0.9,0.1\n0.2,0.8\n0.6,0.4\n")
    good_proba = "{corpus}/evaluate/good_y_proba.csv"
    proba = [e, good_true, "{file}"]
    true = [e, "{file}", good_proba]
    case(
        e,
        "proba_above_one.csv",
        "cat,dog\n0.9,0.1\n1.2,0.8\n0.6,0.4\n",
        ["line 3"],
        proba,
    )
    case(
        e,
        "proba_negative.csv",
        "cat,dog\n0.9,0.1\n-0.2,0.8\n0.6,0.4\n",
        ["line 3"],
        proba,
    )
    case(
        e, "proba_text.csv", "cat,dog\n0.9,0.1\nhigh,low\n0.6,0.4\n", ["line 3"], proba
    )
    case(e, "proba_nan.csv", "cat,dog\n0.9,0.1\nnan,0.8\n0.6,0.4\n", ["line 3"], proba)
    case(
        e,
        "proba_ragged.csv",
        "cat,dog\n0.9,0.1\n0.2,0.7,0.1\n0.6,0.4\n",
        ["line 3"],
        proba,
    )
    case(
        e,
        "proba_rows_short.csv",
        "cat,dog\n0.9,0.1\n0.2,0.8\n",
        ["one label per row"],
        proba,
    )
    case(
        e,
        "proba_header_twice.csv",
        "cat,cat\n0.9,0.1\n0.2,0.8\n0.6,0.4\n",
        ["line 1", "distinct"],
        proba,
    )
    case(e, "proba_header_only.csv", "cat,dog\n", ["no predictions"], proba)
    case(
        e,
        "proba_one_column_unknown.csv",
        "emu\n0.9\n0.2\n0.6\n",
        ["line 1", "'emu'"],
        proba,
    )
    case(e, "proba_empty.csv", "", ["empty"], proba)
    case(e, "proba_not_utf8.csv", NOT_UTF8, ["not a UTF-8 text file"], proba)
    case(e, "true_two_columns.csv", "cat,1\ndog,2\ncat,3\n", ["line 1"], true)
    case(e, "true_unknown_class.csv", "cat\ndog\nemu\n", ["line 3", "'emu'"], true)
    case(e, "true_empty.csv", "", ["empty"], true)
    case(e, "true_not_utf8.csv", NOT_UTF8, ["not a UTF-8 text file"], true)


if __name__ == "__main__":
    for make in (
        tsp_cases,
        maxcut_cases,
        reliability_cases,
        buffer_cases,
        align_cases,
        schedule_cases,
        evaluate_cases,
    ):
        make()
    (HERE / "cases.json").write_text(json.dumps(CASES, indent=1) + "\n")
    print(f"{len(CASES)} cases")
