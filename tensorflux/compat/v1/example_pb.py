"""``tf.train.Example`` and friends: a minimal protocol-buffer wire format written for them.

Messages (field numbers as in TF's ``example.proto`` / ``feature.proto``)::

    BytesList      { repeated bytes value = 1; }
    FloatList      { repeated float value = 1 [packed]; }
    Int64List      { repeated int64 value = 1 [packed]; }
    Feature        { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
    Features       { map<string, Feature> feature = 1; }     # = repeated Entry { string key = 1; Feature value = 2; }
    FeatureList    { repeated Feature feature = 1; }
    FeatureLists   { map<string, FeatureList> feature_list = 1; }
    Example        { Features features = 1; }
    SequenceExample{ Features context = 1; FeatureLists feature_lists = 2; }

Wire format: every field is ``tag = (field_number << 3) | wire_type`` as a varint, then the
value: wire type 0 a varint (base-128, low 7 bits first, high bit = more; a negative int64 is its
two's complement, 10 bytes), 2 a varint length then that many bytes (bytes, strings, messages,
packed repeated numbers), 5 four little-endian bytes (float). Floats and int64s are written
packed (one length-delimited field holding all values) and read either way. Map entries are
written in sorted key order (deterministic output) with both key and value; unknown fields
are skipped when parsing.

The Python API follows protobuf's where programs use it: keyword constructors, attribute access,
``value.append/extend``, ``feature['key']`` creating a missing entry, ``SerializeToString``,
``FromString``, ``ParseFromString``, ``CopyFrom``, ``MergeFrom``, ``Clear``, ``HasField``,
``WhichOneof``, ``ByteSize``, ``==`` and a text-format ``str()``.
"""
from __future__ import annotations

import struct

import numpy

__all__ = ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList", "FeatureLists", "Example",
           "SequenceExample", "DecodeError"]


class DecodeError(Exception):
    """A malformed serialized message (``google.protobuf.message.DecodeError``)."""


# ----------------------------------------------------------------------------- wire format
def encode_varint(n):
    """Base-128 varint of a non-negative int < 2**64 (7 bits per byte, low first, high bit = more)."""
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def decode_varint(buf, pos):
    """(value, new position) of the varint at ``buf[pos:]``."""
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("Truncated message: a varint runs past the end")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise DecodeError("Too many bytes when decoding a varint")


def _tag(number, wire_type):
    return encode_varint((number << 3) | wire_type)


def _delimited(number, payload):
    return _tag(number, 2) + encode_varint(len(payload)) + payload


