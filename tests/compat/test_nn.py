"""tf.nn: NHWC convolution/pooling with TF's 'SAME' arithmetic, losses, norms, dropout — against NumPy references."""
import numpy as np
import pytest

import tensorflux.compat.v1 as tf


def _ref_conv_same(x, w, s):
    """Direct loops (slow, independent): TF 'SAME' pads (total − total//2 after)."""
    n, h, wd, c = x.shape
    kh, kw, _, o = w.shape
    oh, ow = -(-h // s), -(-wd // s)
    ph = max((oh - 1) * s + kh - h, 0)
    pw = max((ow - 1) * s + kw - wd, 0)
    xp = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    out = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * s:i * s + kh, j * s:j * s + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


@pytest.mark.parametrize("size,k,s", [(7, 3, 2), (6, 2, 2), (5, 4, 1), (8, 3, 3)])
def test_conv2d_same_matches_tf_arithmetic(size, k, s):
    rng = np.random.RandomState(0)
    x_np = rng.randn(2, size, size + 1, 3).astype(np.float32)
    w_np = rng.randn(k, k, 3, 4).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, size, size + 1, 3])
    y = tf.nn.conv2d(x, tf.constant(w_np), strides=[1, s, s, 1], padding='SAME')
    assert y.get_shape().as_list() == [None, -(-size // s), -(-(size + 1) // s), 4]
    with tf.Session() as sess:
        got = sess.run(y, {x: x_np})
    np.testing.assert_allclose(got, _ref_conv_same(x_np, w_np, s), rtol=1e-4, atol=1e-4)


def test_conv2d_with_unknown_spatial_size_computes_same_padding_per_run():
    x = tf.placeholder(tf.float32, [None, None, None, 2])
    w = tf.constant(np.ones((3, 3, 2, 1), np.float32))
    y = tf.nn.conv2d(x, w, [1, 2, 2, 1], 'SAME')
    assert y.get_shape().as_list() == [None, None, None, 1]
    with tf.Session() as sess:
        assert sess.run(y, {x: np.ones((1, 5, 5, 2))}).shape == (1, 3, 3, 1)
        assert sess.run(y, {x: np.ones((1, 4, 6, 2))}).shape == (1, 2, 3, 1)


def test_conv2d_valid_and_build_time_channel_error():
    x = tf.placeholder(tf.float32, [None, 6, 6, 3])
    y = tf.nn.conv2d(x, tf.zeros([3, 3, 3, 5]), [1, 1, 1, 1], 'VALID')
    assert y.get_shape().as_list() == [None, 4, 4, 5]
    with pytest.raises(ValueError, match="channels"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 4, 5]), [1, 1, 1, 1], 'VALID')


def test_max_pool_and_avg_pool_same():
    x_np = np.arange(2 * 5 * 5 * 1, dtype=np.float32).reshape(2, 5, 5, 1)
    x = tf.constant(x_np)
    mp = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')
    ap = tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')
    with tf.Session() as sess:
        m, a = sess.run([mp, ap])
    assert m.shape == (2, 3, 3, 1)
    # the last window covers one row/column only: TF averages the real elements
    assert m[0, 2, 2, 0] == 24 and a[0, 2, 2, 0] == 24
    assert a[0, 0, 0, 0] == np.mean([0, 1, 5, 6]) and a[0, 0, 2, 0] == np.mean([4, 9])


def test_bias_add_and_shape_check():
    x = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="bias"):
        tf.nn.bias_add(x, tf.zeros([4]))
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.nn.bias_add(x, [1., 2., 3.]), {x: np.zeros((1, 3))}), [[1, 2, 3]])


def test_softmax_cross_entropy_per_example_and_requires_named_arguments():
    logits_np = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], np.float32)
    labels_np = np.array([[1.0, 0, 0], [0.2, 0.8, 0]], np.float32)
    logits, labels = tf.constant(logits_np), tf.constant(labels_np)
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([0, 1]), logits=logits)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    logp = logits_np - np.log(np.exp(logits_np).sum(1, keepdims=True))
    with tf.Session() as sess:
        l, sp = sess.run([loss, sparse])
    np.testing.assert_allclose(l, -(labels_np * logp).sum(1), rtol=1e-5)
    np.testing.assert_allclose(sp, -logp[[0, 1], [0, 1]], rtol=1e-5)
    assert tf.gradients(tf.reduce_sum(loss), [labels]) == [None]   # v1 stops the label gradient


def test_sigmoid_cross_entropy_is_stable_and_l2_loss_halves():
    x = tf.constant([-1000.0, 0.0, 3.0])
    z = tf.constant([0.0, 1.0, 1.0])
    ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    with tf.Session() as sess:
        got = sess.run(ce)
        assert sess.run(tf.nn.l2_loss(tf.constant([1.0, 2.0, 3.0]))) == 7.0
    np.testing.assert_allclose(got, [0.0, np.log(2.0), np.log1p(np.exp(-3.0))], rtol=1e-6)


