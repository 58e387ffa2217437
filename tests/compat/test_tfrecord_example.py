"""TFRecord files, tf.train.Example protos, parse ops and decode_raw (compat.v1).

Known answers are worked out independently of the implementation: CRC32C values from RFC 3720
(B.4) and a bit-by-bit reference CRC written here, record framing packed with ``struct``, and
Example bytes composed by hand from the protobuf wire format.
"""
import gzip
import struct
import zlib

import numpy as np
import pytest

import tensorflux.compat.v1 as tf
from tensorflux.compat.v1 import io_records as R
from tensorflux.compat.v1.example_pb import DecodeError


# ----------------------------------------------------------------------------- CRC32C
def _crc32c_bitwise(data):
    """Reference CRC32C: one bit at a time, reflected polynomial 0x82F63B78, init/final 0xFFFFFFFF."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def _mask(crc):
    rot = ((crc >> 15) | (crc << 17)) & 0xFFFFFFFF
    return (rot + 0xA282EAD8) & 0xFFFFFFFF


@pytest.mark.parametrize("data, want", [
    (b"123456789", 0xE3069283),
    (bytes(32), 0x8A9136AA),                      # RFC 3720 B.4: 32 bytes of zeros
    (b"\xff" * 32, 0x62A8AB43),                   # 32 bytes of ones
    (bytes(range(32)), 0x46DD794E),               # incrementing 00..1f
    (bytes(range(31, -1, -1)), 0x113FDB5C),       # decrementing 1f..00
    (b"", 0x00000000),
])
def test_crc32c_known_answers(data, want):
    assert R.crc32c(data) == want
    assert R.crc32c_many([data]) == [want]


def test_crc32c_matches_bitwise_reference_for_all_paths():
    rng = np.random.RandomState(1)
    lengths = [0, 1, 2, 3, 4, 5, 8, 63, 64, 65, 100, 1000, 4095, 4096, 4097, 20000]
    msgs = [rng.randint(0, 256, n).astype(np.uint8).tobytes() for n in lengths]
    want = [_crc32c_bitwise(m) for m in msgs]
    assert [R.crc32c(m) for m in msgs] == want            # short: table loop; >= 4096: lanes
    assert R.crc32c_many(msgs) == want                     # grouped and vectorised
    many = [rng.randint(0, 256, rng.randint(4, 300)).astype(np.uint8).tobytes() for _ in range(200)]
    assert R.crc32c_many(many) == [_crc32c_bitwise(m) for m in many]


def test_mask_and_unmask():
    for crc in (0, 1, 0xE3069283, 0xFFFFFFFF):
        assert R._mask(crc) == _mask(crc)
        assert R.unmask_crc32c(_mask(crc)) == crc
    assert R.masked_crc32c(b"123456789") == _mask(0xE3069283)


# ----------------------------------------------------------------------------- framing, writer, reader
def _frame(data):
    """One record framed by hand from the format's description."""
    head = struct.pack("<Q", len(data))
    head_crc = struct.pack("<I", _mask(_crc32c_bitwise(head)))
    return head + head_crc + data + struct.pack("<I", _mask(_crc32c_bitwise(data)))


