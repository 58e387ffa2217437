"""tf.data: sources, transformations, iterators and the session contract (one pull per run, OutOfRangeError).

Expected values are worked out by hand or taken from TF 1.x's API documentation examples.
"""
import math

import numpy as np
import pytest

import tensorflux.compat.v1 as tf

D = tf.data.Dataset


def _drain(ds, feed=None, initializable=False):
    """All elements of ``ds`` as sess.run returns them."""
    it = ds.make_initializable_iterator() if initializable else ds.make_one_shot_iterator()
    nxt = it.get_next()
    out = []
    with tf.Session() as sess:
        if initializable:
            sess.run(it.initializer, feed)
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                break
    return out


def _ints(values):
    return [int(v) for v in values]


# ------------------------------------------------------------------------- sources
def test_from_tensor_slices_tuple_types_shapes_and_values():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([0, 1, 0, 1], dtype=np.int64)
    ds = D.from_tensor_slices((x, y))
    assert ds.output_types == (tf.float32, tf.int64)
    assert ds.output_shapes[0].as_list() == [3] and ds.output_shapes[1].as_list() == []
    assert ds.output_classes == (tf.Tensor, tf.Tensor)
    got = _drain(ds)
    assert len(got) == 4
    for i, (a, b) in enumerate(got):
        np.testing.assert_array_equal(a, [3 * i, 3 * i + 1, 3 * i + 2])
        assert b == [0, 1, 0, 1][i]


def test_from_tensor_slices_dict_and_python_lists():
    ds = D.from_tensor_slices({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5]})
    assert ds.output_types == {"a": tf.int32, "b": tf.float32}  # TF's conversion of Python values
    got = _drain(ds)
    assert [int(e["a"]) for e in got] == [1, 2, 3]
    assert [float(e["b"]) for e in got] == [0.5, 1.5, 2.5]


def test_a_list_is_one_tensor_not_a_structure():
    got = _drain(D.from_tensor_slices([[1, 2], [3, 4], [5, 6]]))
    assert [g.tolist() for g in got] == [[1, 2], [3, 4], [5, 6]]


def test_from_tensors_is_one_element():
    got = _drain(D.from_tensors((np.array([1., 2.]), 7)))
    assert len(got) == 1
    np.testing.assert_array_equal(got[0][0], [1., 2.])
    assert got[0][1] == 7


def test_range_variants():
    assert _ints(_drain(D.range(4))) == [0, 1, 2, 3]
    assert _ints(_drain(D.range(2, 5))) == [2, 3, 4]
    assert _ints(_drain(D.range(1, 10, 4))) == [1, 5, 9]
    assert _ints(_drain(D.range(5, 1, -2))) == [5, 3]
    assert D.range(3).output_types == tf.int64


def test_from_generator_types_shapes_and_fresh_call_per_initialization():
    calls = []

    def gen():
        calls.append(1)
        for i in range(3):
            yield np.arange(i + 1), i * 10

    ds = D.from_generator(gen, (tf.int64, tf.int32), (tf.TensorShape([None]), tf.TensorShape([])))
    assert ds.output_types == (tf.int64, tf.int32)
    assert ds.output_shapes[0].as_list() == [None]
    it = ds.make_initializable_iterator()
    a, b = it.get_next()
    with tf.Session() as sess:
        for _ in range(2):
            sess.run(it.initializer)
            got = []
            while True:
                try:
                    got.append(sess.run((a, b)))
                except tf.errors.OutOfRangeError:
                    break
            assert [g[0].tolist() for g in got] == [[0], [0, 1], [0, 1, 2]]
            assert [int(g[1]) for g in got] == [0, 10, 20]
            assert got[0][1].dtype == np.int32
    assert len(calls) == 2


def test_from_generator_with_args_and_bad_elements():
    ds = D.from_generator(lambda n: iter(range(int(n))), tf.int64, tf.TensorShape([]), args=(3,))
    assert _ints(_drain(ds)) == [0, 1, 2]

    bad_shape = D.from_generator(lambda: iter([np.zeros(2), np.zeros(3)]), tf.float32, [2])
    nxt = bad_shape.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        sess.run(nxt)
        with pytest.raises(tf.errors.InvalidArgumentError, match="shape"):
            sess.run(nxt)

    bad_type = D.from_generator(lambda: iter([1.5]), tf.int64)
    nxt = bad_type.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="int64"):
            sess.run(nxt)


