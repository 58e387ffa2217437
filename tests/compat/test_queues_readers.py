"""TF 1.x queue-based input pipelines: queues, queue runners, Coordinator, producers, batching,
readers, decode_csv, read_file and the image decoders.

Expected values are worked out by hand: unshuffled pipelines give exact batches, epochs end in
OutOfRangeError after an exact number of batches, seeded shuffles are permutations that repeat
in a new session, and the PNGs are encoded in this file with zlib and every PNG filter type.
"""
import io
import struct
import threading
import zlib

import numpy as np
import pytest

import tensorflux.compat.v1 as tf


def _init(sess):
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])


def _run_to_end(sess, fetch, limit=1000):
    """Values of ``fetch`` until OutOfRangeError."""
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(fetch))
        except tf.errors.OutOfRangeError:
            return out
    raise AssertionError("the pipeline did not end")


# ------------------------------------------------------------------------- queues
def test_fifo_queue_order_many_up_to_size_close():
    q = tf.FIFOQueue(10, tf.int32, shapes=[[]])
    enq = q.enqueue_many([[1, 2, 3, 4, 5]])
    one, two, rest = q.dequeue(), q.dequeue_many(2), q.dequeue_up_to(10)
    assert one.shape.as_list() == [] and two.shape.as_list() == [2] and rest.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(q.size()) == 5
        assert sess.run(one) == 1
        assert sess.run(two).tolist() == [2, 3]
        sess.run(q.close())
        assert sess.run(q.is_closed())
        assert sess.run(rest).tolist() == [4, 5]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(one)
        with pytest.raises(tf.errors.CancelledError):
            sess.run(enq)


def test_dequeue_many_on_closed_queue_with_too_few_keeps_them():
    q = tf.FIFOQueue(10, [tf.float32, tf.string], shapes=[[2], []])
    enq = q.enqueue(([1.0, 2.0], "a"))
    many, up_to = q.dequeue_many(2), q.dequeue_up_to(2)
    with tf.Session() as sess:
        sess.run(enq)
        sess.run(q.close())
        with pytest.raises(tf.errors.OutOfRangeError, match="insufficient elements"):
            sess.run(many)
        x, s = sess.run(up_to)
        assert x.tolist() == [[1.0, 2.0]] and s.tolist() == [b"a"]


def test_queue_state_is_per_session_and_names_give_dicts():
    q = tf.queue.FIFOQueue(3, [tf.int32, tf.float32], shapes=[[], []], names=["a", "b"])
    enq = q.enqueue({"a": 7, "b": 0.5})
    out = q.dequeue()
    assert set(out) == {"a", "b"}
    with tf.Session() as s1, tf.Session() as s2:
        s1.run(enq)
        assert s1.run(out) == {"a": 7, "b": 0.5}
        assert s2.run(q.size()) == 0


def test_dequeue_without_producers_and_full_enqueue_raise_instead_of_hanging():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue(1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="block here forever"):
            sess.run(q.dequeue())
        sess.run(enq)
        sess.run(enq)
        with pytest.raises(tf.errors.FailedPreconditionError, match="is full"):
            sess.run(enq)


def test_enqueue_checks_types_and_shapes():
    q = tf.FIFOQueue(5, [tf.int32], shapes=[[2]])
    with pytest.raises(ValueError, match="not compatible"):
        q.enqueue(tf.constant([1, 2, 3]))
    with pytest.raises(ValueError, match="1 component"):
        q.enqueue((1, 2))
    ph = tf.placeholder(tf.int32, [None])
    enq = q.enqueue(ph)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected \[2\], got \[3\]"):
            sess.run(enq, {ph: [1, 2, 3]})


def test_dequeue_many_needs_shapes():
    q = tf.FIFOQueue(5, tf.int32)
    enq, dm = q.enqueue(1), q.dequeue_many(1)
    with tf.Session() as sess:
        sess.run(enq)
        with pytest.raises(tf.errors.InvalidArgumentError, match="specified shapes"):
            sess.run(dm)


