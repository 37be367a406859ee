"""Placeholder while this module is being written; replaced by the real implementation."""
def max_pool2d(*args, **kwargs):
    raise NotImplementedError("max_pool2d is being written")


def max_pool2d_naive(*args, **kwargs):
    raise NotImplementedError("max_pool2d_naive is being written")


def max_pool2d_backward(*args, **kwargs):
    raise NotImplementedError("max_pool2d_backward is being written")


def avg_pool2d(*args, **kwargs):
    raise NotImplementedError("avg_pool2d is being written")


def avg_pool2d_naive(*args, **kwargs):
    raise NotImplementedError("avg_pool2d_naive is being written")


def avg_pool2d_backward(*args, **kwargs):
    raise NotImplementedError("avg_pool2d_backward is being written")