def _read_fields(buf):
    """Yield (field number, wire type, value) of a serialized message; value: int or bytes."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = decode_varint(buf, pos)
        number, wt = key >> 3, key & 7
        if number == 0:
            raise DecodeError("Invalid field number 0")
        if wt == 0:
            value, pos = decode_varint(buf, pos)
        elif wt == 1:
            value, pos = bytes(buf[pos:pos + 8]), pos + 8
        elif wt == 2:
            n, pos = decode_varint(buf, pos)
            value, pos = bytes(buf[pos:pos + n]), pos + n
        elif wt == 5:
            value, pos = bytes(buf[pos:pos + 4]), pos + 4
        else:
            raise DecodeError(f"Unsupported wire type {wt} (field {number})")
        if pos > end:
            raise DecodeError(f"Truncated message: field {number} runs past the end")
        yield number, wt, value


def _int64(v):
    """A varint read as a signed int64 (two's complement of its low 64 bits)."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


# ----------------------------------------------------------------------------- repeated scalars
class _Repeated(list):
    """A list that checks (and converts) what goes in it, like protobuf's repeated scalar fields.

    A change tells the owning message (``_owner``), so a oneof member being filled becomes the set one.
    """
    __slots__ = ("_owner",)

    def _check(self, v):  # pragma: no cover - overridden
        return v

    def __init__(self, values=()):
        super().__init__(self._convert(values))
        self._owner = None

    def _convert(self, values):
        return [self._check(v) for v in values]

    def _changed(self):
        if self._owner is not None:
            self._owner._touched()

    def append(self, v):
        super().append(self._check(v))
        self._changed()

    def extend(self, values):
        super().extend(self._convert(values))
        self._changed()

    def insert(self, i, v):
        super().insert(i, self._check(v))
        self._changed()

    def __setitem__(self, i, v):
        super().__setitem__(i, self._convert(v) if isinstance(i, slice) else self._check(v))
        self._changed()

    def __iadd__(self, values):
        self.extend(values)
        return self


def _type_error(v, expected):
    return TypeError(f"{v!r} has type {type(v).__name__}, but expected one of: {expected}")


class _Bytes(_Repeated):
    __slots__ = ()

    def _check(self, v):
        if isinstance(v, (bytes, numpy.bytes_)):
            return bytes(v)
        raise _type_error(v, "bytes")


class _Floats(_Repeated):
    """Floats, stored rounded to float32 as protobuf's ``float`` fields are."""
    __slots__ = ()

    def _check(self, v):
        if isinstance(v, (str, bytes)) or not isinstance(v, (int, float, numpy.number)):
            raise _type_error(v, "int, float")
        return float(numpy.float32(v))

    def _convert(self, values):
        if isinstance(values, numpy.ndarray) and values.dtype.kind in "fiub":
            return values.astype(numpy.float32).ravel().astype(float).tolist()
        return super()._convert(values)


class _Int64s(_Repeated):
    __slots__ = ()

    def _check(self, v):
        if isinstance(v, (float, numpy.floating, str, bytes)) or not hasattr(v, "__index__"):
            raise _type_error(v, "int")
        v = int(v)
        if not -(1 << 63) <= v < (1 << 63):
            raise ValueError(f"Value out of range: {v}")
        return v

    def _convert(self, values):
        if isinstance(values, numpy.ndarray) and values.dtype.kind in "iub":
            return values.astype(numpy.int64).ravel().tolist()
        return super()._convert(values)


# ----------------------------------------------------------------------------- messages
class _Message:
    """Base of the messages: subclasses list their fields in ``_FIELDS``: name -> (number, kind, type).

    kinds: 'bytes', 'floats', 'int64s' (repeated scalars, field ``value``), 'message' (a singular
    sub-message), 'messages' (repeated sub-messages), 'map' (string -> message).
    """
    _FIELDS = {}
    _ONEOF = ()          # names of the fields of the message's one oneof (``kind``)
    _ONEOF_NAME = None

    def __init__(self, **kwargs):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_present", set())
        object.__setattr__(self, "_parent", None)     # (message, field name) holding this one
        for name, value in kwargs.items():
            if name not in self._FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            self._assign(name, value, constructing=True)

    # -- field access
    def _new(self, name):
        """An empty value for field ``name``, linked to this message so that filling it marks the field."""
        number, kind, typ = self._FIELDS[name]
        if kind in ("bytes", "floats", "int64s"):
            v = {"bytes": _Bytes, "floats": _Floats, "int64s": _Int64s}[kind]()
            v._owner = _FieldOwner(self, name)
        elif kind == "message":
            v = typ()
            object.__setattr__(v, "_parent", (self, name))
        else:
            v = (_MessageList if kind == "messages" else _MessageMap)(typ)
            v._owner = (self, name)
        return v

    def _touched(self):
        """This message changed: its field in the parent (if any) becomes set."""
        if self._parent is not None:
            parent, name = self._parent
            parent._mark(name)

    def __getattr__(self, name):
        fields = type(self)._FIELDS
        if name not in fields:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        values = self.__dict__["_values"]
        if name not in values:
            values[name] = self._new(name)
        return values[name]

    def __setattr__(self, name, value):
        """Every field of these messages is composite: protobuf refuses assignment to them."""
        if name not in self._FIELDS:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        kind = self._FIELDS[name][1]
        raise AttributeError(f"Assignment not allowed to field \"{name}\" in protocol message object "
                             f"(use {'CopyFrom' if kind == 'message' else 'extend'}).")

    def _assign(self, name, value, constructing=False):
        number, kind, typ = self._FIELDS[name]
        if kind == "message":
            if isinstance(value, dict):
                value = typ(**value)
            if not isinstance(value, typ):
                raise TypeError(f"Parameter to initialize message field {name} must be {typ.__name__}, got "
                                f"{type(value).__name__}")
            msg = self._new(name)
            msg.CopyFrom(value)
            self._values[name] = msg
            self._mark(name)
        elif kind == "map":
            m = self._new(name)
            for k, v in dict(value).items():
                m[k].CopyFrom(v if isinstance(v, typ) else typ(**v))
            self._values[name] = m
        elif kind == "messages":
            lst = self._new(name)
            for v in value:
                lst.add().CopyFrom(v)
            self._values[name] = lst
        else:
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise TypeError(f"{type(self).__name__}.{name} must be a sequence, got {type(value).__name__}")
            lst = self._new(name)
            list.extend(lst, lst._convert(value))
            self._values[name] = lst

    def _mark(self, name):
        """Record ``name`` as set; setting a member of the oneof clears the others."""
        if name in self._ONEOF:
            for other in self._ONEOF:
                if other != name:
                    self._present.discard(other)
                    self._values.pop(other, None)
        self._present.add(name)
        self._touched()

    def _is_set(self, name):
        """Present: set explicitly, parsed, or read and then given content."""
        if name in self._present:
            return True
        v = self._values.get(name)
        if v is None:
            return False
        return bool(v) if not isinstance(v, _Message) else v._has_content()

    def _has_content(self):
        return any(self._is_set(n) for n in self._FIELDS)

    def HasField(self, name):  # noqa: N802 - protobuf's name
        """Whether the singular message field ``name`` (or the oneof ``kind``) is set."""
        if name == self._ONEOF_NAME:
            return self.WhichOneof(name) is not None
        if name not in self._FIELDS or self._FIELDS[name][1] != "message":
            raise ValueError(f'Protocol message {type(self).__name__} has no singular "{name}" field.')
        return self._is_set(name)

    def WhichOneof(self, oneof_group):  # noqa: N802
        """The name of the set field of the oneof (``'kind'`` for Feature), or None."""
        if oneof_group != self._ONEOF_NAME:
            raise ValueError(f'Protocol message has no oneof "{oneof_group}" field.')
        set_ = [n for n in self._ONEOF if self._is_set(n)]
        return set_[-1] if set_ else None

    def ClearField(self, name):  # noqa: N802
        self._values.pop(name, None)
        self._present.discard(name)

    def Clear(self):  # noqa: N802
        self._values.clear()
        self._present.clear()

    def ListFields(self):  # noqa: N802
        return [(n, getattr(self, n)) for n in sorted(self._FIELDS, key=lambda n: self._FIELDS[n][0])
                if self._is_set(n)]

    # -- copy / merge
    def CopyFrom(self, other):  # noqa: N802
        if other is self:
            return
        if type(other) is not type(self):
            raise TypeError(f"Parameter to CopyFrom() must be instance of same class: expected {type(self).__name__} "
                            f"got {type(other).__name__}.")
        self.Clear()
        self.MergeFrom(other)
        self._touched()

    def MergeFrom(self, other):  # noqa: N802
        """Protobuf's merge: scalars lists appended, messages merged, map entries replaced/merged."""
        if type(other) is not type(self):
            raise TypeError(f"Parameter to MergeFrom() must be instance of same class: expected "
                            f"{type(self).__name__} got {type(other).__name__}.")
        for name, (number, kind, typ) in self._FIELDS.items():
            if not other._is_set(name):
                continue
            src = getattr(other, name)
            if kind == "message":
                getattr(self, name).MergeFrom(src)
                self._mark(name)
            elif kind == "map":
                dst = getattr(self, name)
                for k in src:
                    dst[k].MergeFrom(src[k])
            elif kind == "messages":
                dst = getattr(self, name)
                for m in src:
                    dst.add().CopyFrom(m)
            else:
                getattr(self, name).extend(src)

    # -- wire format
    def SerializeToString(self, deterministic=None):  # noqa: N802
        """The message in protobuf wire format (fields by number, packed numbers, sorted map keys)."""
        parts = []
        for name, (number, kind, typ) in sorted(self._FIELDS.items(), key=lambda kv: kv[1][0]):
            if not self._is_set(name):
                continue
            v = getattr(self, name)
            if kind == "bytes":
                parts.extend(_delimited(number, b) for b in v)
            elif kind == "floats":
                if v:
                    parts.append(_delimited(number, numpy.asarray(v, dtype="<f4").tobytes()))
            elif kind == "int64s":
                if v:
                    parts.append(_delimited(number, b"".join(encode_varint(x & 0xFFFFFFFFFFFFFFFF) for x in v)))
            elif kind == "message":
                parts.append(_delimited(number, v.SerializeToString()))
            elif kind == "messages":
                parts.extend(_delimited(number, m.SerializeToString()) for m in v)
            else:
                for key in sorted(v):
                    entry = _delimited(1, key.encode("utf-8")) + _delimited(2, v[key].SerializeToString())
                    parts.append(_delimited(number, entry))
        return b"".join(parts)

    def ByteSize(self):  # noqa: N802
        return len(self.SerializeToString())

    @classmethod
    def FromString(cls, s):  # noqa: N802
        """A new message parsed from ``s``."""
        msg = cls()
        msg.MergeFromString(s)
        return msg

    def ParseFromString(self, s):  # noqa: N802
        """Replace this message's contents by the parse of ``s``; returns the number of bytes read."""
        self.Clear()
        return self.MergeFromString(s)

    def MergeFromString(self, s):  # noqa: N802
        if isinstance(s, str) or not isinstance(s, (bytes, bytearray, memoryview, numpy.bytes_)):
            raise TypeError(f"{type(self).__name__}.ParseFromString expects bytes, got {type(s).__name__}")
        s = bytes(s)
        self._touched()
        by_number = {num: (name, kind, typ) for name, (num, kind, typ) in self._FIELDS.items()}
        for number, wt, value in _read_fields(s):
            if number not in by_number:
                continue  # unknown field: skipped
            name, kind, typ = by_number[number]
            self._merge_field(name, kind, typ, wt, value)
        return len(s)

    def _merge_field(self, name, kind, typ, wt, value):
        who = f"{type(self).__name__}.{name}"
        if kind == "bytes":
            _expect(wt, 2, who)
            getattr(self, name).append(value)
        elif kind == "floats":
            if wt == 2:
                if len(value) % 4:
                    raise DecodeError(f"{who}: packed floats of {len(value)} bytes (not a multiple of 4)")
                getattr(self, name).extend(numpy.frombuffer(value, dtype="<f4").astype(float).tolist())
            else:
                _expect(wt, 5, who)
                getattr(self, name).append(struct.unpack("<f", value)[0])
        elif kind == "int64s":
            if wt == 2:
                out, pos = [], 0
                while pos < len(value):
                    v, pos = decode_varint(value, pos)
                    out.append(_int64(v))
                getattr(self, name).extend(out)
            else:
                _expect(wt, 0, who)
                getattr(self, name).append(_int64(value))
        elif kind == "message":
            _expect(wt, 2, who)
            getattr(self, name).MergeFromString(value)
            self._mark(name)
        elif kind == "messages":
            _expect(wt, 2, who)
            getattr(self, name).add().MergeFromString(value)
        else:
            _expect(wt, 2, who)
            key, item = "", typ()
            for num, w, v in _read_fields(value):
                if num == 1:
                    _expect(w, 2, who + " key")
                    key = v.decode("utf-8")
                elif num == 2:
                    _expect(w, 2, who + " value")
                    item.MergeFromString(v)
            getattr(self, name)[key].CopyFrom(item)

    # -- comparison and text
    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.SerializeToString() == other.SerializeToString()

    __hash__ = None

    def __reduce__(self):
        return type(self).FromString, (self.SerializeToString(),)

    def _text(self, indent):
        pad = "  " * indent
        lines = []
        for name, (number, kind, typ) in sorted(self._FIELDS.items(), key=lambda kv: kv[1][0]):
            if not self._is_set(name):
                continue
            v = getattr(self, name)
            if kind == "bytes":
                lines.extend(f'{pad}{name}: "{text_format_escape(b)}"' for b in v)
            elif kind in ("floats", "int64s"):
                lines.extend(f"{pad}{name}: {_num(x)}" for x in v)
            elif kind == "message":
                lines += [f"{pad}{name} {{"] + v._text(indent + 1) + [f"{pad}}}"]
            elif kind == "messages":
                for m in v:
                    lines += [f"{pad}{name} {{"] + m._text(indent + 1) + [f"{pad}}}"]
            else:
                for key in sorted(v):
                    lines += [f"{pad}{name} {{", f'{pad}  key: "{key}"', f"{pad}  value {{"]
                    lines += v[key]._text(indent + 2) + [f"{pad}  }}", f"{pad}}}"]
        return lines

    def __str__(self):
        lines = self._text(0)
        return "\n".join(lines) + ("\n" if lines else "")

    def __repr__(self):
        return str(self)


def _expect(wt, want, who):
    if wt != want:
        raise DecodeError(f"{who}: wire type {wt}, expected {want}")


_TEXT_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'",
                 ord("\\"): "\\\\"}