def test_text_line_dataset(tmp_path):
    p1, p2 = tmp_path / "a.txt", tmp_path / "b.txt"
    p1.write_bytes(b"first\nsecond\r\n")
    p2.write_bytes(b"third")
    ds = tf.data.TextLineDataset([str(p1), str(p2)])
    assert ds.output_types == tf.string
    assert _drain(ds) == [b"first", b"second", b"third"]


# ------------------------------------------------------------------------- transformations
def test_batch_remainder_and_static_shapes():
    ds = D.range(7).batch(3)
    assert ds.output_shapes.as_list() == [None]
    assert [g.tolist() for g in _drain(ds)] == [[0, 1, 2], [3, 4, 5], [6]]
    dropped = D.range(7).batch(3, drop_remainder=True)
    assert dropped.output_shapes.as_list() == [3]
    assert [g.tolist() for g in _drain(dropped)] == [[0, 1, 2], [3, 4, 5]]


def test_batch_of_different_shapes_is_an_error():
    ds = D.range(1, 3).map(lambda x: tf.fill(tf.reshape(tf.cast(x, tf.int32), [1]), x)).batch(2)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="different shapes"):
            sess.run(nxt)


def test_padded_batch_doc_example():
    # TF docs: range(1, 5).map(fill([x], x)).padded_batch(2, [None]) -> [[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]
    ds = D.range(1, 5).map(lambda x: tf.fill(tf.reshape(tf.cast(x, tf.int32), [1]), x))
    got = _drain(ds.padded_batch(2, padded_shapes=[None]))
    assert [g.tolist() for g in got] == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    fixed = _drain(ds.padded_batch(4, padded_shapes=[5], padding_values=tf.constant(-1, tf.int64)))
    assert fixed[0].tolist()[2] == [3, 3, 3, -1, -1]


def test_unbatch_and_shard():
    assert _ints(_drain(D.range(5).batch(2).unbatch())) == [0, 1, 2, 3, 4]
    assert _ints(_drain(D.range(10).shard(3, 1))) == [1, 4, 7]


def test_repeat_take_skip():
    assert _ints(_drain(D.range(3).repeat(2))) == [0, 1, 2, 0, 1, 2]
    assert _ints(_drain(D.range(3).repeat().take(7))) == [0, 1, 2, 0, 1, 2, 0]
    assert _ints(_drain(D.range(0).repeat())) == []  # an empty dataset repeated stays empty
    assert _ints(_drain(D.range(5).skip(2).take(2))) == [2, 3]
    assert _ints(_drain(D.range(3).take(-1))) == [0, 1, 2]
    assert _ints(_drain(D.range(3).skip(-1))) == []
    assert _ints(_drain(D.range(3).prefetch(1))) == [0, 1, 2]


def test_shuffle_is_a_permutation_and_buffer_one_keeps_order():
    got = _ints(_drain(D.range(50).shuffle(50)))
    assert sorted(got) == list(range(50)) and got != list(range(50))
    assert _ints(_drain(D.range(10).shuffle(1))) == list(range(10))


def test_shuffle_buffer_semantics():
    # with a buffer of 2 the first output is one of the first two inputs, and element k can
    # never come out before position k - 1
    for seed in range(5):
        got = _ints(_drain(D.range(10).shuffle(2, seed=seed)))
        assert got[0] in (0, 1)
        assert all(pos >= v - 1 for pos, v in enumerate(got))


def test_shuffle_seed_and_reshuffle_each_iteration():
    seeded = _ints(_drain(D.range(20).shuffle(20, seed=3)))
    assert seeded == _ints(_drain(D.range(20).shuffle(20, seed=3)))  # reproducible across sessions
    epochs = _ints(_drain(D.range(20).shuffle(20, seed=3).repeat(2)))
    assert epochs[:20] == seeded and sorted(epochs[20:]) == list(range(20)) and epochs[20:] != seeded
    same = _ints(_drain(D.range(20).shuffle(20, seed=3, reshuffle_each_iteration=False).repeat(2)))
    assert same[:20] == same[20:]