def test_padding_fifo_queue_pads_to_longest():
    q = tf.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[[None], []])
    ph = tf.placeholder(tf.int32, [None])
    enq = q.enqueue((ph, "x"))
    out, names = q.dequeue_many(3)
    assert out.shape.as_list() == [3, None]
    with tf.Session() as sess:
        for v in ([1], [1, 2, 3], []):
            sess.run(enq, {ph: v})
        o, n = sess.run([out, names])
    assert o.tolist() == [[1, 0, 0], [1, 2, 3], [0, 0, 0]] and n.tolist() == [b"x"] * 3


def test_random_shuffle_queue_seeded_permutation_repeats_in_new_session():
    q = tf.RandomShuffleQueue(capacity=20, min_after_dequeue=0, dtypes=[tf.int32], shapes=[[]], seed=3)
    enq = q.enqueue_many([list(range(20))])
    out = q.dequeue_many(20)

    def draw():
        with tf.Session() as sess:
            sess.run(enq)
            return sess.run(out).tolist()
    a, b = draw(), draw()
    assert sorted(a) == list(range(20)) and a != list(range(20)) and a == b
    with pytest.raises(ValueError, match="min_after_dequeue"):
        tf.RandomShuffleQueue(10, 10, [tf.int32])


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    q = tf.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]], seed=1)
    enq = q.enqueue_many([[1, 2, 3, 4]])
    d = q.dequeue()
    with tf.Session() as sess:
        sess.run(enq)
        assert sess.run(d) in (1, 2, 3, 4)          # 4 > 3 left: one may go
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(d)                             # 3 left: TF would wait for more
        sess.run(q.close())
        rest = sorted(sess.run(d) for _ in range(3))
        assert len(rest) == 3 and sess.run(q.size()) == 0


# ------------------------------------------------------------------------- producers and batching
def _slice_batches(num_epochs=2, batch_size=3, smaller=False, shuffle=False, seed=None):
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    y = np.arange(10, dtype=np.int64)
    xs, ys = tf.train.slice_input_producer([x, y], num_epochs=num_epochs, shuffle=shuffle, seed=seed)
    return tf.train.batch([xs, ys], batch_size=batch_size, allow_smaller_final_batch=smaller)


def test_slice_input_producer_batch_exact_batches_then_out_of_range():
    xb, yb = _slice_batches()
    assert xb.shape.as_list() == [3, 2] and yb.shape.as_list() == [3]
    with tf.Session() as sess:
        _init(sess)
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        assert threads and all(t.is_alive() for t in threads)
        got = []
        try:
            while not coord.should_stop():
                got.append(sess.run([xb, yb]))
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads)
        assert not any(t.is_alive() for t in threads)
    labels = [b.tolist() for _, b in got]
    # 2 epochs of 10 rows = 20 rows -> 6 full batches of 3; the last 2 rows are never returned
    assert labels == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1], [2, 3, 4], [5, 6, 7]]
    np.testing.assert_array_equal(got[1][0], [[6, 7], [8, 9], [10, 11]])


def test_allow_smaller_final_batch_returns_the_rest():
    xb, yb = _slice_batches(smaller=True)
    assert yb.shape.as_list() == [None]
    with tf.Session() as sess:
        _init(sess)
        threads = tf.train.start_queue_runners(sess)
        got = _run_to_end(sess, yb)
    assert [len(b) for b in got] == [3, 3, 3, 3, 3, 3, 2] and got[-1].tolist() == [8, 9]
    assert threads


def test_seeded_shuffle_is_a_permutation_per_epoch_and_reproducible():
    def epochs():
        tf.reset_default_graph()
        _, yb = _slice_batches(num_epochs=3, batch_size=5, shuffle=True, seed=42)
        with tf.Session() as sess:
            _init(sess)
            tf.train.start_queue_runners(sess)
            return np.concatenate(_run_to_end(sess, yb)).tolist()
    a, b = epochs(), epochs()
    assert len(a) == 30 and a == b
    for e in range(3):
        assert sorted(a[10 * e:10 * e + 10]) == list(range(10))
    assert a[:10] != list(range(10)) and a[:10] != a[10:20]