def text_format_escape(b):
    """The body of a protobuf text-format string literal for bytes ``b``: C escapes for newline,
    return, tab, quotes and backslash, printable ASCII as is, every other byte as a 3-digit octal escape."""
    return "".join(_TEXT_ESCAPES.get(c) or (chr(c) if 32 <= c < 127 else f"\\{c:03o}") for c in b)


def _num(x):
    """A float as the shortest text that reads back to the same float32; an int as is."""
    return str(numpy.float32(x)) if isinstance(x, float) else str(x)


class _FieldOwner:
    """The (message, field) a repeated scalar list belongs to: a change marks that field as set."""
    __slots__ = ("msg", "name")

    def __init__(self, msg, name):
        self.msg, self.name = msg, name

    def _touched(self):
        self.msg._mark(self.name)


class _MessageList(list):
    """A repeated message field: ``add(**kwargs)`` appends a new message."""

    def __init__(self, typ):
        super().__init__()
        self._typ, self._owner = typ, None

    def add(self, **kwargs):
        m = self._typ(**kwargs)
        super().append(m)
        object.__setattr__(m, "_parent", self._owner)
        if self._owner is not None:
            self._owner[0]._mark(self._owner[1])
        return m

    def append(self, m):
        self.add().CopyFrom(m)

    def extend(self, ms):
        for m in ms:
            self.append(m)