def test_unseeded_shuffle_differs_between_initializations():
    it = D.range(20).shuffle(20).make_initializable_iterator()
    nxt = it.get_next()
    orders = []
    with tf.Session() as sess:
        for _ in range(2):
            sess.run(it.initializer)
            orders.append([int(sess.run(nxt)) for _ in range(20)])
    assert sorted(orders[0]) == sorted(orders[1]) == list(range(20))
    assert orders[0] != orders[1]


def test_map_typical_program_lambda():
    x = np.array([[0., 255.], [51., 102.]], dtype=np.float32)
    y = np.array([1, 0], dtype=np.int64)
    ds = D.from_tensor_slices((x, y)).map(lambda a, b: (a / 255.0, tf.one_hot(b, 2)))
    assert ds.output_types == (tf.float32, tf.float32)
    assert ds.output_shapes[0].as_list() == [2] and ds.output_shapes[1].as_list() == [2]
    got = _drain(ds)
    np.testing.assert_allclose(got[0][0], [0., 1.])
    np.testing.assert_allclose(got[1][0], [0.2, 0.4], rtol=1e-6)
    np.testing.assert_array_equal(got[0][1], [0., 1.])
    np.testing.assert_array_equal(got[1][1], [1., 0.])


def test_map_single_component_dict_and_list_result():
    assert _ints(_drain(D.range(3).map(lambda x: x * x))) == [0, 1, 4]
    got = _drain(D.range(2).map(lambda x: {"double": 2 * x, "neg": -x}))
    assert [(int(g["double"]), int(g["neg"])) for g in got] == [(0, 0), (2, -1)]
    ds = D.range(2).map(lambda x: [x, x + 1])  # TF 1.x: a returned list is a tuple of components
    assert ds.output_types == (tf.int64, tf.int64)


def test_map_reads_an_outer_placeholder_fed_at_initialization_and_a_variable():
    scale = tf.placeholder(tf.float32, [])
    w = tf.Variable(3.0)
    ds = D.range(3).map(lambda x: tf.cast(x, tf.float32) * scale + w)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(it.initializer, {scale: 10.0})
        assert float(sess.run(nxt)) == 3.0
        sess.run(w.assign(100.0))  # the function reads the session's current variable value
        assert float(sess.run(nxt)) == 110.0
    with pytest.raises(ValueError, match="placeholder"):
        ds.make_one_shot_iterator()


def test_filter_flat_map_interleave_zip_concatenate():
    assert _ints(_drain(D.range(7).filter(lambda x: tf.equal(x % 3, 0)))) == [0, 3, 6]
    # TF docs: flat_map over rows, each row + 1 sliced
    rows = D.from_tensor_slices(np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))
    assert _ints(_drain(rows.flat_map(lambda r: D.from_tensor_slices(r + 1)))) == list(range(2, 11))
    # TF docs: interleave with cycle_length=2, block_length=4
    inter = D.range(1, 6).interleave(lambda x: D.from_tensors(x).repeat(6), cycle_length=2, block_length=4)
    assert _ints(_drain(inter)) == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4,
                                    5, 5, 5, 5, 5, 5]
    zipped = _drain(D.zip((D.range(1, 4), D.range(4, 7))))
    assert [(int(a), int(b)) for a, b in zipped] == [(1, 4), (2, 5), (3, 6)]
    nested = D.zip((D.range(2), D.zip((D.range(5, 7), D.range(8, 10)))))
    assert nested.output_types == (tf.int64, (tf.int64, tf.int64))
    assert [(int(a), int(b), int(c)) for a, (b, c) in _drain(nested)] == [(0, 5, 8), (1, 6, 9)]
    assert _ints(_drain(D.range(1, 4).concatenate(D.range(4, 8)))) == [1, 2, 3, 4, 5, 6, 7]


def test_cache_replays_without_rerunning_the_source():
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)

    ds = D.from_generator(gen, tf.int64, []).cache().repeat(3)
    assert _ints(_drain(ds)) == [0, 1, 2] * 3
    assert len(calls) == 1


