"""TF 1.x behaviour a third sweep over public TF1 programs needed (no program code here): matmul and the
softmax cross-entropies on tensors of unknown rank, Saver.save creating the checkpoint's folder, and
tf.contrib.tensorboard.plugins.projector."""
import os

import numpy as np
import pytest

import tensorflux.compat.v1 as tf
from tensorflux.compat.v1.contrib.tensorboard.plugins import projector


def run(fetch, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetch, feed)


# ------------------------------------------------------------------ matmul with an unknown-rank operand
def test_matmul_of_a_shapeless_placeholder_is_a_matrix_product():
    x = tf.placeholder(tf.float32)                            # no shape at all
    w = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = tf.matmul(x, w)
    assert y.get_shape().as_list() == [None, 3]               # TF's MatMul: rank 2, b's columns
    assert tf.matmul(w, tf.placeholder(tf.float32)).get_shape().as_list() == [2, None]
    assert tf.matmul(x, tf.placeholder(tf.float32)).get_shape().ndims is None
    batch = tf.placeholder(tf.float32, [4, 5, 2, 3])
    assert tf.matmul(x, batch).get_shape().as_list() == [4, 5, None, 3]
    out = run(y, {x: [[1., 0.], [1., 1.]]})
    np.testing.assert_array_equal(out, [[0., 1., 2.], [3., 5., 7.]])


def test_layers_on_a_shapeless_placeholder_train_with_softmax_cross_entropy():
    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    w = tf.Variable(tf.zeros([2, 3]))
    logits = tf.matmul(x, w)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    step = tf.train.GradientDescentOptimizer(1.0).minimize(cost)
    xs = np.array([[1., 0.], [0., 1.]], np.float32)
    ys = np.eye(3, dtype=np.float32)[[0, 2]]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        first = s.run(cost, {x: xs, y: ys})
        s.run(step, {x: xs, y: ys})
        grad_w = s.run(w)
    assert first == pytest.approx(np.log(3.0))               # uniform softmax over 3 classes
    # d cost / d W = xᵀ (softmax − y) / batch: row 0 = (1/3 − [1, 0, 0]) / 2
    np.testing.assert_allclose(grad_w[0], -np.array([1 / 3 - 1, 1 / 3, 1 / 3]) / 2, rtol=1e-5)
    np.testing.assert_allclose(grad_w[1], -np.array([1 / 3, 1 / 3, 1 / 3 - 1]) / 2, rtol=1e-5)


def test_matmul_transpose_of_an_unknown_rank_operand_is_refused_with_its_name():
    x = tf.placeholder(tf.float32, name="free")
    with pytest.raises(ValueError, match="transpose_a.*'free:0'"):
        tf.matmul(x, tf.ones([2, 2]), transpose_a=True)


# ------------------------------------------------------------------ cross-entropies on unknown-rank logits
def test_softmax_cross_entropy_of_unknown_rank_logits_keeps_the_outer_dims():
    logits = tf.placeholder(tf.float32)
    labels = tf.placeholder(tf.float32)
    ids = tf.placeholder(tf.int32)
    dense = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits)
    grad = tf.gradients(tf.reduce_sum(dense), logits)[0]
    # probabilities (1/4, 1/4, 1/2) and (1/4, 1/2, 1/4): -log p of the labelled class
    lg = np.log(np.array([[[1., 1., 2.], [1., 2., 1.]]], np.float32))
    d, sp, g = run([dense, sparse, grad], {logits: lg, labels: np.eye(3)[[[2, 0]]], ids: [[2, 0]]})
    assert d.shape == sp.shape == (1, 2)
    np.testing.assert_allclose(d, [[np.log(2.), np.log(4.)]], rtol=1e-6)
    np.testing.assert_allclose(sp, d, rtol=1e-6)
    np.testing.assert_allclose(g, [[[.25, .25, -.5], [-.75, .5, .25]]], rtol=1e-6)  # softmax − labels


