"""Placeholder while this module is being written; replaced by the real implementation."""
def adaptive_avg_pool2d(*args, **kwargs):
    raise NotImplementedError("adaptive_avg_pool2d is being written")


def adaptive_max_pool2d(*args, **kwargs):
    raise NotImplementedError("adaptive_max_pool2d is being written")