def test_forgetting_start_queue_runners_is_a_clear_error():
    _, yb = _slice_batches()
    with tf.Session() as sess:
        _init(sess)
        with pytest.raises(tf.errors.FailedPreconditionError, match="start_queue_runners"):
            sess.run(yb)


def test_forgetting_local_variables_initializer_names_the_epoch_counter():
    _, yb = _slice_batches()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.start_queue_runners(sess)
        with pytest.raises(tf.errors.FailedPreconditionError, match="epochs"):
            sess.run(yb)


def test_range_and_input_producer_and_limit_epochs():
    q = tf.train.range_input_producer(4, num_epochs=1, shuffle=False)
    d = q.dequeue()
    v = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=2)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        assert _run_to_end(sess, d) == [0, 1, 2, 3]
        assert sess.run(v).tolist() == [1, 2] and sess.run(v).tolist() == [1, 2]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(v)
    q2 = tf.train.input_producer(tf.constant([[1, 2], [3, 4]]), num_epochs=1, shuffle=False)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        assert [r.tolist() for r in _run_to_end(sess, q2.dequeue())] == [[1, 2], [3, 4]]


def test_batch_structures_single_tensor_dict_and_enqueue_many():
    x = tf.train.limit_epochs(tf.constant([[1, 2], [3, 4], [5, 6]]), num_epochs=1)
    single = tf.train.batch([x], batch_size=2, enqueue_many=True, allow_smaller_final_batch=True)
    assert isinstance(single, tf.Tensor) and single.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        assert [b.tolist() for b in _run_to_end(sess, single)] == [[[1, 2], [3, 4]], [[5, 6]]]
    tf.reset_default_graph()
    d = tf.train.batch({"a": tf.constant(1), "b": tf.constant([2.0])}, batch_size=2)
    assert set(d) == {"a", "b"} and d["b"].shape.as_list() == [2, 1]
    with tf.Session() as sess:
        tf.train.start_queue_runners(sess)
        out = sess.run(d)
    assert out["a"].tolist() == [1, 1] and out["b"].tolist() == [[2.0], [2.0]]


def test_batch_needs_defined_shapes_or_dynamic_pad():
    ph = tf.placeholder(tf.int32, [None])
    with pytest.raises(ValueError, match="fully defined"):
        tf.train.batch([ph], 2)
    q = tf.FIFOQueue(10, tf.int32, shapes=[[]])
    n = q.dequeue()
    seq = tf.range(n)
    padded = tf.train.batch([seq], batch_size=3, dynamic_pad=True)
    enq = q.enqueue_many([[1, 3, 2]])
    with tf.Session() as sess:
        sess.run(enq)
        tf.train.start_queue_runners(sess)
        assert sess.run(padded).tolist() == [[0, 0, 0], [0, 1, 2], [0, 1, 0]]


def test_batch_join_and_shuffle_batch_join_use_every_source():
    a = tf.train.limit_epochs(tf.constant([1, 2, 3]), num_epochs=1)
    b = tf.train.limit_epochs(tf.constant([10, 20, 30]), num_epochs=1)
    out = tf.train.batch_join([[a], [b]], batch_size=2, enqueue_many=True, allow_smaller_final_batch=True)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = np.concatenate(_run_to_end(sess, out)).tolist()
    assert sorted(got) == [1, 2, 3, 10, 20, 30]
    tf.reset_default_graph()
    a = tf.train.limit_epochs(tf.constant([1, 2, 3]), num_epochs=2)
    b = tf.train.limit_epochs(tf.constant([10, 20, 30]), num_epochs=2)
    out = tf.train.shuffle_batch_join([[a], [b]], batch_size=4, capacity=8, min_after_dequeue=2, seed=5,
                                      enqueue_many=True, allow_smaller_final_batch=True)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = np.concatenate(_run_to_end(sess, out)).tolist()
    assert sorted(got) == sorted([1, 2, 3, 10, 20, 30] * 2)


