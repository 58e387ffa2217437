"""APIs a sweep over TFLearn's examples needed: known answers for each (no example code here)."""
import numpy as np
import pytest

import tensorflux.compat.v1 as tf
import tensorflux.tflearn as tflearn
from tensorflux.tflearn import metrics
from tensorflux.tflearn.datasets import mnist as tfl_mnist
from tensorflux.tflearn.helpers.trainer import _monitor_tag
from tensorflux.tflearn.layers.conv import densenet_block, shallow_residual_block


def run(fetch, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetch, feed)


def rand(*shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


# ----------------------------------------------------------------------------- R2 (TFLearn 0.5)
def test_r2_op_is_the_coefficient_of_determination():
    # targets [0, 1, .5] (mean .5): SS_res = 1 + .25 + .25 = 1.5, SS_tot = .5  ->  1 - 3 = -2
    r2 = metrics.r2_op(tf.constant([1., 0.5, 0.]), tf.constant([0., 1., 0.5]))
    assert run(r2) == pytest.approx(-2.0)
    perfect = metrics.r2_op(tf.constant([[1., 2.], [3., 5.]]), tf.constant([[1., 2.], [3., 5.]]))
    assert run(perfect) == pytest.approx(1.0)
    # several output columns share one mean (here 2.5): SS_tot = 2.25 + .25 + .25 + 2.25 = 5, SS_res = 1
    multi = metrics.r2_op(tf.constant([[1., 2.], [3., 3.]]), tf.constant([[1., 2.], [3., 4.]]))
    assert run(multi) == pytest.approx(1 - 1 / 5)


def test_r2_metric_on_a_multi_target_regression_needs_no_input_shape():
    x = tflearn.input_data(shape=[None, 10])
    net = tflearn.fully_connected(x, 2)
    net = tflearn.regression(net, optimizer='sgd', loss='mean_square', metric='R2', learning_rate=0.01)
    m = tflearn.DNN(net, tensorboard_dir="")
    X, Y = rand(16, 10), rand(16, 2, seed=1)
    m.fit(X, Y, n_epoch=2, show_metric=True, snapshot_epoch=False)
    pred = m.predict(X)
    expected = 1 - ((Y - pred) ** 2).sum() / ((Y - Y.mean()) ** 2).sum()
    op = tf.get_collection(tf.GraphKeys.TRAIN_OPS)[0]
    assert op.metric.m_name == "R2"
    assert m.session.run(op.metric, {x: X, m.targets[0]: Y}) == pytest.approx(expected, rel=1e-4)


def test_weighted_r2_still_checks_inputs_against_targets():
    with pytest.raises(ValueError, match="WeightedR2 .* same shape"):
        metrics.weighted_r2_op(tf.constant([[1.]]), tf.constant([[1.]]), tf.constant([[1., 2.]]))


# ----------------------------------------------------------------------------- regularizer, summaries
def test_add_weights_regularizer_adds_the_decay_loss():
    w = tf.Variable([[1., -2.], [3., 0.5]])
    regul = tflearn.add_weights_regularizer(w, 'L2', weight_decay=0.01)
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [regul]
    assert run(regul) == pytest.approx(0.01 * (1 + 4 + 9 + 0.25) / 2)
    l1 = tflearn.add_weights_regularizer(w, 'L1', weight_decay=0.1, add_to_collection="mine")
    assert tf.get_collection("mine") == [l1] and run(l1) == pytest.approx(0.1 * 6.5)
    custom = tflearn.helpers.regularizer.add_weights_regularizer(w, lambda v: tf.reduce_sum(v))
    assert run(custom) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="add_weights_regularizer: loss must be"):
        tflearn.add_weights_regularizer(w, 3.0)


def test_add_weights_regularizer_is_minimised_by_a_trainop():
    x = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable([[4.]])
    loss = tf.reduce_mean(tf.matmul(x, w) * 0.)                        # the data loss has no gradient
    tflearn.add_weights_regularizer(w, 'L2', weight_decay=1.0)         # d/dw (w²/2) = w
    op = tflearn.TrainOp(loss=loss, optimizer=tf.train.GradientDescentOptimizer(0.5), batch_size=4)
    trainer = tflearn.Trainer(op, tensorboard_dir="", clip_gradients=0.)
    trainer.fit({x: np.ones((4, 1), np.float32)}, n_epoch=1)
    assert trainer.session.run(w)[0, 0] == pytest.approx(4. * 0.5)      # w ← w − 0.5·w


