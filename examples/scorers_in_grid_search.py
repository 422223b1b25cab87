"""Tune a classifier on log loss in bits, in scikit-learn's own tools.

The scorers from ``sklearn_ext.get_scorer`` take the classes from the fitted
model, so folds that miss a class still score, and they accept sample weights
through scikit-learn's metadata routing.

Run: python examples/scorers_in_grid_search.py
"""

import warnings

import numpy as np
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklearn_ext

X, y = load_iris(return_X_y=True)  # sorted by class: plain KFold drops classes
pipe = make_pipeline(StandardScaler(), LogisticRegression())
cv = KFold(5)

with warnings.catch_warnings():  # scikit-learn warns "Scoring failed" per fold
    warnings.simplefilter("ignore", UserWarning)
    theirs = cross_val_score(pipe, X, y, cv=cv, scoring="neg_log_loss")
ours = cross_val_score(pipe, X, y, cv=cv,
                       scoring=sklearn_ext.get_scorer("neg_log_loss"))  # fmt: skip
print("scikit-learn neg_log_loss per fold:", np.round(theirs, 3))
print("sklearn_ext  neg_log_loss per fold:", np.round(ours, 3))

scoring = {
    "bits": sklearn_ext.get_scorer("neg_log_loss_bits"),
    "d2": sklearn_ext.get_scorer("d2_log_loss"),
    "accuracy": "accuracy",
}
search = GridSearchCV(pipe, {"logisticregression__C": [0.01, 0.1, 1.0, 10.0]},
                      cv=KFold(5, shuffle=True, random_state=0), scoring=scoring,
                      refit="bits").fit(X, y)  # fmt: skip
res = search.cv_results_
print("\n    C   log loss (bits)   D2     accuracy")
for c, bits, d2, acc in zip(res["param_logisticregression__C"],
                            res["mean_test_bits"], res["mean_test_d2"],
                            res["mean_test_accuracy"], strict=True):  # fmt: skip
    print(f"{c:6}   {-bits:13.4f}   {d2:6.3f}   {acc:6.3f}")
print("best C:", search.best_params_["logisticregression__C"])
print("\nIn-sample report of the refitted best model:")
print(sklearn_ext.cross_entropy_report(y, search.predict_proba(X),
                                       target_names=load_iris().target_names,
                                       bands=True))  # fmt: skip