class _MessageMap(dict):
    """A ``map<string, Message>`` field: a missing key is created on access, as in protobuf."""

    def __init__(self, typ):
        super().__init__()
        self._typ, self._owner = typ, None

    def __missing__(self, key):
        if isinstance(key, bytes):
            key = key.decode("utf-8")
        if not isinstance(key, str):
            raise TypeError(f"map key must be str, got {type(key).__name__}")
        m = self._typ()
        dict.__setitem__(self, key, m)
        object.__setattr__(m, "_parent", self._owner)
        if self._owner is not None:
            self._owner[0]._mark(self._owner[1])
        return m

    def __getitem__(self, key):
        if isinstance(key, bytes):
            key = key.decode("utf-8")
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        raise ValueError("Direct assignment of submessage not allowed (use CopyFrom on map[key])")

    def get_or_create(self, key):
        return self[key]

    def __contains__(self, key):
        return super().__contains__(key.decode("utf-8") if isinstance(key, bytes) else key)


# ----------------------------------------------------------------------------- the messages
class BytesList(_Message):
    """``tf.train.BytesList(value=[b"..."])``."""
    _FIELDS = {"value": (1, "bytes", None)}


class FloatList(_Message):
    """``tf.train.FloatList(value=[...])`` (values kept as float32)."""
    _FIELDS = {"value": (1, "floats", None)}