def test_writer_writes_the_documented_framing(tmp_path):
    path = str(tmp_path / "a.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        w.write(b"hello")
        w.write(b"")
        w.write("héllo")                                # str: UTF-8
    raw = open(path, "rb").read()
    assert raw == _frame(b"hello") + _frame(b"") + _frame("héllo".encode())
    assert raw[:8] == b"\x05" + bytes(7)
    assert list(tf.python_io.tf_record_iterator(path)) == [b"hello", b"", "héllo".encode()]
    assert list(R.iter_tfrecords(path)) == [b"hello", b"", "héllo".encode()]


def test_reader_reads_hand_framed_file(tmp_path):
    path = tmp_path / "h.tfrecord"
    recs = [b"x" * n for n in (0, 1, 7, 5000)]
    path.write_bytes(b"".join(_frame(r) for r in recs))
    assert list(R.iter_tfrecords(str(path))) == recs


@pytest.mark.parametrize("comp, opener", [("GZIP", gzip.decompress), ("ZLIB", zlib.decompress)])
def test_compressed_round_trip(tmp_path, comp, opener):
    path = str(tmp_path / "c.tfrecord")
    recs = [np.arange(n, dtype=np.int32).tobytes() for n in range(50)]
    options = tf.python_io.TFRecordOptions(getattr(tf.python_io.TFRecordCompressionType, comp))
    with tf.io.TFRecordWriter(path, options=options) as w:
        for r in recs:
            w.write(r)
    raw = open(path, "rb").read()
    assert opener(raw) == b"".join(_frame(r) for r in recs)            # the whole file is compressed
    assert list(tf.python_io.tf_record_iterator(path, options=options)) == recs
    assert list(R.iter_tfrecords(path, comp)) == recs
    assert tf.python_io.TFRecordOptions.get_compression_type_string(options) == comp


def test_writer_buffers_until_flush(tmp_path):
    path = str(tmp_path / "f.tfrecord")
    w = tf.python_io.TFRecordWriter(path)
    w.write(b"abc")
    w.flush()
    assert list(R.iter_tfrecords(path)) == [b"abc"]
    w.write(b"def")
    w.close()
    w.close()                                           # twice is fine
    assert list(R.iter_tfrecords(path)) == [b"abc", b"def"]
    with pytest.raises(ValueError, match="after close"):
        w.write(b"x")
    with pytest.raises(TypeError, match="must be bytes"):
        tf.python_io.TFRecordWriter(str(tmp_path / "g")).write(3)


def _write(path, recs):
    with tf.python_io.TFRecordWriter(str(path)) as w:
        for r in recs:
            w.write(r)


def test_corrupted_data_byte_raises_naming_file_and_index(tmp_path):
    path = tmp_path / "bad.tfrecord"
    _write(path, [b"first", b"second", b"third"])
    raw = bytearray(path.read_bytes())
    raw[len(_frame(b"first")) + 12 + 2] ^= 0x01           # a byte inside record 1's data
    path.write_bytes(bytes(raw))
    with pytest.raises(tf.errors.DataLossError, match=r"bad\.tfrecord.*record at index 1.*data's CRC"):
        list(R.iter_tfrecords(str(path)))


def test_corrupted_length_and_truncation_raise(tmp_path):
    path = tmp_path / "len.tfrecord"
    _write(path, [b"first", b"second"])
    raw = bytearray(path.read_bytes())
    raw[len(_frame(b"first"))] ^= 0x40                    # record 1's length
    path.write_bytes(bytes(raw))
    with pytest.raises(tf.errors.DataLossError, match="index 1.*length's CRC"):
        list(R.iter_tfrecords(str(path)))
    _write(path, [b"first", b"second"])
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(tf.errors.DataLossError, match="truncated record at index 1"):
        list(R.iter_tfrecords(str(path)))
    with pytest.raises(tf.errors.NotFoundError):
        list(R.iter_tfrecords(str(tmp_path / "missing")))
    with pytest.raises(ValueError, match="compression_type"):
        list(R.iter_tfrecords(str(path), "BZ2"))


# ----------------------------------------------------------------------------- Example protos
def test_example_bytes_by_hand():
    ex = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[1]))}))
    # Int64List{1: packed [1]} = 0a 01 01; Feature{3: ...} = 1a 03 ...; entry{1:"x", 2: feature} =
    # 0a 01 78 12 05 ...; Features{1: entry} = 0a 0a ...; Example{1: features} = 0a 0c ...
    want = bytes.fromhex("0a0c" "0a0a" "0a0178" "1205" "1a03" "0a0101")
    assert ex.SerializeToString() == want
    assert ex.ByteSize() == 14
    back = tf.train.Example.FromString(want)
    assert back == ex
    assert back.features.feature["x"].int64_list.value == [1]
    assert back.features.feature["x"].WhichOneof("kind") == "int64_list"


