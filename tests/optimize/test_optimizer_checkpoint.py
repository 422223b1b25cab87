"""Checkpoints: a pickled optimizer resumes bit for bit."""

import importlib
import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

import cemethod as ce
from cemethod.families import Gaussian
from cemethod.optimize._checkpoint import (
    CHECKPOINT_HEADER,
    MOVED_MODULES,
    load_checkpoint,
)


def sphere(X):
    return np.sum((X - 0.3) ** 2, axis=1)


def onemax_with_noise_free_ties(X):
    return X.sum(axis=1).astype(float)


def strip_elapsed(res):
    d = res.history.to_dict()
    del d["elapsed"]
    return d


def assert_same_run(a, b):
    np.testing.assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev and a.nit == b.nit
    assert a.status == b.status and a.n_failures == b.n_failures
    assert strip_elapsed(a) == strip_elapsed(b)
    np.testing.assert_array_equal(a.x_mode, b.x_mode)


def step(opt, fun):
    X = opt.ask()
    opt.tell(X, fun(X))


@pytest.mark.parametrize("kind", ["gaussian", "bernoulli"])
def test_pickle_resume_bit_for_bit(toy_gaussian, toy_bernoulli, kind):
    if kind == "gaussian":
        fam, fun = toy_gaussian(np.zeros(4), np.full(4, 3.0)), sphere
        extra = {"std_smoothing": 0.9}
    else:
        fam, fun = toy_bernoulli(np.full(12, 0.5)), onemax_with_noise_free_ties
        extra = {"direction": "maximize", "elitism": 3}
    straight = ce.CrossEntropyOptimizer(fam, n_samples=40, rng=11, **extra)
    for _ in range(10):
        step(straight, fun)

    first = ce.CrossEntropyOptimizer(fam, n_samples=40, rng=11, **extra)
    for _ in range(5):
        step(first, fun)
    resumed = pickle.loads(pickle.dumps(first))
    for _ in range(5):
        step(resumed, fun)
    assert_same_run(straight.result(), resumed.result())
    # The elapsed time is cumulative across the resume.
    assert resumed.result().elapsed >= first.result().elapsed


def test_callback_not_pickled(toy_gaussian):
    opt = ce.CrossEntropyOptimizer(
        toy_gaussian([0.0], [1.0]), callback=lambda r: False, rng=0
    )
    clone = pickle.loads(pickle.dumps(opt))  # a lambda would not pickle
    assert clone.callback is None and opt.callback is not None


class Interrupt:
    """Callback that simulates a killed run after ``k`` iterations."""

    def __init__(self, k):
        self.k = k

    def __call__(self, result):
        if result.nit == self.k:
            raise KeyboardInterrupt


@pytest.mark.parametrize("k", [1, 4])
def test_checkpoint_path_resume(toy_gaussian, tmp_path, k):
    fam = toy_gaussian(np.zeros(3), np.full(3, 2.0))
    kw = dict(vectorized=True, rng=5, maxiter=9, patience=None)
    ref = ce.minimize(sphere, fam, **kw)

    path = tmp_path / "run.pkl"
    with pytest.raises(KeyboardInterrupt):
        ce.minimize(sphere, fam, checkpoint=path, callback=Interrupt(k), **kw)
    # The iteration that was interrupted was not saved: the file holds k - 1.
    if k > 1:
        assert load_checkpoint(path, "minimize", "minimize").nit == k - 1
    seen = []
    res = ce.minimize(
        sphere, fam, checkpoint=path, callback=lambda r: seen.append(r.nit), **kw
    )
    assert_same_run(res, ref)
    assert seen == list(range(max(k - 1, 0) + 1, 10))
    assert os.listdir(tmp_path) == ["run.pkl"]  # no temporary file left behind

    # A finished run's checkpoint gives its result at once.
    again = ce.minimize(sphere, fam, checkpoint=path, callback=Interrupt(1), **kw)
    assert_same_run(again, ref)


def test_checkpoint_wrong_direction(toy_gaussian, tmp_path):
    fam = toy_gaussian(np.zeros(2), np.ones(2))
    path = tmp_path / "run.pkl"
    ce.minimize(sphere, fam, vectorized=True, rng=0, maxiter=2, checkpoint=path)
    with pytest.raises(ValueError, match="'checkpoint' parameter of maximize"):
        ce.maximize(sphere, fam, vectorized=True, checkpoint=path)