# ------------------------------------------------------------------------- Coordinator, runners
def test_coordinator_stop_on_exception_and_join_reraises():
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise tf.errors.OutOfRangeError("end")      # a clean stop
    assert coord.should_stop()
    coord.join([])
    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise ValueError("boom")
    with pytest.raises(ValueError, match="boom"):
        coord.raise_requested_exception()
    with pytest.raises(ValueError, match="boom"):
        coord.join([])


def test_coordinator_joins_real_threads():
    coord = tf.train.Coordinator()
    seen = []

    def work():
        while not coord.should_stop():
            seen.append(1)
            coord.wait_for_stop(0.01)
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=5)
    assert not any(t.is_alive() for t in threads)


def test_request_stop_closes_runner_queues():
    q = tf.train.range_input_producer(5, shuffle=False)
    d = q.dequeue()
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert [sess.run(d) for _ in range(3)] == [0, 1, 2]
        coord.request_stop()
        coord.join(threads)
        assert [sess.run(d) for _ in range(2)] == [3, 4]   # what was already queued is still there
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(d)


def test_runner_error_goes_to_the_run_and_the_coordinator(tmp_path):
    fq = tf.train.string_input_producer([str(tmp_path / "missing.csv")])
    _, value = tf.TextLineReader().read(fq)
    b = tf.train.batch([value], 2)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(tf.errors.NotFoundError, match="missing.csv"):
            sess.run(b)
        assert coord.should_stop()
        with pytest.raises(tf.errors.NotFoundError):
            coord.join(threads)