def test_feature_lists_by_hand():
    f = tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, -2.0]))
    assert f.SerializeToString() == bytes.fromhex("120a" "0a08" "0000803f" "000000c0")
    b = tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"ab", b""]))
    assert b.SerializeToString() == bytes.fromhex("0a06" "0a026162" "0a00")
    i = tf.train.Feature(int64_list=tf.train.Int64List(value=[300, -1]))
    assert i.SerializeToString() == bytes.fromhex("1a0e" "0a0c" "ac02" "ffffffffffffffffff01")
    assert tf.train.Feature.FromString(i.SerializeToString()).int64_list.value == [300, -1]
    assert tf.train.Feature().SerializeToString() == b""


def test_unpacked_numbers_and_unknown_fields_are_read():
    assert tf.train.Int64List.FromString(bytes.fromhex("0801" "0802" "0a020304")).value == [1, 2, 3, 4]
    assert tf.train.FloatList.FromString(bytes.fromhex("0d0000803f")).value == [1.0]
    # field 7 (varint) and field 9 (length-delimited) are not Example's: skipped
    ex = tf.train.Example.FromString(bytes.fromhex("3801" "4a026869") + tf.train.Example().SerializeToString())
    assert ex == tf.train.Example()
    with pytest.raises(DecodeError):
        tf.train.Example.FromString(b"\x0a\x05\x0a")      # length past the end


def test_example_python_api():
    ex = tf.train.Example()
    ex.features.feature["label"].int64_list.value.append(3)
    ex.features.feature["img"].float_list.value.extend(np.array([0.1, 0.5], dtype=np.float64))
    assert ex.features.feature["img"].float_list.value == [float(np.float32(0.1)), 0.5]   # float32 storage
    assert sorted(ex.features.feature) == ["img", "label"]
    assert "label" in ex.features.feature
    copy = tf.train.Example()
    copy.ParseFromString(ex.SerializeToString())
    assert copy == ex and copy.HasField("features")
    assert 'key: "label"' in str(copy) and "value: 3" in str(copy)
    with pytest.raises(TypeError, match="has type str, but expected one of: bytes"):
        tf.train.BytesList(value=["text"])
    with pytest.raises(TypeError, match="expected one of: int"):
        tf.train.Int64List(value=[1.5])
    with pytest.raises(ValueError, match='no "feature" field'):
        tf.train.Example(feature={})
    with pytest.raises(AttributeError, match="Assignment not allowed"):
        ex.features = tf.train.Features()
    f = tf.train.Feature(int64_list=tf.train.Int64List(value=[1]))
    f.float_list.CopyFrom(tf.train.FloatList(value=[2.0]))
    assert f.WhichOneof("kind") == "float_list"


def test_sequence_example_round_trip():
    seq = tf.train.SequenceExample(
        context=tf.train.Features(feature={"len": tf.train.Feature(int64_list=tf.train.Int64List(value=[2]))}),
        feature_lists=tf.train.FeatureLists(feature_list={"tok": tf.train.FeatureList(feature=[
            tf.train.Feature(int64_list=tf.train.Int64List(value=[5])),
            tf.train.Feature(int64_list=tf.train.Int64List(value=[6]))])}))
    back = tf.train.SequenceExample.FromString(seq.SerializeToString())
    assert back == seq
    assert [f.int64_list.value[0] for f in back.feature_lists.feature_list["tok"].feature] == [5, 6]


# ----------------------------------------------------------------------------- parse ops, decode_raw
def _example(**feats):
    def feature(v):
        if isinstance(v, bytes):
            return tf.train.Feature(bytes_list=tf.train.BytesList(value=[v]))
        v = np.asarray(v)
        if v.dtype.kind == "f":
            return tf.train.Feature(float_list=tf.train.FloatList(value=v.ravel()))
        return tf.train.Feature(int64_list=tf.train.Int64List(value=v.ravel()))
    return tf.train.Example(features=tf.train.Features(
        feature={k: feature(v) for k, v in feats.items()})).SerializeToString()