def test_apply_and_experimental_transformations():
    got = _drain(D.range(5).apply(tf.data.experimental.map_and_batch(lambda x: x + 1, 2)))
    assert [g.tolist() for g in got] == [[1, 2], [3, 4], [5]]
    got = _ints(_drain(D.range(4).apply(tf.data.experimental.shuffle_and_repeat(4, count=2, seed=1))))
    assert sorted(got[:4]) == sorted(got[4:]) == [0, 1, 2, 3]
    assert tf.data.experimental.AUTOTUNE == -1


# ------------------------------------------------------------------------- iterators
def test_one_pull_per_run_shared_by_every_output():
    ds = D.from_tensor_slices((np.arange(5), np.arange(5) * 10))
    a, b = ds.make_one_shot_iterator().get_next()
    c = a * 100 + b  # a computed tensor of the same element
    with tf.Session() as sess:
        va, vb, vc = sess.run([a, b, c])
        assert (va, vb, vc) == (0, 0, 0)
        va, vb, vc = sess.run([a, b, c])
        assert (va, vb, vc) == (1, 10, 110)
        assert sess.run(b) == 20  # a run fetching one output pulls too
        assert sess.run(c) == 330
        assert sess.run(a) == 4
        for _ in range(2):  # past the end it keeps raising
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run([a, b])


def test_out_of_range_error_is_an_op_error_and_uninitialized_is_failed_precondition():
    it = D.range(1).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer)
        assert sess.run(nxt) == 0
        with pytest.raises(tf.errors.OpError):
            sess.run(nxt)
        sess.run(it.initializer)  # re-initialization restarts
        assert sess.run(nxt) == 0


def test_sessions_iterate_independently():
    nxt = D.range(3).make_one_shot_iterator().get_next()
    s1, s2 = tf.Session(), tf.Session()
    assert [int(s1.run(nxt)), int(s1.run(nxt))] == [0, 1]
    assert int(s2.run(nxt)) == 0
    assert int(s1.run(nxt)) == 2
    s1.close()
    s2.close()


def test_initializable_iterator_with_fed_data_and_batch_size():
    features = tf.placeholder(tf.float32, [None, 2])
    labels = tf.placeholder(tf.int64, [None])
    batch_size = tf.placeholder(tf.int64, [])
    ds = D.from_tensor_slices((features, labels)).batch(batch_size)
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    assert x.shape.as_list() == [None, 2] and y.shape.as_list() == [None]
    data = np.arange(10, dtype=np.float32).reshape(5, 2)
    with tf.Session() as sess:
        sess.run(it.initializer, {features: data, labels: np.arange(5), batch_size: 2})
        assert sess.run(y).tolist() == [0, 1]
        sess.run(it.initializer, {features: data[:3], labels: np.arange(3), batch_size: 3})
        xv, yv = sess.run([x, y])
        np.testing.assert_array_equal(xv, data[:3])
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(x)


def test_reinitializable_iterator_from_structure():
    train = D.range(10, 13)
    val = D.range(100, 102)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    nxt = it.get_next()
    train_init, val_init = it.make_initializer(train), it.make_initializer(val)
    assert it.output_types == tf.int64
    with tf.Session() as sess:
        sess.run(train_init)
        assert int(sess.run(nxt)) == 10
        sess.run(val_init)
        assert [int(sess.run(nxt)), int(sess.run(nxt))] == [100, 101]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)
    with pytest.raises(TypeError, match="output types"):
        it.make_initializer(D.from_tensors(1.0))
    with pytest.raises(ValueError, match="initializer"):
        it.initializer  # noqa: B018


def test_feedable_iterator_from_string_handle():
    handle = tf.placeholder(tf.string, [])
    train = D.range(3).repeat()
    val = D.range(50, 52)
    it = tf.data.Iterator.from_string_handle(handle, train.output_types, train.output_shapes)
    nxt = it.get_next()
    train_it = train.make_one_shot_iterator()
    val_it = val.make_initializable_iterator()
    with tf.Session() as sess:
        th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
        assert isinstance(th, bytes) and th != vh
        assert [int(sess.run(nxt, {handle: th})) for _ in range(4)] == [0, 1, 2, 0]
        sess.run(val_it.initializer)
        assert int(sess.run(nxt, {handle: vh})) == 50
        assert int(sess.run(nxt, {handle: th})) == 1  # the train iterator kept its place


