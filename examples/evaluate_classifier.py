"""Evaluate a classifier by cross-entropy: log loss in nats and bits, per class, D2.

Run: python examples/evaluate_classifier.py
"""

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from sklearn_ext import metrics

X, y = load_wine(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
proba = (
    RandomForestClassifier(random_state=0).fit(X_train, y_train).predict_proba(X_test)
)

print(f"log loss   {metrics.log_loss(y_test, proba):.4f} nats")
print(f"log loss   {metrics.log_loss(y_test, proba, base=2):.4f} bits")
print(f"perplexity {metrics.perplexity(y_test, proba):.4f}")
print(f"D2 skill   {metrics.d2_log_loss_score(y_test, proba):.4f} (vs prior-only)")

per_class = metrics.log_loss_per_class(y_test, proba)
for label, loss, count in zip(
    per_class.labels, per_class.loss, per_class.support, strict=True
):
    print(f"  class {label}: mean loss {loss:.4f} over {count} samples")

# The worst-predicted samples, from the per-sample losses:
losses = metrics.log_loss(y_test, proba, reduction="none")
print("hardest samples:", losses.argsort()[::-1][:3])
