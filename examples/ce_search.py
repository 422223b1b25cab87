"""Tune a logistic regression by the cross-entropy method.

CrossEntropySearchCV is a drop-in for RandomizedSearchCV: each generation of
candidates is drawn from a distribution refitted to the best candidates so far.
"""

from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_ext.metrics import log_loss
from sklearn_ext.model_selection import CrossEntropySearchCV, FloatRange

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

search = CrossEntropySearchCV(
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)),
    {
        "logisticregression__C": FloatRange(1e-4, 1e3, log=True),
        "logisticregression__class_weight": [None, "balanced"],
    },
    n_iter=12,
    n_candidates_per_generation=4,
    scoring="neg_log_loss",
    cv=3,
    random_state=0,
).fit(X_train, y_train)

scores = search.cv_results_["mean_test_score"]
for g in range(search.n_generations_):
    best = scores[search.candidate_generation_ == g].max()
    print(f"generation {g}: best cross-validated log loss {-best:.4f}")
print("stopped by:", search.stop_reason_)
print("best parameters:", search.best_params_)
print(f"test log loss: {log_loss(y_test, search.predict_proba(X_test)):.4f}")