def test_module_level_iterator_functions_and_tf_compat_v1():
    ds = D.range(2)
    assert _ints([tf.Session().run(tf.compat.v1.data.make_one_shot_iterator(ds).get_next())]) == [0]
    it = tf.data.make_initializable_iterator(ds)
    assert tf.data.get_output_types(it) == tf.int64
    assert tf.data.get_output_shapes(ds).as_list() == []


# ------------------------------------------------------------------------- errors
def test_build_time_errors_are_clear():
    with pytest.raises(ValueError, match="first dimension"):
        D.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="scalar"):
        D.from_tensor_slices(np.float32(1.0))
    with pytest.raises(ValueError, match="batch_size"):
        D.range(3).batch(0)
    with pytest.raises(TypeError, match="None"):
        D.range(3).map(lambda x: None)
    with pytest.raises(ValueError, match="scalar boolean"):
        D.range(3).filter(lambda x: x)
    with pytest.raises(TypeError, match="different types"):
        D.range(3).concatenate(D.from_tensors(1.0))
    with pytest.raises(TypeError, match="Dataset"):
        D.range(3).flat_map(lambda x: x)
    with pytest.raises(RuntimeError, match="eager"):
        iter(D.range(3))
    with pytest.raises(ValueError, match="TFRecordDataset: compression_type"):
        tf.data.TFRecordDataset("x.tfrecord", compression_type="BZ2")


def test_repr_names_shapes_and_types():
    ds = D.from_tensor_slices((np.zeros((4, 784), np.float32), np.zeros(4, np.int64))).batch(2)
    assert repr(ds) == "<DatasetV1Adapter shapes: ((?, 784), (?,)), types: (tf.float32, tf.int64)>"


# ------------------------------------------------------------------------- end-to-end programs
def test_logistic_regression_from_an_initializable_iterator_over_two_epochs():
    rng = np.random.default_rng(0)
    n, batch = 200, 32
    x_np = rng.normal(size=(n, 2)).astype(np.float32)
    y_np = (x_np @ np.array([2.0, -3.0]) + 0.5 > 0).astype(np.float32).reshape(-1, 1)

    x_ph = tf.placeholder(tf.float32, [None, 2])
    y_ph = tf.placeholder(tf.float32, [None, 1])
    dataset = tf.data.Dataset.from_tensor_slices((x_ph, y_ph)).shuffle(buffer_size=100).batch(batch)
    iterator = dataset.make_initializable_iterator()
    xb, yb = iterator.get_next()
    W = tf.Variable(tf.zeros([2, 1]))
    b = tf.Variable(tf.zeros([1]))
    logits = tf.matmul(xb, W) + b
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=yb, logits=logits))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    epoch_losses, batches = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run(iterator.initializer, feed_dict={x_ph: x_np, y_ph: y_np})
            losses = []
            while True:
                try:
                    _, l = sess.run([train_op, loss])
                    losses.append(l)
                except tf.errors.OutOfRangeError:
                    break
            batches.append(len(losses))
            epoch_losses.append(float(np.mean(losses)))
        w = sess.run(W)
    assert batches == [math.ceil(n / batch)] * 2
    assert epoch_losses[0] < math.log(2) and epoch_losses[1] < epoch_losses[0]
    assert w[0, 0] > 0 > w[1, 0]  # the direction of the true boundary


def test_one_shot_repeat_shuffle_batch_training_loop_for_fixed_steps():
    rng = np.random.default_rng(1)
    x_np = rng.uniform(-1, 1, size=(64, 1)).astype(np.float32)
    y_np = 3.0 * x_np - 1.0
    ds = tf.data.Dataset.from_tensor_slices((x_np, y_np)).repeat().shuffle(64, seed=0).batch(16)
    xb, yb = ds.make_one_shot_iterator().get_next()
    w = tf.Variable(0.0)
    c = tf.Variable(0.0)
    loss = tf.reduce_mean(tf.square(w * xb + c - yb))
    train = tf.train.GradientDescentOptimizer(0.3).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(train)
        wv, cv = sess.run([w, c])
    assert abs(wv - 3.0) < 1e-2 and abs(cv + 1.0) < 1e-2