def test_monitor_activation_adds_to_activations():
    t = tf.constant([1.])
    tflearn.summaries.monitor_activation(t)
    assert tf.get_collection(tf.GraphKeys.ACTIVATIONS)[-1] is t
    with pytest.raises(ValueError, match="monitor_activation: expected a Tensor"):
        tflearn.summaries.monitor_activation([1.])


# ----------------------------------------------------------------------------- validation monitors
def test_validation_monitors_are_evaluated_on_the_validation_set():
    x = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable([[0.]])
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.))
    with tf.name_scope("Mon"):
        mean_x = tf.reduce_mean(x, name="mean_x")
        const = tf.constant(32.0, name="c")
    op = tflearn.TrainOp(loss=loss, optimizer=tf.train.GradientDescentOptimizer(0.1),
                         validation_monitors=[mean_x, const], batch_size=2)
    trainer = tflearn.Trainer(op, tensorboard_dir="")
    val = np.array([[1.], [2.], [3.], [6.]], np.float32)
    trainer.fit({x: np.ones((4, 1), np.float32)}, val_feed_dicts={x: val}, n_epoch=1)
    assert op.val_monitor_values == pytest.approx([3.0, 32.0])       # batch means weighted by batch size
    assert op._monitor_scalars() == pytest.approx({"Mon/mean_x": 3.0, "Mon/c": 32.0})
    assert _monitor_tag(const) == "Mon/c"


# ----------------------------------------------------------------------------- fit_batch
def test_fit_batch_steps_the_last_trainop_once_per_feed_dict():
    a = tflearn.input_data(shape=[None, 2], name="a")
    first = tflearn.fully_connected(a, 1, name="first")
    tflearn.regression(first, optimizer='sgd', loss='mean_square', learning_rate=0.1, name="ta")
    b = tflearn.input_data(shape=[None, 2], name="b")
    second = tflearn.fully_connected(b, 1, name="second")
    tflearn.regression(second, optimizer='sgd', loss='mean_square', learning_rate=0.1, name="tb",
                       trainable_vars=[second.W, second.b])
    model = tflearn.DNN(second, tensorboard_dir="")                  # holds both TrainOps
    w_first, w_second = model.get_weights(first.W), model.get_weights(second.W)
    losses = model.fit_batch({'b': np.ones((4, 2))}, {'tb': np.zeros((4, 1))})   # 'a' is never fed
    assert isinstance(losses, list) and len(losses) == 2 and losses[1] < losses[0]
    assert np.array_equal(model.get_weights(first.W), w_first)
    assert not np.array_equal(model.get_weights(second.W), w_second)


# ----------------------------------------------------------------------------- dropout of a step list
def test_dropout_of_a_step_list_returns_the_steps():
    x = tflearn.input_data(shape=[None, 5, 3])
    steps = tflearn.lstm(x, 4, return_seq=True)
    dropped = tflearn.dropout(steps, 0.5)
    assert isinstance(dropped, list) and len(dropped) == 5
    assert [d.get_shape().as_list() for d in dropped] == [[None, 4]] * 5
    out = tflearn.lstm(dropped, 3)
    assert out.get_shape().as_list() == [None, 3]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        tflearn.is_training(True, s)
        before, after = s.run([steps, dropped], {x: rand(2, 5, 3)})
    assert all(np.array_equal(p, q) for p, q in zip(before, after))   # TFLearn's list dropout drops nothing


# ----------------------------------------------------------------------------- shallow_residual_block
def test_shallow_residual_block_with_a_zero_branch_passes_its_input():
    x = tflearn.input_data(shape=[None, 4, 4, 3])
    y = shallow_residual_block(x, 2, 3, batch_norm=False, activation='linear', weights_init='zeros')
    feed = rand(2, 4, 4, 3)
    assert y.get_shape().as_list() == [None, 4, 4, 3]
    assert np.allclose(run(y, {x: feed}), feed)


def test_shallow_residual_block_downsamples_by_nearest_resize():
    x = tflearn.input_data(shape=[None, 8, 8, 2])
    y = shallow_residual_block(x, 1, 2, downsample=True, batch_norm=False, activation='linear',
                               weights_init='zeros')
    feed = rand(2, 8, 8, 2)
    assert y.get_shape().as_list() == [None, 4, 4, 2]
    assert np.allclose(run(y, {x: feed}), feed[:, ::2, ::2, :])       # TF1 nearest: source pixel 2i


