"""Score against soft targets and against a teacher model with KL divergence.

Soft targets: when several annotators label each sample, the share of votes per
class is a distribution; ``neg_kl_divergence`` compares it with predict_proba.
Distillation: ``kl_to_reference_scorer(teacher)`` compares a student's
predict_proba with the teacher's, sample by sample.

Run: python examples/soft_targets_kl.py
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split

import sklearn_ext

rng = np.random.default_rng(0)
X, y = make_classification(n_samples=600, n_features=6, n_informative=4,
                           n_classes=3, random_state=0)  # fmt: skip
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# Five simulated annotators who agree with the truth 70% of the time.
votes = np.where(rng.random((len(y_test), 5)) < 0.7, y_test[:, None],
                 rng.integers(0, 3, size=(len(y_test), 5)))  # fmt: skip
soft = np.stack([(votes == k).mean(axis=1) for k in range(3)], axis=1)

model = LogisticRegression().fit(X_train, y_train)
kl = sklearn_ext.get_scorer("neg_kl_divergence")
ce = sklearn_ext.get_scorer("neg_cross_entropy")
print(f"KL(hard labels || model)  {-kl(model, X_test, y_test):.4f} nats (= log loss)")
print(f"KL(annotators || model)   {-kl(model, X_test, soft):.4f} nats")
print(f"H(annotators, model)      {-ce(model, X_test, soft):.4f} nats")

# Distillation: pick the student's regularisation by its KL to the teacher.
teacher = RandomForestClassifier(n_estimators=100, random_state=0)
teacher.fit(X_train, y_train)
to_teacher = sklearn_ext.kl_to_reference_scorer(teacher, base=2)
search = GridSearchCV(LogisticRegression(), {"C": [0.001, 0.01, 0.1, 1.0, 10.0]},
                      scoring=to_teacher, cv=3).fit(X_train, y_train)  # fmt: skip
for c, s in zip(search.cv_results_["param_C"],
                search.cv_results_["mean_test_score"], strict=True):  # fmt: skip
    print(f"C={c:<6} KL(teacher || student) = {-s:.4f} bits")
print("student closest to the teacher: C =", search.best_params_["C"])
