"""helpers: the small library behind the CNN course's lessons.

Modules (one concept each):

- :mod:`helpers.ops`: NumPy reference operations that mirror ``torch.nn.functional``
  (conv2d, pooling, pad, unfold/fold, relu) with naive loop versions and pure
  backward functions.
- :mod:`helpers.course`: the course's repository address, lesson list and the
  setup-cell text every lesson starts with.
- :mod:`helpers.checks`: self-checking exercises.
- :mod:`helpers.data`: offline, real data (photos, digits) that ships in packages.
- :mod:`helpers.plot`: small plotting helpers the lessons share.

The other modules belong to the lessons that introduce them.
"""
__version__ = "0.1.0"

__all__ = ["__version__"]
