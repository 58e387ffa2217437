"""``import tensorflux.compat.v1 as tf``: run TF 1.x programs with only the import changed.

A thin facade of TF 1.x names and semantics (NHWC, ``keep_prob``, ``variable_scope`` reuse
rules, what ``Session.run`` returns) over ``tensorflux.graph``; it holds no math of its own —
every node runs an op from ``tensorflux.ops``.

    import tensorflux.compat.v1 as tf
    w = tf.Variable(0, dtype=tf.float32)
    cost = w**2 - 10*w + 25
    train = tf.train.GradientDescentOptimizer(0.01).minimize(cost)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for _ in range(1000):
            session.run(train)
        print(session.run(w))            # 4.99999
"""
from __future__ import annotations

# ----------------------------------------------------------------- graph, session, dtypes
from ...graph.core import (Graph, Operation, Tensor, GraphKeys, get_default_graph, reset_default_graph,
                           name_scope, control_dependencies)
from ...graph.dtypes import (DType, as_dtype, float16, half, float32, float64, double, int8, int16, int32,
                             int64, uint8, uint16, bool, string, complex64, complex128, qint8, quint8, resource,
                             variant)
from ...graph.tensor_shape import TensorShape, Dimension
from ...graph.session import Session, InteractiveSession, get_default_session
from ...graph.gradients import gradients, hessians
from ...graph.variables import (placeholder, placeholder_with_default, Variable, assign, assign_add, assign_sub,
                                global_variables, local_variables, trainable_variables, model_variables,
                                variables_initializer, global_variables_initializer,
                                local_variables_initializer, is_variable_initialized,
                                report_uninitialized_variables)
from ...graph.functions import is_tensor
from ...graph import errors

from .variable_scope import (AUTO_REUSE, VariableScope, variable_scope, get_variable, get_variable_scope,
                             get_local_variable, no_regularizer)
from .initializers import (zeros_initializer, ones_initializer, constant_initializer, random_normal_initializer,
                           truncated_normal_initializer, random_uniform_initializer, variance_scaling_initializer,
                           glorot_uniform_initializer, glorot_normal_initializer, orthogonal_initializer,
                           identity_initializer, uniform_unit_scaling_initializer)
from .math_ops import *  # noqa: F401,F403 (TF's math names, listed in math_ops.__all__)
from .array_ops import *  # noqa: F401,F403
from .control_flow import (group, no_op, tuple, cond, case, while_loop, Print, print, Assert, assert_equal,
                           assert_greater, assert_less, assert_positive, assert_non_negative, assert_rank,
                           assert_type, identity_n)
from .state_ops import (scatter_update, scatter_add, scatter_sub, scatter_mul, scatter_div, scatter_max, scatter_min,
                        scatter_nd_update, scatter_nd_add)
from .random_ops import (set_random_seed, random_normal, truncated_normal, random_uniform, random_shuffle,
                         multinomial)
from .misc import (ConfigProto, GPUOptions, RunOptions, RunMetadata, OptimizerOptions, GraphOptions,
                   get_collection, get_collection_ref, add_to_collection, add_to_collections, device, container,
                   colocate_with, disable_v2_behavior, enable_v2_behavior, disable_eager_execution,
                   initialize_all_variables, initialize_local_variables,
                   initialize_variables, all_variables, make_template, py_func, numpy_function, get_seed,
                   NotDifferentiable, no_gradient, RegisterGradient)

from . import (nn, layers, losses, metrics, train, summary, image, contrib, initializers, random, math, linalg,
               logging, gfile, io, app, flags, examples, compat)
from . import data
from . import estimator
from .eager import enable_eager_execution, executing_eagerly
from .functional_ops import map_fn, scan, foldl, foldr
from .queues import QueueBase, FIFOQueue, RandomShuffleQueue, PaddingFIFOQueue, PriorityQueue
from .readers import (ReaderBase, TextLineReader, FixedLengthRecordReader, WholeFileReader, TFRecordReader,
                      IdentityReader, LMDBReader, read_file, matching_files, decode_csv)
from .input_producers import count_up_to
import types as _types
#: ``tf.queue`` (TF 1.13+ names of the queue classes)
queue = _types.SimpleNamespace(QueueBase=QueueBase, FIFOQueue=FIFOQueue, RandomShuffleQueue=RandomShuffleQueue,
                               PaddingFIFOQueue=PaddingFIFOQueue, PriorityQueue=PriorityQueue)
del _types
from . import python_io
from .parsing_ops import (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature, parse_single_example,
                          parse_example, decode_raw, SparseTensor, SparseTensorValue, sparse_tensor_to_dense,
                          sparse)

__version__ = "1.15.0"
VERSION = __version__
GIT_VERSION = "tensorflux"
COMPILER_VERSION = "tensorflux"
