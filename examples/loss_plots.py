"""The four log-loss displays of a naive Bayes classifier, saved to a PNG."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

from sklearn_ext.display import (
    LearningCurveLossDisplay,
    LossCurveDisplay,
    PerClassLossDisplay,
    ReliabilityDisplay,
)

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
clf = GaussianNB().fit(X_train, y_train)

fig, axes = plt.subplots(2, 2, figsize=(11, 9))
curve = LossCurveDisplay.from_estimator(clf, X_test, y_test, ax=axes[0, 0])
per_class = PerClassLossDisplay.from_estimator(clf, X_test, y_test, ax=axes[0, 1])
reliability = ReliabilityDisplay.from_estimator(clf, X_test, y_test, ax=axes[1, 0])
LearningCurveLossDisplay.from_estimator(
    GaussianNB(), X, y, cv=3, shuffle=True, random_state=0, ax=axes[1, 1]
)
fig.tight_layout()
fig.savefig("loss_plots.png")
print(f"mean log loss {curve.loss_:.4f}, ECE {reliability.ece:.4f}")
losses = zip(per_class.labels.tolist(), per_class.loss.tolist(), strict=True)
print("per-class log loss:", {c: round(v, 4) for c, v in losses})
print("saved loss_plots.png")