def test_explicit_queue_runner_and_own_producer_thread():
    q = tf.FIFOQueue(4, tf.float32, shapes=[[]])
    counter = tf.Variable(0.0)
    enq = q.enqueue(tf.assign_add(counter, 1.0))
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enq]))
    d = q.dequeue_many(3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        assert sess.run(d).tolist() == [1.0, 2.0, 3.0]
        coord.request_stop()
        coord.join(threads)
    # a program's own thread feeding a placeholder into a queue
    tf.reset_default_graph()
    ph = tf.placeholder(tf.int32, [])
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq, d = q.enqueue(ph), q.dequeue()
    with tf.Session() as sess:
        def feed():
            for i in range(6):
                sess.run(enq, {ph: i})
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        got = [sess.run(d) for _ in range(6)]
        t.join(5)
    assert got == list(range(6))


# ------------------------------------------------------------------------- CSV
def test_text_line_reader_keys_values_and_header(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(b"x,y\n1,2\r\n3,4\n5,6")
    fq = tf.train.string_input_producer([str(p)], num_epochs=1, shuffle=False)
    key, value = tf.TextLineReader(skip_header_lines=1).read(fq)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = _run_to_end(sess, [key, value])
    assert got == [[f"{p}:2".encode(), b"1,2"], [f"{p}:3".encode(), b"3,4"], [f"{p}:4".encode(), b"5,6"]]


def test_read_up_to_and_counters(tmp_path):
    files = []
    for i in range(2):
        p = tmp_path / f"f{i}.txt"
        p.write_text("".join(f"{i}{j}\n" for j in range(3)))
        files.append(str(p))
    fq = tf.train.string_input_producer(files, num_epochs=1, shuffle=False)
    reader = tf.TextLineReader()
    keys, values = reader.read_up_to(fq, 4)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = [v.tolist() for _, v in _run_to_end(sess, [keys, values])]
        assert sess.run(reader.num_records_produced()) == 6
        assert sess.run(reader.num_work_units_completed()) == 2
    assert got == [[b"00", b"01", b"02", b"10"], [b"11", b"12"]]


def test_decode_csv_types_defaults_and_errors():
    rec = tf.placeholder(tf.string, [None])
    a, b, c, d = tf.decode_csv(rec, record_defaults=[[0.5], [7], tf.constant([], dtype=tf.int64), ["none"]])
    assert [t.dtype for t in (a, b, c, d)] == [tf.float32, tf.int32, tf.int64, tf.string]
    assert a.shape.as_list() == [None]
    with tf.Session() as sess:
        out = sess.run([a, b, c, d], {rec: ["1.5,2,3,x", ",,4,", '2,-1,5,"q,""z"""']})
        assert out[0].tolist() == [1.5, 0.5, 2.0] and out[1].tolist() == [2, 7, -1]
        assert out[2].tolist() == [3, 4, 5] and out[3].tolist() == [b"x", b"none", b'q,"z"']
        with pytest.raises(tf.errors.InvalidArgumentError, match="Field 2 is required but missing in record 0"):
            sess.run(c, {rec: ["1,2,,x"]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 4 fields but have 3 in record 1"):
            sess.run(c, {rec: ["1,2,3,x", "1,2,3"]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32: abc"):
            sess.run(b, {rec: ["1,abc,3,x"]})


def test_decode_csv_scalar_delim_na_value_and_select_cols():
    x, y = tf.decode_csv("1|NA|9", [[0], [-1.0]], field_delim="|", na_value="NA", select_cols=[0, 1])
    (z,) = tf.decode_csv(tf.constant("a;b"), [[""]], field_delim=";", select_cols=[1])
    with tf.Session() as sess:
        assert sess.run([x, y]) == [1, -1.0]
        assert sess.run(z) == b"b"


def test_csv_pipeline_trains_a_linear_model_with_shuffle_batch(tmp_path):
    rng = np.random.RandomState(0)
    xs = rng.uniform(-1, 1, size=(200, 2))
    ys = xs @ np.array([2.0, -3.0]) + 0.5
    for i in range(2):   # two files of 100 rows, with a header
        rows = "\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for (a, b), c in zip(xs[100 * i:100 * (i + 1)],
                                                                      ys[100 * i:100 * (i + 1)]))
        (tmp_path / f"part{i}.csv").write_text("x1,x2,y\n" + rows + "\n")
    tf.set_random_seed(1)
    files = tf.train.match_filenames_once(str(tmp_path / "part*.csv"))
    fq = tf.train.string_input_producer(files, seed=1)
    _, line = tf.TextLineReader(skip_header_lines=1).read(fq)
    x1, x2, y = tf.decode_csv(line, record_defaults=[[0.0], [0.0], [0.0]])
    features = tf.stack([x1, x2])
    xb, yb = tf.train.shuffle_batch([features, y], batch_size=20, capacity=120, min_after_dequeue=60, seed=2,
                                    num_threads=2)
    w = tf.Variable(tf.zeros([2, 1]))
    bias = tf.Variable(0.0)
    pred = tf.squeeze(tf.matmul(xb, w), 1) + bias
    loss = tf.reduce_mean(tf.square(pred - yb))
    train = tf.train.GradientDescentOptimizer(0.3).minimize(loss)
    losses = []
    with tf.Session() as sess:
        _init(sess)
        assert sorted(sess.run(files).tolist()) == [str(tmp_path / f"part{i}.csv").encode() for i in range(2)]
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        step = 0
        try:
            while not coord.should_stop():
                _, l = sess.run([train, loss])
                losses.append(l)
                step += 1
                if step == 300:
                    coord.request_stop()
        finally:
            coord.request_stop()
        coord.join(threads)
        w_val, b_val = sess.run([w, bias])
    assert losses[-1] < 1e-3 < losses[0]
    np.testing.assert_allclose(w_val.ravel(), [2.0, -3.0], atol=0.02)
    assert abs(b_val - 0.5) < 0.02


# ------------------------------------------------------------------------- binary records
def test_cifar_style_fixed_length_records_with_decode_raw(tmp_path):
    # record = 1 label byte + a 3x2x2 image stored channel-major (as CIFAR-10 stores 3x32x32)
    images = np.arange(4 * 12, dtype=np.uint8).reshape(4, 3, 2, 2)
    labels = np.array([3, 1, 4, 1], dtype=np.uint8)
    body = b"".join(bytes([l]) + im.tobytes() for l, im in zip(labels, images))
    path = tmp_path / "data_batch.bin"
    path.write_bytes(b"HEAD" + body + b"xyz" + b"FT")   # 4 header bytes, an incomplete record, 2 footer bytes
    fq = tf.train.string_input_producer([str(path)], num_epochs=1, shuffle=False)
    reader = tf.FixedLengthRecordReader(record_bytes=13, header_bytes=4, footer_bytes=2)
    key, value = reader.read(fq)
    raw = tf.decode_raw(value, tf.uint8)
    label = tf.cast(tf.slice(raw, [0], [1]), tf.int32)
    image = tf.transpose(tf.reshape(tf.slice(raw, [1], [12]), [3, 2, 2]), [1, 2, 0])
    img_b, lab_b = tf.train.batch([image, label], batch_size=2)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        assert sess.run(key) == f"{path}:0".encode()
        (i2, l2), = _run_to_end(sess, [img_b, lab_b])     # records 1, 2 (record 3 alone is no full batch)
    np.testing.assert_array_equal(i2, images[1:3].transpose(0, 2, 3, 1))
    assert l2.ravel().tolist() == [1, 4]


def test_tfrecord_reader_reads_records_with_offsets(tmp_path):
    from tensorflux.compat.v1.io_records import TFRecordWriter
    path = str(tmp_path / "r.tfrecord")
    with TFRecordWriter(path) as w:
        for rec in (b"alpha", b"", b"gamma!"):
            w.write(rec)
    fq = tf.train.string_input_producer([path], num_epochs=1, shuffle=False)
    key, value = tf.TFRecordReader().read(fq)
    with tf.Session() as sess:
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = _run_to_end(sess, [key, value])
    assert got == [[f"{path}:0".encode(), b"alpha"], [f"{path}:21".encode(), b""],
                   [f"{path}:37".encode(), b"gamma!"]]


# ------------------------------------------------------------------------- PNG
def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _encode_png(img, color_type, depth=8, palette=None, trns=None):
    """A PNG of ``img`` (h, w, samples), row y filtered with filter type y % 5."""
    h, w = img.shape[:2]
    if depth == 16:
        raw_rows = [img[y].astype(">u2").tobytes() for y in range(h)]
    else:
        raw_rows = [img[y].astype(np.uint8).tobytes() for y in range(h)]
    bpp = max(1, img.shape[2] * depth // 8)
    out, prev = b"", bytes(len(raw_rows[0]))
    for y, row in enumerate(raw_rows):
        ft = y % 5
        f = bytearray(len(row))
        for i in range(len(row)):
            a = row[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, prev[i], (a + prev[i]) // 2, _paeth(a, prev[i], c)][ft]
            f[i] = (row[i] - pred) & 255
        out += bytes([ft]) + bytes(f)
        prev = row

    def chunk(t, body):
        return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0))
    if palette is not None:
        png += chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        png += chunk(b"tRNS", bytes(trns))
    return png + chunk(b"IDAT", zlib.compress(out)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("color_type,samples", [(0, 1), (2, 3), (6, 4), (4, 2)])
def test_decode_png_all_filters(color_type, samples):
    rng = np.random.RandomState(color_type)
    img = rng.randint(0, 256, size=(10, 7, samples)).astype(np.uint8)
    data = _encode_png(img, color_type)
    out = tf.image.decode_png(data)
    assert out.dtype == tf.uint8 and out.shape.as_list() == [None, None, None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out), img)


def test_decode_png_channels_palette_and_16_bit():
    rgb = np.array([[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]], dtype=np.uint8)
    data = _encode_png(rgb, 2)
    gray = np.array([[[0], [128]], [[255], [7]]], dtype=np.uint8)
    pal = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    idx = np.array([[[0], [2]], [[1], [1]]], dtype=np.uint8)
    deep = np.array([[[0], [65535]], [[258], [4660]]], dtype=np.uint16)
    with tf.Session() as sess:
        rgba = sess.run(tf.image.decode_png(data, channels=4))
        np.testing.assert_array_equal(rgba[..., :3], rgb)
        assert (rgba[..., 3] == 255).all()
        g = sess.run(tf.image.decode_png(data, channels=1))
        assert g.shape == (2, 2, 1)
        assert g.ravel().tolist() == [76, 150, 29, round(0.299 * 10 + 0.587 * 20 + 0.114 * 30)]
        g3 = sess.run(tf.image.decode_png(_encode_png(gray, 0), channels=3))
        np.testing.assert_array_equal(g3, np.repeat(gray, 3, axis=2))
        p = sess.run(tf.image.decode_png(_encode_png(idx, 3, palette=pal)))
        np.testing.assert_array_equal(p, pal[idx[..., 0]])
        pa = sess.run(tf.image.decode_png(_encode_png(idx, 3, palette=pal, trns=[0, 128])))
        assert pa.shape == (2, 2, 4) and pa[..., 3].tolist() == [[0, 255], [128, 128]]
        d16 = _encode_png(deep, 0, depth=16)
        np.testing.assert_array_equal(sess.run(tf.image.decode_png(d16, dtype=tf.uint16)), deep)
        np.testing.assert_array_equal(sess.run(tf.image.decode_png(d16)), deep >> 8)
        with pytest.raises(tf.errors.InvalidArgumentError, match="not a PNG"):
            sess.run(tf.image.decode_png(b"GIF89a..."))


def test_read_file_and_whole_file_reader_decode_png(tmp_path):
    img = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3)
    paths = []
    for i in range(2):
        p = tmp_path / f"im{i}.png"
        p.write_bytes(_encode_png(img + i, 2))
        paths.append(str(p))
    name = tf.placeholder(tf.string, [])
    direct = tf.image.decode_png(tf.read_file(name), channels=3)
    assert direct.shape.as_list() == [None, None, 3]
    fq = tf.train.string_input_producer(paths, num_epochs=1, shuffle=False)
    key, contents = tf.WholeFileReader().read(fq)
    decoded = tf.image.decode_image(contents)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(direct, {name: paths[1]}), img + 1)
        np.testing.assert_array_equal(sess.run(tf.io.read_file(paths[0])), _encode_png(img, 2))
        with pytest.raises(tf.errors.NotFoundError):
            sess.run(direct, {name: str(tmp_path / "nope.png")})
        _init(sess)
        tf.train.start_queue_runners(sess)
        got = _run_to_end(sess, [key, decoded])
    assert [k for k, _ in got] == [p.encode() for p in paths]
    np.testing.assert_array_equal(got[1][1], img + 1)


def test_decode_jpeg_through_pillow_or_a_clear_error(monkeypatch):
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is None:
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="pip install pillow"):
                sess.run(tf.image.decode_jpeg(b"\xff\xd8\xff\xe0"))
        return
    img = np.zeros((8, 8, 3), dtype=np.uint8)
    img[:, :4] = [200, 50, 50]
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=95)
    with tf.Session() as sess:
        out = sess.run(tf.image.decode_jpeg(buf.getvalue(), channels=3))
        assert out.shape == (8, 8, 3) and np.abs(out.astype(int) - img).mean() < 6
        buf.seek(0)
        np.testing.assert_array_equal(out, np.asarray(Image.open(buf).convert("RGB")))
        also = sess.run(tf.image.decode_image(buf.getvalue()))
        np.testing.assert_array_equal(also, out)
    import builtins
    real_import = builtins.__import__

    def no_pil(name, *a, **k):
        if name.startswith("PIL"):
            raise ImportError(name)
        return real_import(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="pip install pillow"):
            sess.run(tf.image.decode_jpeg(buf.getvalue()))
