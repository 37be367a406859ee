"""The course's torch models, one module per family.

- :mod:`helpers.models.mlp`: the multilayer perceptron (lessons 01 and 06).
- :mod:`helpers.models.cnn`: the lesson-06 CNN for 28x28 digits, with named
  layers (``conv1``, ``relu1``, ``pool1``, ...) that the widgets and the
  explanations look into.
- :mod:`helpers.models.blocks`: the course's blocks (VGG, NiN, Inception,
  residual), and :mod:`helpers.models.classic`: LeNet-5 to ResNet-18 built
  from them (lesson 07); :mod:`helpers.models.summary`: per-layer parameters,
  multiply-adds and depth of any model.
- :mod:`helpers.models.applications`: the tiny networks of lesson 08 (denoiser,
  super-resolver, inpainter, U-Net, centre detector, Siamese tracker).

Every builder takes ``seed`` (reproducible initial weights) and returns a
plain ``torch.nn`` module; train them with :func:`helpers.train.fit`.
"""
from .mlp import mlp
from .cnn import digit_cnn
from .classic import lenet5, alexnet, vgg16, nin, googlenet, resnet18, digit_resnet
from .applications import denoiser, super_resolver, inpainter, small_unet, centre_detector, siamese_tracker

__all__ = ["mlp", "digit_cnn", "lenet5", "alexnet", "vgg16", "nin", "googlenet", "resnet18", "digit_resnet",
           "denoiser", "super_resolver", "inpainter", "small_unet", "centre_detector", "siamese_tracker"]
