"""FASTA reader: records, whitespace, comments, and errors naming file and line."""

import pytest

from cemethod.problems import SequenceAlignment, read_fasta


def _write(tmp_path, text, name="in.fa"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_records_multiline_blank_and_comment_lines(tmp_path):
    path = _write(
        tmp_path,
        "; an old-style comment\n>sp|P1| first protein\nMKV LA\nGG\n\n>x\nacgt\n",
    )
    assert read_fasta(path) == [("sp|P1| first protein", "MKVLAGG"), ("x", "acgt")]
    (_, a), (_, b) = read_fasta(_write(tmp_path, ">a\nACGT\n>b\nAGT\n", "p.fa"))
    assert SequenceAlignment(a, b).optimum == 1.0  # 3 matches, one gap (penalty 2)


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("ACGT\n>a\nAC\n", 1, "before the first"),
        (">a\nAC\n>\nAC\n", 3, "empty header"),
        (">a\nAC\nA1C\n", 3, "invalid character '1'"),
        (">a\n>b\nAC\n", 1, "has no sequence"),
    ],
)
def test_errors_name_file_and_line(tmp_path, text, line, what):
    path = _write(tmp_path, text, "broken.fa")
    with pytest.raises(ValueError, match=rf"broken\.fa, line {line}: .*{what}"):
        read_fasta(path)


def test_no_records_and_wrong_type(tmp_path):
    with pytest.raises(ValueError, match=r"empty\.fa: no FASTA records"):
        read_fasta(_write(tmp_path, "\n; only a comment\n", "empty.fa"))
    with pytest.raises(TypeError, match="path"):
        read_fasta(3)