def test_parse_single_example_fixed_features():
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(s, {
        "label": tf.FixedLenFeature([], tf.int64),
        "xy": tf.FixedLenFeature([2], tf.float32),
        "raw": tf.FixedLenFeature([], tf.string),
        "missing": tf.FixedLenFeature([2], tf.int64, default_value=[7, 8])})
    assert out["label"].dtype == tf.int64 and out["label"].shape.as_list() == []
    assert out["xy"].shape.as_list() == [2] and out["raw"].dtype == tf.string
    with tf.Session() as sess:
        got = sess.run(out, {s: _example(label=[4], xy=[1.5, -2.0], raw=b"\x01\x02")})
    assert got["label"] == 4 and got["label"].dtype == np.int64
    np.testing.assert_array_equal(got["xy"], np.array([1.5, -2.0], np.float32))
    assert got["raw"] == b"\x01\x02"
    np.testing.assert_array_equal(got["missing"], [7, 8])


def test_parse_errors_are_clear():
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(s, {"label": tf.FixedLenFeature([], tf.int64)})
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="'label'.*required but could not be found"):
            sess.run(out, {s: _example(other=[1])})
        with pytest.raises(tf.errors.InvalidArgumentError, match="data types don't match.*float.*int64"):
            sess.run(out, {s: _example(label=[1.0])})
        with pytest.raises(tf.errors.InvalidArgumentError, match="got 2 values, shape \\[\\] needs 1"):
            sess.run(out, {s: _example(label=[1, 2])})
        with pytest.raises(tf.errors.InvalidArgumentError, match="could not parse"):
            sess.run(out, {s: b"\x0a\x09garbage"})
    with pytest.raises(ValueError, match="dtype int32"):
        tf.parse_single_example(s, {"a": tf.FixedLenFeature([], tf.int32)})
    with pytest.raises(ValueError, match="must be a scalar"):
        tf.parse_single_example(tf.placeholder(tf.string, [3]), {"a": tf.FixedLenFeature([], tf.int64)})


def test_varlen_feature_is_a_sparse_tensor():
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(s, {"ids": tf.VarLenFeature(tf.int64)})
    sp = out["ids"]
    assert isinstance(sp, tf.SparseTensor) and sp.dtype == tf.int64
    dense = tf.sparse.to_dense(sp)
    with tf.Session() as sess:
        v, d = sess.run([sp, dense], {s: _example(ids=[3, 1, 4])})
    np.testing.assert_array_equal(v.indices, [[0], [1], [2]])
    np.testing.assert_array_equal(v.values, [3, 1, 4])
    np.testing.assert_array_equal(v.dense_shape, [3])
    np.testing.assert_array_equal(d, [3, 1, 4])


def test_parse_example_batch():
    s = tf.placeholder(tf.string, [None])
    out = tf.parse_example(s, {"y": tf.FixedLenFeature([], tf.int64),
                               "ids": tf.VarLenFeature(tf.int64),
                               "seq": tf.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)})
    assert out["y"].shape.as_list() == [None]
    assert out["seq"].shape.as_list() == [None, None, 2]
    batch = [_example(y=[1], ids=[5], seq=[1., 2., 3., 4.]), _example(y=[2], ids=[6, 7, 8])]
    with tf.Session() as sess:
        got = sess.run({"y": out["y"], "ids": tf.sparse_tensor_to_dense(out["ids"], default_value=-1),
                        "seq": out["seq"]}, {s: batch})
    np.testing.assert_array_equal(got["y"], [1, 2])
    np.testing.assert_array_equal(got["ids"], [[5, -1, -1], [6, 7, 8]])
    np.testing.assert_array_equal(got["seq"], [[[1, 2], [3, 4]], [[0, 0], [0, 0]]])


