"""TFLearn's layers: ``tflearn.layers.core``, ``.conv``, ``.normalization``, ``.recurrent``, ``.estimator``..."""
from . import core, conv, normalization, recurrent, embedding_ops, merge_ops, estimator
from .core import (input_data, fully_connected, dropout, custom_layer, reshape, flatten, activation, single_unit,
                   highway, one_hot_encoding, time_distributed, multi_target_data)
from .conv import (conv_2d, conv_2d_transpose, grouped_conv_2d, max_pool_2d, avg_pool_2d, conv_1d, max_pool_1d,
                   avg_pool_1d, global_avg_pool, global_max_pool, upsample_2d, deconv_2d, highway_conv_2d,
                   highway_conv_1d, residual_block, residual_bottleneck, resnext_block, shallow_residual_block,
                   densenet_block)
from .normalization import batch_normalization, local_response_normalization, l2_normalize
from .recurrent import lstm, gru, simple_rnn, bidirectional_rnn, BasicRNNCell, BasicLSTMCell, GRUCell
from .embedding_ops import embedding
from .merge_ops import merge, merge_outputs
from .estimator import regression

__all__ = ["core", "conv", "normalization", "recurrent", "embedding_ops", "merge_ops", "estimator", "input_data",
           "fully_connected", "dropout", "custom_layer", "reshape", "flatten", "activation", "single_unit",
           "highway", "one_hot_encoding", "time_distributed", "multi_target_data", "conv_2d", "conv_2d_transpose",
           "grouped_conv_2d", "max_pool_2d", "avg_pool_2d", "conv_1d", "max_pool_1d", "avg_pool_1d", "global_avg_pool",
           "global_max_pool", "upsample_2d", "deconv_2d", "highway_conv_2d", "highway_conv_1d", "residual_block",
           "residual_bottleneck", "resnext_block", "shallow_residual_block", "densenet_block", "batch_normalization",
           "local_response_normalization", "l2_normalize", "lstm", "gru", "simple_rnn", "bidirectional_rnn",
           "BasicRNNCell", "BasicLSTMCell", "GRUCell", "embedding", "merge", "merge_outputs", "regression"]