class Int64List(_Message):
    """``tf.train.Int64List(value=[...])``."""
    _FIELDS = {"value": (1, "int64s", None)}


class Feature(_Message):
    """``tf.train.Feature(bytes_list=... | float_list=... | int64_list=...)`` (oneof ``kind``)."""
    _FIELDS = {"bytes_list": (1, "message", BytesList), "float_list": (2, "message", FloatList),
               "int64_list": (3, "message", Int64List)}
    _ONEOF = ("bytes_list", "float_list", "int64_list")
    _ONEOF_NAME = "kind"


class Features(_Message):
    """``tf.train.Features(feature={"name": Feature, ...})``."""
    _FIELDS = {"feature": (1, "map", Feature)}


class FeatureList(_Message):
    """``tf.train.FeatureList(feature=[Feature, ...])``."""
    _FIELDS = {"feature": (1, "messages", Feature)}


class FeatureLists(_Message):
    """``tf.train.FeatureLists(feature_list={"name": FeatureList, ...})``."""
    _FIELDS = {"feature_list": (1, "map", FeatureList)}


class Example(_Message):
    """``tf.train.Example(features=tf.train.Features(feature={...}))``."""
    _FIELDS = {"features": (1, "message", Features)}


class SequenceExample(_Message):
    """``tf.train.SequenceExample(context=Features, feature_lists=FeatureLists)``."""
    _FIELDS = {"context": (1, "message", Features), "feature_lists": (2, "message", FeatureLists)}
