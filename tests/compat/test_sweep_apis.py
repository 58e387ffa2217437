"""TF 1.x APIs found missing or wrong by running more public TF1 programs: tf.arg_max/arg_min, static
shapes of slices of unknown dims, RNN cells called step by step, FileWriter flushing at exit, and
eager execution (tf.enable_eager_execution, tf.contrib.eager)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tensorflux.compat.v1 as tf
from tensorflux.graph import core


# ------------------------------------------------------------------ arg_max / arg_min
def test_arg_max_and_arg_min_take_the_dimension_and_return_int64():
    x = tf.constant([[3., 9., 1.], [7., 2., 8.]])
    with tf.Session() as s:
        amax0, amin1 = s.run([tf.arg_max(x, 0), tf.arg_min(x, 1)])
        amin_i32 = s.run(tf.arg_min(x, dimension=0, output_type=tf.int32))
    np.testing.assert_array_equal(amax0, [1, 0, 1])
    np.testing.assert_array_equal(amin1, [2, 1])
    assert amax0.dtype == np.int64 and amin_i32.dtype == np.int32
    np.testing.assert_array_equal(amin_i32, [0, 1, 0])


# ------------------------------------------------------------------ slices of unknown dims
def test_a_slice_of_an_unknown_dim_is_unknown_not_empty():
    x = tf.placeholder(tf.float32, [None, 6])
    assert x[32:64].get_shape().as_list() == [None, 6]      # was (0, 6): stand-in sizes 2 and 3
    assert x[2:, ::2].get_shape().as_list() == [None, 3]
    assert x[:, 1].get_shape().as_list() == [None]
    assert x[None, ..., -1].get_shape().as_list() == [1, None]
    y = tf.placeholder(tf.float32, [5, None, 4])
    assert y[1:3, 2:4, ::-1].get_shape().as_list() == [2, None, 4]
    assert y[-1].get_shape().as_list() == [None, 4]
    flat = tf.reshape(x[4:8], [-1, 3])                        # a known 0 here used to break the reshape
    assert flat.get_shape().as_list() == [None, 3]
    value = np.arange(60, dtype=np.float32).reshape(10, 6)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(flat, {x: value}), value[4:8].reshape(-1, 3))
    with pytest.raises(Exception, match="out of bounds"):
        y[5]


def test_towers_sliced_from_one_placeholder_share_layers_and_train():
    """Multi-GPU style: each tower slices its part of the batch (x[i*n:(i+1)*n]) and flattens it."""
    x = tf.placeholder(tf.float32, [None, 4, 4, 1])
    outs = []
    for i in range(2):
        with tf.device(f"/gpu:{i}"), tf.variable_scope("net", reuse=i > 0):
            part = x[i * 3:(i + 1) * 3]
            outs.append(tf.layers.dense(tf.contrib.layers.flatten(part), 2, name="fc"))
    assert len(tf.trainable_variables()) == 2
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, b = s.run(outs, {x: np.ones((6, 4, 4, 1), np.float32)})
    assert a.shape == b.shape == (3, 2)
    np.testing.assert_allclose(a, b)                          # same weights, same inputs


# ------------------------------------------------------------------ RNN cells called step by step
def _lstm_step(x, c, h, kernel, bias, forget_bias=1.0):
    z = np.concatenate([x, h], 1) @ kernel + bias
    i, j, f, o = np.split(z, 4, axis=1)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c2 = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
    return c2, np.tanh(c2) * sig(o)


def test_basic_lstm_cell_called_per_step_creates_then_reuses_its_variables():
    x = tf.placeholder(tf.float32, [2, 3, 5])
    with tf.variable_scope("cell"):
        cell = tf.contrib.rnn.BasicLSTMCell(4)
        state = cell.zero_state(2, tf.float32)
        outs = []
        for t in range(3):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            out, state = cell(x[:, t, :], state)
            outs.append(out)
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["cell/basic_lstm_cell/bias:0", "cell/basic_lstm_cell/kernel:0"]
    xv = np.random.RandomState(0).randn(2, 3, 5).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got, kernel, bias = s.run([outs, cell.trainable_variables[0], cell.trainable_variables[1]], {x: xv})
    c = h = np.zeros((2, 4), np.float32)
    for t in range(3):
        c, h = _lstm_step(xv[:, t], c, h, kernel, bias)
        np.testing.assert_allclose(got[t], h, rtol=1e-5, atol=1e-6)


def test_basic_rnn_and_multi_rnn_cells_called_twice_share_variables():
    x = tf.placeholder(tf.float32, [2, 3])
    rnn = tf.nn.rnn_cell.BasicRNNCell(4)
    o1, s1 = rnn(x, rnn.zero_state(2, tf.float32))
    o2, _ = rnn(x, s1)
    multi = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4) for _ in range(2)])
    m1, ms = multi(x, multi.zero_state(2, tf.float32))
    multi(x, ms)
    assert len(tf.trainable_variables()) == 2 + 4
    xv = np.ones((2, 3), np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, b, k, bias = s.run([o1, o2] + rnn.trainable_variables, {x: xv})
    h1 = np.tanh(np.concatenate([xv, np.zeros((2, 4))], 1) @ k + bias)
    np.testing.assert_allclose(a, h1, rtol=1e-5)
    np.testing.assert_allclose(b, np.tanh(np.concatenate([xv, h1], 1) @ k + bias), rtol=1e-5)


# ------------------------------------------------------------------ FileWriter never closed
def test_file_writer_never_closed_still_writes_the_graph_at_exit(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    program = textwrap.dedent(f"""
        import tensorflux.compat.v1 as tf
        with tf.name_scope('inputs'):
            xs = tf.placeholder(tf.float32, [None, 1], name='x_input')
        y = tf.add(xs, 1.0, name='y')
        tf.summary.scalar('loss', tf.reduce_mean(y))
        sess = tf.Session()
        writer = tf.summary.FileWriter({str(tmp_path)!r}, sess.graph)
        writer.add_summary(sess.run(tf.summary.merge_all(), {{xs: [[2.0]]}}), 7)
    """)  # no writer.close(): TF programs (Morvan's tf14) rely on the events reaching disk at exit
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in [os.getcwd(), os.environ.get("PYTHONPATH")] if p))
    subprocess.run([sys.executable, "-c", program], check=True, env=env, timeout=120)
    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    assert "inputs/x_input" in [n.name for n in acc.Graph().node]
    (event,) = acc.Scalars("loss")
    assert event.step == 7 and event.value == pytest.approx(3.0)


# ------------------------------------------------------------------ eager execution
@pytest.fixture
def eager():
    tf.enable_eager_execution()
    assert tf.executing_eagerly()
    yield tf.contrib.eager
    # the autouse fixture resets the default graph to a graph-mode one


def test_eager_ops_run_at_once_and_convert_like_values(eager):
    a, b = tf.constant(2), tf.constant(3)
    assert int(a + b) == 5 and "%i" % (a * b) == "6"
    m = tf.constant([[2., 1.], [1., 0.]])
    d = tf.matmul(m, np.array([[3., 0.], [5., 1.]], np.float32))
    np.testing.assert_array_equal(d.numpy(), [[11., 1.], [3., 0.]])
    np.testing.assert_array_equal(np.array(m + 1), [[3., 2.], [2., 1.]])
    assert str(m[0][1]) == "tf.Tensor(1.0, shape=(), dtype=float32)"
    assert "{:.2f}".format(tf.reduce_mean(m)) == "1.00"
    assert [float(v) for v in m[1]] == [1.0, 0.0] and len(m) == 2
    assert bool(tf.constant(True)) and not tf.get_default_graph().get_operations()   # only variables are kept
    with pytest.raises(RuntimeError, match="placeholder"):
        tf.placeholder(tf.float32)


def test_eager_variables_assign_at_once_and_ignore_control_dependencies(eager):
    v = tf.Variable(1.0)
    assert v.numpy() == 1.0
    with tf.control_dependencies([tf.assign_add(v, 1.0)]):
        tf.assign_add(v, 10.0)
    assert v.numpy() == 12.0                                  # each update ran once, when built
    counter = eager.Variable(0, name="counter")
    for _ in range(3):
        tf.assign(counter, counter + 1)
    assert int(counter) == 3 and counter.name == "counter:0"


def test_eager_implicit_gradients_fit_a_line_with_sgd(eager):
    x = np.array([0., 1., 2., 3.], np.float32)
    y = 2 * x + 1
    w, b = eager.Variable(0.0), eager.Variable(0.0)

    def loss(inputs, labels):
        return tf.reduce_mean(tf.square(inputs * w + b - labels))
    grads = eager.implicit_gradients(loss)(x, y)
    assert [v for _, v in grads] == [w, b]
    # d/dw mean((wx+b-y)²) at w=b=0: mean(-2·x·y) = -2·mean([0, 3, 10, 21]) = -17; d/db: -2·mean(y) = -8
    np.testing.assert_allclose([float(g) for g, _ in grads], [-17.0, -8.0], rtol=1e-6)
    value, _ = eager.implicit_value_and_gradients(loss)(x, y)
    assert float(value) == pytest.approx(np.mean(y ** 2))
    opt = tf.train.GradientDescentOptimizer(0.1)
    for _ in range(500):
        opt.apply_gradients(eager.implicit_gradients(loss)(x, y))
    assert w.numpy() == pytest.approx(2.0, abs=1e-3) and b.numpy() == pytest.approx(1.0, abs=1e-3)
    (dx,) = eager.gradients_function(lambda t: t * t * t)(3.0)
    assert float(dx) == pytest.approx(27.0)


def test_eager_iterator_network_of_dense_layers_and_adam(eager):
    xs = np.random.RandomState(1).rand(10, 3).astype(np.float32)
    ys = (xs.sum(1) > 1.5).astype(np.int64)
    it = eager.Iterator(tf.data.Dataset.from_tensor_slices((xs, ys)).batch(4))
    sizes = [int(len(bx)) for bx, _ in it]
    assert sizes == [4, 4, 2]                                 # then StopIteration ends the loop
    with pytest.raises(StopIteration):
        it.next()

    class Net(eager.Network):
        def __init__(self):
            super().__init__()
            self.hidden = self.track_layer(tf.layers.Dense(8, activation=tf.nn.relu))
            self.out = self.track_layer(tf.layers.Dense(2))

        def call(self, x):
            return self.out(self.hidden(x))
    net = Net()

    def loss(x, y):
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(logits=net(x), labels=y))
    opt = tf.train.AdamOptimizer(0.05)
    first = float(loss(xs, ys))
    for _ in range(60):
        opt.apply_gradients(eager.implicit_gradients(loss)(xs, ys))
    assert float(loss(xs, ys)) < 0.5 * first
    assert len(net.variables) == 4 and len(tf.trainable_variables()) == 4
    assert len(tf.global_variables()) == 4 + 2 * 4 + 2       # Adam's slots are made once, not per step


def test_enable_eager_execution_after_graph_building_is_refused():
    tf.constant(1.0)
    with pytest.raises(ValueError, match="program startup"):
        tf.enable_eager_execution()
    assert not tf.executing_eagerly()
    assert type(core.get_default_graph()) is core.Graph
