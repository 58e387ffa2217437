"""``import tensorflux.tflearn as tflearn``: run TFLearn programs with only the import changed.

A thin facade of TFLearn's names and semantics over ``tensorflux.compat.v1`` (the TF 1.x
graph API) and ``tensorflux.train``: layers add graph nodes to the default graph, ``regression``
records the objective, and ``DNN`` trains, evaluates, predicts, saves and loads. It holds no
math of its own.

    import tensorflux.tflearn as tflearn
    net = tflearn.input_data([None, 100])
    net = tflearn.fully_connected(net, 64, activation='ReLU')
    net = tflearn.fully_connected(net, 10, activation='softmax')
    net = tflearn.regression(net, optimizer='sgd', learning_rate=0.1, loss='categorical_crossentropy')
    model = tflearn.DNN(net)
    model.fit(trainX, trainY, validation_set=0.1, show_metric=True, batch_size=100, n_epoch=20)
    model.predict(testX)
"""
from __future__ import annotations

from . import collections, config
from .config import is_training, get_training_mode, init_graph, init_training_mode

from . import activations, initializations, losses, metrics, objectives, optimizers, variables, utils
from . import callbacks, data_augmentation, data_preprocessing, data_utils, datasets, helpers, layers, models
from . import summaries
from .data_augmentation import DataAugmentation, ImageAugmentation, SequenceAugmentation
from .data_preprocessing import DataPreprocessing, ImagePreprocessing, SequencePreprocessing
from .models.dnn import DNN
from .models.generator import SequenceGenerator
from .helpers.trainer import Trainer, TrainOp
from .helpers.evaluator import Evaluator
from .helpers.regularizer import add_weights_regularizer
from .layers import normalization

from .optimizers import SGD, AdaGrad, Adam, RMSProp, Momentum, Ftrl, AdaDelta, ProximalAdaGrad, Nesterov
from .activations import (linear, tanh, sigmoid, softmax, softplus, softsign, relu, relu6, leaky_relu, prelu, elu,
                          crelu, selu)
from .variables import (variable, get_all_trainable_variable, get_all_variables, get_layer_variables_by_name,
                        get_layer_variables_by_scope)
from .objectives import (categorical_crossentropy, binary_crossentropy, softmax_categorical_crossentropy,
                         hinge_loss, mean_square, weighted_crossentropy, roc_auc_score)
from .metrics import (Top_k, Accuracy, BinaryAccuracy, R2, WeightedR2, top_k_op, accuracy_op, binary_accuracy_op,
                      r2_op, weighted_r2_op)

from .layers.conv import (conv_2d, conv_2d_transpose, grouped_conv_2d, max_pool_2d, avg_pool_2d, conv_1d,
                          max_pool_1d, avg_pool_1d, global_avg_pool, global_max_pool, upsample_2d, deconv_2d,
                          highway_conv_2d, highway_conv_1d, residual_block, residual_bottleneck, resnext_block,
                          shallow_residual_block, densenet_block)
from .layers.core import (input_data, dropout, custom_layer, reshape, flatten, activation, fully_connected,
                          single_unit, highway, one_hot_encoding, time_distributed, multi_target_data)
from .layers.normalization import batch_normalization, local_response_normalization, l2_normalize
from .layers.estimator import regression
from .layers.recurrent import lstm, gru, simple_rnn, bidirectional_rnn, BasicRNNCell, BasicLSTMCell, GRUCell
from .layers.embedding_ops import embedding
from .layers.merge_ops import merge, merge_outputs
from .utils import get_layer_by_name

__all__ = [
    "collections", "config", "is_training", "get_training_mode", "init_graph", "init_training_mode",
    "activations", "initializations", "losses", "metrics", "objectives", "optimizers", "variables", "utils",
    "callbacks", "data_augmentation", "data_preprocessing", "data_utils", "datasets", "helpers", "layers", "models",
    "summaries", "add_weights_regularizer",
    "normalization", "DataAugmentation", "ImageAugmentation", "SequenceAugmentation", "DataPreprocessing",
    "ImagePreprocessing", "SequencePreprocessing",
    "DNN", "SequenceGenerator", "Trainer", "TrainOp", "Evaluator",
    "SGD", "AdaGrad", "Adam", "RMSProp", "Momentum", "Ftrl", "AdaDelta", "ProximalAdaGrad", "Nesterov",
    "linear", "tanh", "sigmoid", "softmax", "softplus", "softsign", "relu", "relu6", "leaky_relu", "prelu", "elu",
    "crelu", "selu",
    "variable", "get_all_trainable_variable", "get_all_variables", "get_layer_variables_by_name",
    "get_layer_variables_by_scope",
    "categorical_crossentropy", "binary_crossentropy", "softmax_categorical_crossentropy", "hinge_loss",
    "mean_square", "weighted_crossentropy", "roc_auc_score",
    "Top_k", "Accuracy", "BinaryAccuracy", "R2", "WeightedR2", "top_k_op", "accuracy_op", "binary_accuracy_op", "r2_op",
    "weighted_r2_op",
    "conv_2d", "conv_2d_transpose", "grouped_conv_2d", "max_pool_2d", "avg_pool_2d", "conv_1d", "max_pool_1d",
    "avg_pool_1d", "global_avg_pool", "global_max_pool", "upsample_2d", "deconv_2d", "highway_conv_2d",
    "highway_conv_1d", "residual_block", "residual_bottleneck", "resnext_block", "shallow_residual_block",
    "densenet_block",
    "input_data", "dropout", "custom_layer", "reshape", "flatten", "activation", "fully_connected", "single_unit",
    "highway", "one_hot_encoding", "time_distributed", "multi_target_data",
    "batch_normalization", "local_response_normalization", "l2_normalize", "regression",
    "lstm", "gru", "simple_rnn", "bidirectional_rnn", "BasicRNNCell", "BasicLSTMCell", "GRUCell",
    "embedding", "merge", "merge_outputs", "get_layer_by_name",
]
