"""A minimal user family for optimizer tests: it records the rows it is fitted
to and never changes. Subclasses say how to sample and the event size."""

import numpy as np


class RecordingFamily:
    dim = 1

    def __init__(self, log):
        self.log = log

    def sample(self, n, rng):
        raise NotImplementedError  # each test's subclass draws its own rows

    def log_pdf(self, x):
        return np.zeros(len(x))

    def fit(self, x, weights=None):
        self.log.append(np.array(x, copy=True))
        return type(self)(self.log)

    def smooth(self, previous, alpha):
        return self

    def mode(self):
        return np.zeros(self.dim)

    def is_degenerate(self, atol=1e-8):
        return False

    def dispersion(self):
        return 1.0
