"""Gradcheck cases for convolution, pooling and resampling (ops/conv.py, ops/pool.py, ops/resample.py)."""
import numpy as np

import tensorflux.nn.functional as F
from .gradcheck_table import Case, rnd
from .kernel_paths import numpy_path


def distinct(*shape, gap=0.05, seed=0):
    """Values at least ``gap`` apart (a shuffled ramp), so no max-pool window has a near-tie (a kink)."""
    n = int(np.prod(shape))
    ramp = np.random.default_rng(seed).permutation(n) * gap - n * gap / 2
    return ramp.reshape(shape).astype(np.float64)


def nchw_of_channels_last(x):
    """An NCHW view of channels-last memory (what a conv's output is), from an (N, H, W, C) tensor."""
    return x.permute(0, 3, 1, 2)


CASES = {
    "Conv2d": [
        Case(lambda x, w, b: F.conv2d(x, w, b, padding=1), [rnd(2, 3, 5, 5), rnd(4, 3, 3, 3), rnd(4)], "pad 1 + bias"),
        Case(lambda x, w: F.conv2d(x, w, stride=2, padding=((1, 0), (0, 1))), [rnd(2, 2, 6, 7), rnd(3, 2, 3, 3)],
             "stride 2, asymmetric padding"),
        Case(lambda x, w: F.conv2d(x, w, padding=2, dilation=2), [rnd(1, 2, 6, 6), rnd(3, 2, 3, 3)], "dilation 2"),
        Case(lambda x, w, b: F.conv2d(x, w, b, padding=1, groups=2), [rnd(1, 4, 5, 5), rnd(4, 2, 3, 3), rnd(4)],
             "groups 2"),
        Case(lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=1, groups=3), [rnd(2, 3, 5, 6), rnd(6, 1, 3, 3)],
             "depthwise, channel multiplier 2"),
        Case(lambda x, w: F.conv2d(nchw_of_channels_last(x), w, padding=1), [rnd(2, 5, 4, 3), rnd(2, 3, 3, 3)],
             "channels-last memory input"),
        Case(lambda x, w: F.conv2d(x, w, stride=3), [rnd(2, 1, 7, 8), rnd(2, 1, 1, 1)], "1x1 kernel, stride 3"),
        Case(lambda x, w: F.conv2d(x, w, padding=(0, 2), stride=(1, 2)), [rnd(1, 2, 4, 5), rnd(2, 2, 2, 3)],
             "rectangular kernel"),
        Case(lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1), [rnd(2, 3, 9), rnd(4, 3, 3), rnd(4)], "conv1d"),
        Case(lambda x, w: F.conv2d_nhwc(x, w, strides=[1, 2, 2, 1], padding="SAME"), [rnd(2, 6, 5, 3), rnd(3, 3, 3, 2)],
             "NHWC 'SAME' stride 2 (asymmetric)"),
    ],
    "ConvTranspose2d": [
        Case(lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
             [rnd(2, 3, 3, 4), rnd(3, 2, 3, 3), rnd(2)], "stride 2, output_padding 1"),
        Case(lambda x, w: F.conv_transpose2d(x, w, padding=1), [rnd(1, 2, 4, 4), rnd(2, 3, 3, 3)], "stride 1"),
        Case(lambda x, w: F.conv_transpose2d(x, w, stride=2, groups=2, dilation=2),
             [rnd(1, 4, 3, 3), rnd(4, 1, 2, 3)], "groups 2, dilation 2"),
        Case(lambda x, w: F.conv_transpose1d(x, w, stride=3, padding=1), [rnd(2, 2, 4), rnd(2, 3, 4)],
             "conv_transpose1d"),
        Case(lambda x, w: F.conv2d_transpose_nhwc(x, w, [2, 6, 5, 2], strides=2, padding="SAME"),
             [rnd(2, 3, 3, 3), rnd(3, 3, 2, 3)], "NHWC 'SAME' stride 2"),
    ],
    "MaxPool2d": [
        Case(lambda x: F.max_pool2d(x, 2), [distinct(2, 3, 4, 6)], "2x2 stride 2"),
        Case(lambda x: F.max_pool2d(x, 3, stride=2, padding=1), [distinct(1, 2, 7, 6)], "overlapping, padded"),
        Case(lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True), [distinct(1, 2, 6, 8)], "ceil_mode"),
        Case(lambda x: F.max_pool2d(nchw_of_channels_last(x), (2, 3), stride=1), [distinct(2, 4, 5, 3)],
             "stride 1, channels-last memory"),
        Case(lambda x: F.max_pool1d(x, 3, stride=2, padding=1), [distinct(2, 3, 8)], "1-D"),
        Case(lambda x: F.relu_max_pool2d(x, 2), [distinct(2, 3, 4, 6)], "fused relu, 2x2 tiles"),
        Case(lambda x: F.relu_max_pool2d(nchw_of_channels_last(x), 3, stride=2, padding=1), [distinct(2, 7, 6, 3)],
             "fused relu, overlapping, channels-last memory"),
        Case(lambda x: F.max_pool_nhwc(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), [distinct(2, 6, 5, 2)],
             "NHWC 'SAME' (asymmetric)"),
        Case(lambda x: F.max_pool2d(nchw_of_channels_last(x), (2, 3)), [distinct(2, 4, 9, 3)],
             "2x3 tiles, channels-last memory"),
        Case(numpy_path(lambda x: F.max_pool2d(x, 2)), [distinct(2, 3, 4, 6)], "2x2 stride 2, NumPy path"),
        Case(numpy_path(lambda x: F.relu_max_pool2d(x, 2)), [distinct(2, 3, 4, 6)], "fused relu, 2x2 tiles, NumPy path"),
    ],
    "AvgPool2d": [
        Case(lambda x: F.avg_pool2d(x, 2), [rnd(2, 3, 4, 6)], "2x2 stride 2"),
        Case(lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [rnd(1, 2, 7, 6)], "overlapping, count_include_pad"),
        Case(lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False, ceil_mode=True),
             [rnd(1, 2, 6, 8)], "exclude pad, ceil_mode"),
        Case(lambda x: F.avg_pool1d(x, 4, stride=3, padding=2), [rnd(2, 2, 9)], "1-D"),
        Case(lambda x: F.avg_pool_nhwc(x, 3, 2, "SAME"), [rnd(2, 6, 5, 2)], "NHWC 'SAME' (valid count)"),
        Case(lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [rnd(2, 2, 4, 6)], "adaptive, equal windows"),
    ],
    "Resample2d": [
        Case(lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), [rnd(2, 2, 3, 4)],
             "bilinear x2"),
        Case(lambda x: F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True), [rnd(1, 2, 3, 4)],
             "bilinear align_corners"),
        Case(lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest"), [rnd(1, 3, 3, 4)], "nearest x1.7"),
        Case(lambda x: F.interpolate(x, scale_factor=2.5, mode="linear"), [rnd(2, 2, 4)], "linear 1-D"),
        Case(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), [rnd(2, 2, 7, 9)], "adaptive, uneven windows"),
    ],
}