def test_moments_and_batch_normalization():
    x_np = np.random.RandomState(1).randn(8, 4).astype(np.float32) * 3 + 1
    x = tf.constant(x_np)
    mean, var = tf.nn.moments(x, axes=[0])
    y = tf.nn.batch_normalization(x, mean, var, offset=tf.constant(0.5), scale=tf.constant(2.0),
                                  variance_epsilon=1e-3)
    with tf.Session() as sess:
        m, v, out = sess.run([mean, var, y])
    np.testing.assert_allclose(m, x_np.mean(0), rtol=1e-5)
    np.testing.assert_allclose(v, x_np.var(0), rtol=1e-5)
    np.testing.assert_allclose(out, 2.0 * (x_np - m) / np.sqrt(v + 1e-3) + 0.5, rtol=1e-4, atol=1e-5)


def test_dropout_keep_prob_placeholder_and_rate():
    x = tf.ones([1000])
    keep_prob = tf.placeholder(tf.float32)
    d = tf.nn.dropout(x, keep_prob)
    d_rate = tf.nn.dropout(x, rate=0.25)
    with tf.Session() as sess:
        train = sess.run(d, {keep_prob: 0.5})
        test = sess.run(d, {keep_prob: 1.0})
        r = sess.run(d_rate)
    assert set(np.unique(train)) <= {0.0, 2.0} and 400 < (train > 0).sum() < 600
    np.testing.assert_array_equal(test, np.ones(1000))
    assert set(np.unique(r)) <= {0.0, np.float32(1 / 0.75)}
    with pytest.raises(ValueError, match="keep_prob"):
        tf.nn.dropout(x, 0.0)


def test_embedding_lookup_gathers_rows_and_scatters_gradients():
    params = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
    ids = tf.placeholder(tf.int32, [None])
    emb = tf.nn.embedding_lookup(params, ids)
    (g,) = tf.gradients(tf.reduce_sum(emb), [params])
    with tf.Session() as sess:
        sess.run(params.initializer)
        e, gv = sess.run([emb, g], {ids: [3, 1, 3]})
    np.testing.assert_array_equal(e, [[9, 10, 11], [3, 4, 5], [9, 10, 11]])
    np.testing.assert_array_equal(gv[:, 0], [0, 1, 0, 2])


def test_lrn_matches_its_definition():
    a = np.random.RandomState(2).rand(1, 2, 2, 7).astype(np.float32)
    y = tf.nn.local_response_normalization(tf.constant(a), depth_radius=2, bias=1.0, alpha=0.5, beta=0.75)
    with tf.Session() as sess:
        got = sess.run(y)
    sq = np.pad(a ** 2, ((0, 0), (0, 0), (0, 0), (2, 2)))
    s = sum(sq[..., i:i + 7] for i in range(5))
    np.testing.assert_allclose(got, a / (1.0 + 0.5 * s) ** 0.75, rtol=1e-5)


def test_conv2d_transpose_is_the_input_gradient_of_conv2d():
    rng = np.random.RandomState(3)
    w_np = rng.randn(3, 3, 2, 4).astype(np.float32)       # conv: 2 -> 4 channels
    x = tf.placeholder(tf.float32, [2, 7, 7, 2])
    y = tf.nn.conv2d(x, tf.constant(w_np), [1, 2, 2, 1], 'SAME')
    gy_np = rng.randn(2, 4, 4, 4).astype(np.float32)
    (gx,) = tf.gradients(y, [x], grad_ys=[tf.constant(gy_np)])
    t = tf.nn.conv2d_transpose(tf.constant(gy_np), tf.constant(w_np), output_shape=[2, 7, 7, 2],
                               strides=[1, 2, 2, 1], padding='SAME')
    assert t.get_shape().as_list() == [2, 7, 7, 2]
    with tf.Session() as sess:
        a, b = sess.run([gx, t], {x: np.zeros((2, 7, 7, 2))})
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_activations_and_leaky_relu_default_alpha():
    x = tf.constant([-2.0, 0.5])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(tf.nn.leaky_relu(x)), [-0.4, 0.5])
        np.testing.assert_allclose(sess.run(tf.nn.relu6(tf.constant([-1.0, 7.0]))), [0.0, 6.0])
        np.testing.assert_allclose(sess.run(tf.nn.softmax(tf.constant([[0.0, np.log(3.0)]]))), [[0.25, 0.75]],
                                   rtol=1e-6)
        assert sess.run(tf.nn.in_top_k(tf.constant([[0.1, 0.9, 0.3]]), tf.constant([2]), 2))[0]


