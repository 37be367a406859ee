"""The course's torch models, one module per family.

- :mod:`helpers.models.mlp`: the multilayer perceptron (lessons 01 and 06).
- :mod:`helpers.models.cnn`: the lesson-06 CNN for 28x28 digits, with named
  layers (``conv1``, ``relu1``, ``pool1``, ...) that the widgets and the
  explanations look into.

Every builder takes ``seed`` (reproducible initial weights) and returns a
plain ``torch.nn`` module; train them with :func:`helpers.train.fit`.
"""
from .mlp import mlp
from .cnn import digit_cnn

__all__ = ["mlp", "digit_cnn"]