def test_checkpoint_written_before_the_package_layout_resumes(tmp_path):
    # Written by commit 7cbb183 (module cemethod._optimizer, before issue 12): a
    # run of 12 iterations interrupted after its 4th; that code's own resume and
    # its uninterrupted run both ended at fun 0x1.edec5b8e615b1p-22, nfev 600.
    source = Path(__file__).parent / "data" / "checkpoint_before_layout.pkl"
    assert b"cemethod._optimizer" in source.read_bytes()
    path = tmp_path / "run.pkl"
    shutil.copy(source, path)

    def shifted_sphere(X):
        return np.sum((X - 1.0) ** 2, axis=1)

    family = Gaussian(np.zeros(3), 2.0)
    options = dict(vectorized=True, rng=3, n_samples=50, maxiter=12)
    resumed = ce.minimize(shifted_sphere, family, checkpoint=path, **options)
    # The file predates the adaptive update: it resumes as the plain CE run.
    options["update"] = "ce"
    assert (resumed.nit, resumed.nfev) == (12, 600)
    assert resumed.fun.hex() == "0x1.edec5b8e615b1p-22"
    fresh = ce.minimize(shifted_sphere, family, **options)
    np.testing.assert_array_equal(resumed.x, fresh.x)
    assert (resumed.fun, resumed.status) == (fresh.fun, fresh.status)
    # The first 4 history rows were computed on the writer's machine (AVX-512):
    # its SIMD sums may differ from this one's in the last bits.
    for name in ("gamma", "best", "dispersion"):
        np.testing.assert_allclose(
            getattr(resumed.history, name), getattr(fresh.history, name), rtol=1e-12
        )


def test_moved_module_table_names_real_modules():
    for old, new in MOVED_MODULES.items():
        assert old.startswith("cemethod.") and importlib.import_module(new)
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)


class _MakeDir:
    """Pickles as a call of os.mkdir: what a crafted checkpoint would do."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.mkdir, (str(self.path),))


class _Popen:
    def __reduce__(self):
        import subprocess

        return (subprocess.Popen, (["true"],))


@pytest.mark.parametrize("header", [b"", CHECKPOINT_HEADER])
@pytest.mark.parametrize("payload", ["mkdir", "popen", "in a list"])
def test_a_crafted_checkpoint_is_refused_before_it_runs_code(tmp_path, header, payload):
    marker = tmp_path / "ran"
    obj = {"mkdir": _MakeDir(marker), "popen": _Popen()}.get(payload)
    obj = [1.0, _MakeDir(marker)] if obj is None else obj
    path = tmp_path / "run.pkl"
    path.write_bytes(header + pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    name = "subprocess.Popen" if payload == "popen" else "posix.mkdir"
    with pytest.raises(ValueError, match="'checkpoint' parameter of minimize") as e:
        ce.minimize(sphere, Gaussian(np.zeros(2), 1.0), checkpoint=path, maxiter=1)
    assert name in str(e.value) and "could run code" in str(e.value)
    assert not marker.exists()


def test_a_checkpoint_of_another_format_or_no_checkpoint_is_named(tmp_path):
    path = tmp_path / "run.pkl"
    path.write_bytes(b"cemethod checkpoint 99\n" + pickle.dumps([1]))
    with pytest.raises(ValueError, match="format '99', which this cemethod"):
        ce.minimize(sphere, Gaussian(np.zeros(2), 1.0), checkpoint=path)
    path.write_bytes(b"not a pickle at all")
    with pytest.raises(ValueError, match="is not a readable checkpoint"):
        ce.minimize(sphere, Gaussian(np.zeros(2), 1.0), checkpoint=path)
    path.write_bytes(CHECKPOINT_HEADER + pickle.dumps([1.0, 2.0]))
    with pytest.raises(ValueError, match="does not hold a CrossEntropyOptimizer"):
        ce.minimize(sphere, Gaussian(np.zeros(2), 1.0), checkpoint=path)


class _ShiftedGaussian(Gaussian):
    """A family class of the user's own (defined outside cemethod)."""


def test_a_family_class_of_the_caller_resumes_bit_for_bit(tmp_path):
    fam = _ShiftedGaussian(np.zeros(3), np.full(3, 2.0))
    kw = dict(vectorized=True, rng=5, maxiter=6, patience=None)
    ref = ce.minimize(sphere, fam, **kw)
    path = tmp_path / "run.pkl"
    with pytest.raises(KeyboardInterrupt):
        ce.minimize(sphere, fam, checkpoint=path, callback=Interrupt(3), **kw)
    assert path.read_bytes().startswith(CHECKPOINT_HEADER)
    assert_same_run(ce.minimize(sphere, fam, checkpoint=path, **kw), ref)
    # without that family the class is not trusted
    with pytest.raises(ValueError, match="_ShiftedGaussian, which a checkpoint"):
        load_checkpoint(path, "minimize", "minimize")


def test_temporary_files_of_a_killed_write_are_removed_at_the_next(tmp_path):
    stale = tmp_path / ".cemethod-run.pkl-abc123.tmp"  # left by a killed write
    other = tmp_path / ".cemethod-other.pkl-def456.tmp"  # another checkpoint's
    stale.write_bytes(b"half")
    other.write_bytes(b"half")
    fam = Gaussian(np.zeros(2), 1.0)
    ce.minimize(sphere, fam, vectorized=True, rng=0, maxiter=2,
                checkpoint=tmp_path / "run.pkl")  # fmt: skip
    assert sorted(os.listdir(tmp_path)) == [other.name, "run.pkl"]