def test_relu_then_max_pool_runs_as_one_node_with_the_same_values_and_gradients():
    rng = np.random.RandomState(6)
    x = tf.constant(rng.randint(-2, 3, (2, 6, 6, 3)).astype(np.float32))  # ties and all-negative windows
    w = tf.Variable(rng.randn(3, 3, 3, 4).astype(np.float32))
    h = tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"))
    fused = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    assert fused.op.inputs[0] is not h  # reads the conv output; the ReLU runs inside the pool
    plain = tf.nn.max_pool(tf.identity(h), [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    assert plain.op.inputs[0].op.type == "Identity"
    up = tf.constant(rng.randn(2, 3, 3, 4).astype(np.float32))
    g_fused = tf.gradients(tf.reduce_sum(fused * up), [w])
    g_plain = tf.gradients(tf.reduce_sum(plain * up), [w])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, p, ga, gp = s.run([fused, plain, g_fused, g_plain])
    np.testing.assert_array_equal(a, p)
    np.testing.assert_allclose(ga[0], gp[0], rtol=1e-5, atol=1e-5)


def test_bias_add_after_conv2d_runs_fused_and_matches_a_plain_add():
    rng = np.random.RandomState(5)
    x = tf.constant(rng.randn(2, 5, 5, 3).astype(np.float32))
    w = tf.Variable(rng.randn(3, 3, 3, 4).astype(np.float32))
    b = tf.Variable(rng.randn(4).astype(np.float32))
    conv = tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')
    fused = tf.nn.bias_add(conv, b)
    plain = tf.add(conv, tf.reshape(b, [1, 1, 1, 4]))  # a 4-D bias broadcasts the same, unfused
    assert fused.op.type == "Conv2DBiasAdd" and plain.op.type == "Add"
    # conv + b and b + conv with a per-channel 1-D bias fuse too
    assert (conv + b).op.type == "Conv2DBiasAdd" and tf.add(b, conv).op.type == "Conv2DBiasAdd"
    g_fused = tf.gradients(tf.reduce_sum(tf.square(fused)), [w, b])
    g_plain = tf.gradients(tf.reduce_sum(tf.square(plain)), [w, b])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, p, ga, gp = s.run([fused, plain, g_fused, g_plain])
    np.testing.assert_allclose(a, p, rtol=1e-5, atol=1e-5)
    for u, v in zip(ga, gp):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-4)


def test_matmul_plus_bias_runs_as_one_linear_node_and_matches_a_plain_add():
    rng = np.random.RandomState(6)
    x = tf.placeholder(tf.float32, [None, 5])
    w = tf.Variable(rng.randn(5, 3).astype(np.float32))
    b = tf.Variable(rng.randn(3).astype(np.float32))
    fused = tf.matmul(x, w) + b
    plain = tf.add(tf.matmul(x, w), tf.reshape(b, [1, 3]))  # a 2-D bias broadcasts the same, unfused
    assert fused.op.type == "MatMulBiasAdd" and plain.op.type == "Add"
    assert fused.shape.as_list() == [None, 3]
    assert tf.add(b, tf.matmul(x, w)).op.type == "MatMulBiasAdd"
    assert tf.nn.bias_add(tf.matmul(x, w), b).op.type == "MatMulBiasAdd"
    assert tf.nn.xw_plus_b(x, w, b).op.type == "MatMulBiasAdd"
    up = rng.randn(4, 3).astype(np.float32)
    g_fused = tf.gradients(tf.reduce_sum(fused * up), [x, w, b])
    g_plain = tf.gradients(tf.reduce_sum(plain * up), [x, w, b])
    xv = rng.randn(4, 5).astype(np.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, p, ga, gp, wv, bv = s.run([fused, plain, g_fused, g_plain, w, b], {x: xv})
    np.testing.assert_allclose(a, xv @ wv + bv, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(a, p)
    np.testing.assert_allclose(ga[1], xv.T @ up, rtol=1e-5, atol=1e-5)    # dW = xᵀ gy
    np.testing.assert_allclose(ga[2], up.sum(axis=0), rtol=1e-5, atol=1e-5)
    for u, v in zip(ga, gp):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-5)


def test_matmul_plus_bias_fuses_only_2d_products_and_bad_biases_still_fail():
    x = tf.placeholder(tf.float32, [None, 5])
    w = tf.Variable(np.ones((5, 3), np.float32))
    b = tf.constant(np.ones(3, np.float32))
    batched = tf.matmul(tf.placeholder(tf.float32, [2, 4, 5]), w) + b   # 3-D: a plain add
    assert batched.op.type == "Add" and batched.shape.as_list() == [2, 4, 3]
    with pytest.raises(TypeError, match="dtype"):                        # as TF: no silent promotion
        tf.matmul(x, w) + tf.constant(np.ones(3, np.float64))
    with pytest.raises(ValueError, match="4 entries"):
        tf.nn.bias_add(tf.matmul(x, w), tf.constant(np.ones(4, np.float32)))


def test_conv2d_transpose_output_shape_from_a_concat_of_the_batch_size_and_constants():
    # TFLearn's and many GAN programs' way: tf.concat([tf.gather(tf.shape(x), [0]), [h, w, c]], 0)
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    w = tf.Variable(np.random.RandomState(0).randn(3, 3, 5, 3).astype(np.float32))
    out_shape = tf.concat([tf.gather(tf.shape(x), [0]), tf.constant([8, 8, 5])], 0)
    y = tf.nn.conv2d_transpose(x, w, out_shape, [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, 8, 8, 5]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(y, {x: np.ones((2, 4, 4, 3), np.float32)}).shape == (2, 8, 8, 5)