def test_softmax_cross_entropy_of_unknown_rank_logits_needs_the_last_axis():
    with pytest.raises(ValueError, match="unknown rank.*axis=0"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.placeholder(tf.float32),
                                                   logits=tf.placeholder(tf.float32), axis=0)


# ------------------------------------------------------------------ Saver.save makes the checkpoint folder
def test_saver_save_creates_the_checkpoint_folder_one_level(tmp_path):
    v = tf.Variable(3.5, name="v")
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        prefix = saver.save(s, str(tmp_path / "model" / "dnn.ckpt"), global_step=7)
        assert prefix == str(tmp_path / "model" / "dnn.ckpt-7")
        ckpt = tf.train.get_checkpoint_state(str(tmp_path / "model"))
        assert ckpt.model_checkpoint_path == prefix
        assert tf.train.checkpoint_exists(ckpt.model_checkpoint_path)
        s.run(v.assign(0.0))
        saver.restore(s, prefix)
        assert s.run(v) == 3.5
        with pytest.raises(ValueError, match="Parent directory of .*deeper/still/x.ckpt doesn't exist"):
            saver.save(s, str(tmp_path / "deeper" / "still" / "x.ckpt"))
    assert not os.path.exists(tmp_path / "deeper")


def test_saver_save_into_a_file_path_as_folder_is_refused(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    tf.Variable(1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="Parent directory of .*taken/m.ckpt"):
            tf.train.Saver().save(s, str(tmp_path / "taken" / "m.ckpt"))
        with pytest.raises(ValueError, match="taken/x/m.ckpt doesn't exist"):
            tf.train.Saver().save(s, str(tmp_path / "taken" / "x" / "m.ckpt"))


# ------------------------------------------------------------------ projector config
def test_projector_config_writes_text_format_into_the_writer_logdir(tmp_path):
    config = projector.ProjectorConfig()
    emb = config.embeddings.add()
    emb.tensor_name = "embeddings/Variable:0"
    emb.metadata_path = str(tmp_path / "metadata.tsv")
    second = config.embeddings.add(tensor_name='say "hi"\n')
    second.sprite.image_path = "sprite.png"
    second.sprite.single_image_dim.extend([28, 28])
    second.tensor_shape.append(10)
    writer = tf.summary.FileWriter(str(tmp_path))
    projector.visualize_embeddings(writer, config)
    writer.close()
    text = (tmp_path / projector.PROJECTOR_FILENAME).read_text()
    assert text == (
        'embeddings {\n'
        '  tensor_name: "embeddings/Variable:0"\n'
        f'  metadata_path: "{tmp_path / "metadata.tsv"}"\n'
        '}\n'
        'embeddings {\n'
        '  tensor_name: "say \\"hi\\"\\n"\n'
        '  tensor_shape: 10\n'
        '  sprite {\n'
        '    image_path: "sprite.png"\n'
        '    single_image_dim: 28\n'
        '    single_image_dim: 28\n'
        '  }\n'
        '}\n')
    assert tf.contrib.tensorboard.plugins.projector is projector


def test_projector_messages_check_their_fields():
    info = projector.EmbeddingInfo(tensor_name="w", tensor_shape=[3, 4])
    assert list(info.tensor_shape) == [3, 4] and info.metadata_path == ""
    with pytest.raises(TypeError, match="tensor_name: expected str"):
        info.tensor_name = 3
    with pytest.raises(ValueError, match="out of range"):
        info.tensor_shape.append(-1)
    with pytest.raises(AttributeError, match="no field \"tensor\""):
        info.tensor = "x"
    config = projector.ProjectorConfig(model_checkpoint_path="ckpt", embeddings=[info])
    assert config.embeddings[0] == info and config.embeddings[0] is not info
    with pytest.raises(AttributeError, match="embeddings.add"):
        config.embeddings = []
    assert str(projector.ProjectorConfig()) == ""
    with pytest.raises(TypeError, match="ProjectorConfig"):
        projector.visualize_embeddings(".", info)
