"""``tf.python_io``: TFRecord files from Python (``TFRecordWriter``, ``tf_record_iterator``, options)."""
from .io_records import TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator

__all__ = ["TFRecordWriter", "tf_record_iterator", "TFRecordOptions", "TFRecordCompressionType"]