def test_decode_raw():
    raw = np.array([[1, 2], [3, -4]], dtype=np.int16)
    s = tf.constant([raw[0].tobytes(), raw[1].tobytes()])
    le = tf.decode_raw(s, tf.int16)
    be = tf.io.decode_raw(tf.constant(raw.astype(">i2")[0].tobytes()), tf.int16, little_endian=False)
    u8 = tf.decode_raw(tf.constant(b"\x01\xff"), tf.uint8)
    assert le.shape.as_list() == [2, None] and le.dtype == tf.int16
    with tf.Session() as sess:
        a, b, c = sess.run([le, be, u8])
        np.testing.assert_array_equal(a, raw)
        np.testing.assert_array_equal(b, raw[0])
        np.testing.assert_array_equal(c, [1, 255])
        with pytest.raises(tf.errors.InvalidArgumentError, match="same size.*element 1 has size 3 != 2"):
            sess.run(tf.decode_raw(tf.constant([b"ab", b"cde"]), tf.uint8))
        with pytest.raises(tf.errors.InvalidArgumentError, match="length 3 that is not a multiple of 4"):
            sess.run(tf.decode_raw(tf.constant(b"abc"), tf.float32))
    with pytest.raises(TypeError, match="string tensor"):
        tf.decode_raw(tf.constant([1, 2]), tf.uint8)


# ----------------------------------------------------------------------------- TFRecordDataset end to end
def _write_mnist_like(path, n=256, seed=0, options=None):
    rng = np.random.RandomState(seed)
    images = rng.randint(0, 256, size=(n, 28, 28, 1)).astype(np.uint8)
    labels = (images.reshape(n, -1)[:, :392].mean(1) > images.reshape(n, -1)[:, 392:].mean(1)).astype(np.int64)
    with tf.python_io.TFRecordWriter(path, options) as w:
        for im, lb in zip(images, labels):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "image_raw": tf.train.Feature(bytes_list=tf.train.BytesList(value=[im.tobytes()])),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(lb)]))})).SerializeToString())
    return images, labels


def _parse_fn(serialized):
    f = tf.parse_single_example(serialized, {"image_raw": tf.FixedLenFeature([], tf.string),
                                             "label": tf.FixedLenFeature([], tf.int64)})
    image = tf.cast(tf.reshape(tf.decode_raw(f["image_raw"], tf.uint8), [28, 28, 1]), tf.float32) / 255.0
    return image, tf.cast(f["label"], tf.int32)


def test_tfrecord_dataset_reads_back_and_trains(tmp_path):
    path = str(tmp_path / "mnist.tfrecords")
    images, labels = _write_mnist_like(path)
    dataset = tf.data.TFRecordDataset([path]).map(_parse_fn).batch(32)
    it = dataset.make_initializable_iterator()
    x, y = it.get_next()
    assert x.shape.as_list() == [None, 28, 28, 1] and y.dtype == tf.int32
    logits = tf.layers.dense(tf.layers.flatten(x), 2)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(it.initializer)
        xs, ys = sess.run([x, y])
        np.testing.assert_allclose(xs, images[:32] / 255.0, rtol=1e-6)
        np.testing.assert_array_equal(ys, labels[:32])
        means = []
        for _ in range(4):
            sess.run(it.initializer)
            losses = []
            while True:
                try:
                    losses.append(sess.run([train, loss])[1])
                except tf.errors.OutOfRangeError:
                    break
            assert len(losses) == 8
            means.append(np.mean(losses))
    assert means[-1] < means[0]


def test_tfrecord_dataset_compressed_and_corrupted(tmp_path):
    path = str(tmp_path / "z.tfrecords")
    _write_mnist_like(path, n=10, options="GZIP")
    records = tf.data.TFRecordDataset(path, compression_type="GZIP").make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        first = sess.run(records)
    assert len(tf.train.Example.FromString(first).features.feature["image_raw"].bytes_list.value[0]) == 784

    bad = tmp_path / "bad.tfrecords"
    _write(bad, [b"a" * 10, b"b" * 10])
    raw = bytearray(bad.read_bytes())
    raw[-6] ^= 0xFF                                     # inside the last record's data
    bad.write_bytes(bytes(raw))
    nxt = tf.data.TFRecordDataset([str(bad)]).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(nxt) == b"a" * 10             # the records before the bad one are given out
        with pytest.raises(tf.errors.DataLossError, match="bad.tfrecords.*index 1"):
            sess.run(nxt)
