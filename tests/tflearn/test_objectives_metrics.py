"""Objectives, metrics, activations, initializations and optimizers by name: known answers."""
import numpy as np
import pytest

import tensorflux.compat.v1 as tf
import tensorflux.tflearn as tflearn
from tensorflux.tflearn import activations, initializations, metrics, objectives, optimizers


def run(t, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(t, feed)


def test_categorical_crossentropy_takes_probabilities():
    p = tf.constant([[0.7, 0.2, 0.1], [1.4, 0.4, 0.2]])              # row 2: unnormalised, same distribution
    y = tf.constant([[1., 0., 0.], [1., 0., 0.]])
    assert run(objectives.categorical_crossentropy(p, y)) == pytest.approx(-np.log(0.7), rel=1e-6)
    # clipped at ε = 1e-10: a zero probability for the true class costs −log(1e-10), not inf
    zero = objectives.categorical_crossentropy(tf.constant([[0., 1.]]), tf.constant([[1., 0.]]))
    assert run(zero) == pytest.approx(-np.log(1e-10), rel=1e-5)
    # an all-zero row (a ReLU output layer) stays finite, with a finite gradient
    x = tf.placeholder(tf.float32, [None, 2])
    loss = objectives.categorical_crossentropy(tf.nn.relu(x), tf.constant([[1., 0.]]))
    grad = tf.gradients(loss, x)[0]
    value, g = run([loss, grad], {x: [[-1., -2.]]})
    assert np.isfinite(value) and np.all(np.isfinite(g))


def test_softmax_and_binary_crossentropy_take_logits():
    logits = np.array([[2., 1., 0.]], np.float32)
    y = np.array([[0., 1., 0.]], np.float32)
    expected = -np.log(np.exp(1.) / np.exp(logits).sum())
    assert run(objectives.softmax_categorical_crossentropy(tf.constant(logits), tf.constant(y))) == \
        pytest.approx(expected, rel=1e-6)
    b = run(objectives.binary_crossentropy(tf.constant([[0.5, -1.]]), tf.constant([[1., 0.]])))
    assert b == pytest.approx(np.mean([np.log1p(np.exp(-0.5)), np.log1p(np.exp(-1.))]), rel=1e-6)
    assert run(objectives.mean_square(tf.constant([1., 3.]), tf.constant([2., 1.]))) == pytest.approx(2.5)
    assert run(objectives.hinge_loss(tf.constant([0.5, 2.]), tf.constant([1., 1.]))) == pytest.approx(0.25)
    assert objectives.get("Categorical_Crossentropy") is objectives.categorical_crossentropy


def test_metrics_known_answers():
    pred = tf.constant([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.4, 0.35, 0.25]])
    y = tf.constant([[0., 1., 0.], [0., 1., 0.], [0., 0., 1.], [0., 0., 1.]])
    acc = metrics.Accuracy()
    acc.build(pred, y)
    top2 = metrics.Top_k(k=2)
    top2.build(pred, y)
    assert acc.name == "acc" and top2.name == "top2"
    assert run(acc.get_tensor()) == pytest.approx(0.5) and run(top2.get_tensor()) == pytest.approx(0.75)
    binary = metrics.get("accuracy")()
    binary.build(tf.constant([[2.], [-1.], [0.5]]), tf.constant([[1.], [1.], [1.]]))
    assert binary.name == "binary_acc" and run(binary.get_tensor()) == pytest.approx(2 / 3)
    weighted = metrics.WeightedR2()
    weighted.build(tf.constant([1., 2.]), tf.constant([2., 4.]), tf.constant([0., 0.]))
    assert weighted.name == "R2" and run(weighted.get_tensor()) == pytest.approx(5 / 20)


def test_activations_by_name_case_insensitive():
    assert activations.get("ReLU") is activations.relu and activations.get("Linear") is activations.linear
    assert activations.get("leakyrelu") is activations.leaky_relu
    x = tf.constant([-2., 0.5, 8.])
    assert np.allclose(run(activations.get("ReLU6")(x)), [0., 0.5, 6.])
    assert np.allclose(run(activations.leaky_relu(x)), [-0.2, 0.5, 8.])   # TFLearn's α is 0.1
    assert np.allclose(run(activations.get("Softmax")(tf.constant([[0., 0.]]))), [[0.5, 0.5]])
    assert np.allclose(run(activations.elu(x)), [np.expm1(-2.), 0.5, 8.], atol=1e-6)
    with pytest.raises(ValueError, match="Invalid activation"):
        activations.get("swishy")


def test_initializations():
    big = [200, 100]
    tn = run(initializations.truncated_normal(shape=big))
    assert abs(tn.std() - 0.02 * 0.88) < 0.003 and np.abs(tn).max() <= 0.04 + 1e-6
    us = run(initializations.uniform_scaling(shape=[50, 10]))
    assert np.abs(us).max() <= np.sqrt(3 / 50) and us.std() > 0.1
    assert not run(initializations.zeros(shape=[3])).any()
    for name in ("zeros", "uniform", "uniform_scaling", "normal", "truncated_normal", "xavier", "variance_scaling"):
        init = initializations.get(name)()
        v = tf.get_variable(f"v_{name}", shape=[4, 3], initializer=init)
        assert run(v).shape == (4, 3)


@pytest.mark.parametrize("name", ["sgd", "SGD", "momentum", "nesterov", "rmsprop", "adam", "adagrad",
                                  "proximaladagrad", "ftrl", "adadelta"])
def test_optimizers_by_name_train(name):
    x = np.random.RandomState(0).randn(64, 4).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    net = tflearn.input_data(shape=[None, 4])
    net = tflearn.fully_connected(net, 1, activation="sigmoid")
    net = tflearn.regression(net, optimizer=name, learning_rate=0.1, loss="mean_square")
    model = tflearn.DNN(net, tensorboard_dir="")
    w0 = model.get_weights(net.W).copy()
    model.fit(x, y, n_epoch=1, batch_size=32, snapshot_epoch=False)
    assert not np.allclose(model.get_weights(net.W), w0)
    assert type(model.train_ops[0].optimizer).__name__.lower().startswith(
        {"sgd": "gradientdescent", "nesterov": "momentum", "proximaladagrad": "adagrad"}.get(name.lower(),
                                                                                           name.lower()))


def test_optimizer_objects_and_decay():
    adam = tflearn.optimizers.Adam(learning_rate=0.01, beta1=0.99)
    assert adam.get_tensor()._beta1 == 0.99
    sgd = optimizers.SGD(learning_rate=0.1, lr_decay=0.5, decay_step=1, staircase=True)
    net = tflearn.input_data(shape=[None, 2])
    net = tflearn.fully_connected(net, 1)
    net = tflearn.regression(net, optimizer=sgd, loss="mean_square")
    model = tflearn.DNN(net, tensorboard_dir="")
    model.fit(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32), n_epoch=3, batch_size=4)
    lr = tf.get_collection(tflearn.collections.LR_VARIABLES)[0]
    assert model.session.run(lr) == pytest.approx(0.1 * 0.5 ** 3)    # decayed by the TrainOp's step counter
    assert model.train_ops[0].name == "SGD"
