"""Text, dict and DataFrame layouts of :func:`sklearn_ext.cross_entropy_report`."""

from __future__ import annotations

import math
import textwrap

# A popular rule of thumb for log loss in nats (blog posts and Q&A answers).
# (upper bound, label); 0.20-0.30 is unlabelled there: "mediocre" is our label.
BANDS = (
    (0.02, "great"),
    (0.05, "on the right track"),
    (0.20, "fine"),
    (0.30, "mediocre"),
    (1.00, "not great"),
    (2.00, "terrible"),
    (math.inf, "something is broken"),
)
BAND_CAVEAT = (
    "ROUGH guide only (popular rule of thumb for log loss in nats; 'mediocre' "
    "for 0.20-0.30 is our label, the rule leaves that range unlabelled). Log loss "
    "depends on the number of classes and their balance (a uniform guess scores "
    "ln K: 0.69 for 2 classes, 2.30 for 10): read it beside the D2 skill against "
    "the prior-only baseline."
)

_CLASS_COLUMNS = ("support", "log_loss", "loss_share", "mean_p_true")
_OVERALL_LINES = (
    ("log_loss", "log loss (nats)"),
    ("log_loss_bits", "log loss (bits)"),
    ("baseline_log_loss", "prior-only baseline (nats)"),
    ("d2_log_loss", "D2 skill vs baseline"),
    ("mean_entropy", "mean entropy of predictions (nats)"),
    ("kl_prior", "KL(prior || mean prediction) (nats)"),
    ("perplexity", "perplexity"),
    ("ece", "ECE (top-label)"),
)


def band(log_loss_nats):
    """The rough interpretation band of a log loss in nats (0 is 'perfect')."""
    if log_loss_nats == 0:
        return "perfect"
    for upper, label in BANDS:
        # "< 0.02", "< 0.05", "< 0.20" exclusive; "> 0.30", "> 1", "> 2" inclusive
        if log_loss_nats < upper or (upper >= 0.30 and log_loss_nats <= upper):
            return label
    return BANDS[-1][1]


def as_text(report, digits):
    per_class, overall = report["per_class"], report["overall"]
    names = [*per_class, "all"]
    width = max(12, *(len(n) for n in names))
    head = f"{'':>{width}}" + "".join(f" {c:>12}" for c in _CLASS_COLUMNS)
    lines = [head, ""]
    rows = {**per_class, "all": report["all"]}
    for name in names:
        r = rows[name]
        cells = [f"{r['support']:>12}"] + [
            f"{r[c]:>12.{digits}f}" for c in _CLASS_COLUMNS[1:]
        ]
        lines.append(f"{name:>{width}} " + " ".join(cells))
        if name == names[-2]:
            lines.append("")
    lines.append("")
    label_width = max(len(text) for _, text in _OVERALL_LINES)
    for key, text in _OVERALL_LINES:
        extra = f"  ({overall['n_bins']} bins)" if key == "ece" else ""
        lines.append(f"{text:<{label_width}}  {overall[key]:.{digits}f}{extra}")
    if "band" in overall:
        lines += ["", f"rough band: {overall['band']}", textwrap.fill(BAND_CAVEAT, 79)]
    return "\n".join(lines)


def as_frame(report):
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is installed in the test env
        raise ImportError(
            "cross_entropy_report(output='frame') needs pandas; install it "
            "(pip install pandas) or use output='dict' or 'text'."
        ) from None
    rows = {**report["per_class"], "all": report["all"]}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(_CLASS_COLUMNS))
    frame.attrs["overall"] = dict(report["overall"])
    return frame