def test_shallow_residual_block_projects_new_channels_with_a_1x1_conv():
    x = tflearn.input_data(shape=[None, 8, 8, 4])
    y = shallow_residual_block(x, 2, 6, downsample=True, regularizer='L2')
    assert y.get_shape().as_list() == [None, 2, 2, 6]                  # every block of the call downsamples
    shapes = sorted(tuple(v.get_shape().as_list()) for v in tf.trainable_variables() if v.op.name.endswith("/W"))
    # per block two 3x3 convs; the first block also a (1, 1, 4, 6) projection; bias=False by default
    assert shapes == sorted([(3, 3, 4, 6), (3, 3, 6, 6), (1, 1, 4, 6), (3, 3, 6, 6), (3, 3, 6, 6)])
    assert not [v for v in tf.trainable_variables() if v.op.name.endswith("Conv2D/b")]
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 5
    assert np.all(run(y, {x: rand(2, 8, 8, 4)}) >= 0)                  # ends with the relu


# ----------------------------------------------------------------------------- densenet_block
def test_densenet_block_known_answer():
    # one layer, growth 1, no bottleneck/BN, linear, all-ones weights on a 3x3 image of ones:
    # conv3x3 'same' = 4 (corners) / 6 (edges) / 9 (centre); concat with x, 1x1 transition of ones adds 1;
    # 2x2 average pool 'same', stride 2, averages only the real pixels.
    x = tflearn.input_data(shape=[None, 3, 3, 1])
    y = densenet_block(x, 1, 1, bottleneck=False, batch_norm=False, activation='linear',
                       weights_init=tf.constant_initializer(1.0), regularizer=None)
    out = run(y, {x: np.ones((1, 3, 3, 1), np.float32)})
    assert y.get_shape().as_list() == [None, 2, 2, 1]
    assert np.allclose(out[0, :, :, 0], [[(5 + 7 + 7 + 10) / 4, (5 + 7) / 2], [(5 + 7) / 2, 5]])


def test_densenet_block_shapes_and_variables():
    x = tflearn.input_data(shape=[None, 8, 8, 3])
    y = densenet_block(x, 2, 4)
    assert y.get_shape().as_list() == [None, 4, 4, 4]
    ws = [v for v in tf.trainable_variables() if v.op.name.endswith("/W")]
    # bottleneck 1x1 + 3x3 per layer, then the 1x1 transition; each input grows by `growth` channels
    assert [tuple(v.get_shape().as_list()) for v in ws] == [(1, 1, 3, 4), (3, 3, 4, 4), (1, 1, 7, 4),
                                                            (3, 3, 4, 4), (1, 1, 11, 4)]
    assert all(v.op.name.startswith("DenseNetBlock/") for v in ws)
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 5
    flat = densenet_block(x, 1, 2, downsample=False, dropout=True)
    assert flat.get_shape().as_list() == [None, 8, 8, 2]


# ----------------------------------------------------------------------------- mnist.read_data_sets
def test_tflearn_mnist_datasets_have_next_batch():
    images = np.arange(6 * 28 * 28, dtype=np.int64).reshape(6, 28, 28) % 256
    ds = tfl_mnist._dataset(images.astype(np.uint8), np.array([0, 1, 2, 3, 4, 5]), one_hot=True)
    assert ds.num_examples == 6 and ds.images.shape == (6, 784) and ds.images.dtype == np.float32
    assert ds.images.max() == pytest.approx(255 / 255.) and ds.labels.shape == (6, 10)
    seen = np.concatenate([ds.next_batch(4, shuffle=False)[1], ds.next_batch(4, shuffle=False)[1]])
    assert seen.argmax(1).tolist() == [0, 1, 2, 3, 4, 5, 0, 1] and ds.epochs_completed == 1


# ----------------------------------------------------------------------------- SequenceGenerator seed
def test_generate_names_seed_characters_missing_from_the_dictionary():
    x = tflearn.input_data(shape=[None, 3, 2])
    net = tflearn.fully_connected(x, 2, activation='softmax')
    net = tflearn.regression(net)
    gen = tflearn.SequenceGenerator(net, dictionary={'a': 0, 'b': 1}, seq_maxlen=3, tensorboard_dir="")
    with pytest.raises(KeyError, match="seq_seed holds 'A'"):
        gen.generate(2, seq_seed="abA")
    assert len(gen.generate(2, seq_seed="aba")) == 5
