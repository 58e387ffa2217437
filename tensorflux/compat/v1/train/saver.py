"""``tf.train.Saver`` in tensorflux's safe checkpoint format (atomic, never pickle).

``save(sess, "dir/model.ckpt", global_step=100)`` writes ``dir/model.ckpt-100.npz`` (a
``tensorflux.train.checkpoint`` archive of the variables by name) and returns the prefix
``dir/model.ckpt-100``, as TF does; the ``checkpoint`` state file in ``dir`` lists the kept
prefixes in TF's text format, so ``tf.train.latest_checkpoint(dir)`` finds the newest one.
TF's own checkpoint files (``.index`` / ``.data-*``) cannot be read.

With ``write_meta_graph=True`` (the default) ``save`` also writes ``<prefix>.meta``, as TF does,
so programs that test ``os.path.exists(path + '.meta')`` before restoring keep working; it is a
small text marker, not a MetaGraphDef: the graph is rebuilt by the program itself, and
``tf.train.import_meta_graph`` raises ``NotImplementedError`` saying so.
"""
from __future__ import annotations

import os
import re
import uuid

import numpy

from ....graph import core
from ....graph import functions as F
from ....graph.errors import InvalidArgumentError, NotFoundError
from ....graph.variables import Variable, global_variables
from ....train import checkpoint as _ckpt

__all__ = ["Saver", "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists", "CheckpointState",
           "import_meta_graph", "export_meta_graph", "SUFFIX"]

SUFFIX = ".npz"
_FORMAT = "tensorflux.compat.v1.Saver"


def _file(prefix):
    return prefix + SUFFIX


_META_TEXT = ("tensorflux tf.train.Saver checkpoint marker: the variables are in {name}; the graph itself is not "
              "saved (no MetaGraphDef): rebuild it with the program's code, then Saver.restore\n")


def _make_parent_dir(directory, save_path):
    """As TF's checkpoint writer: create the checkpoint's folder (one level, like ``mkdir``), so
    ``saver.save(sess, './model/dnn.ckpt')`` works without ``./model``; a missing grandparent is
    the ``ValueError`` TF's Saver raises."""
    try:
        os.mkdir(directory)
    except FileExistsError:
        if not os.path.isdir(directory):
            raise ValueError(f"Parent directory of {save_path} is not a directory, can't save.") from None
    except (FileNotFoundError, NotADirectoryError):
        raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.") from None


def _write_meta(prefix, suffix):
    path = f"{prefix}.{suffix}"
    tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(_META_TEXT.format(name=os.path.basename(_file(prefix))))
    os.replace(tmp, path)


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Not supported: tensorflux does not serialise graphs (``.meta`` files are markers)."""
    raise NotImplementedError(
        f"tf.train.import_meta_graph({meta_graph_or_file!r}): tensorflux saves variables only, not graphs "
        "(its .meta files are markers). Rebuild the graph with the code that built it, then restore the "
        "variables with tf.train.Saver().restore(sess, path).")


def export_meta_graph(filename=None, **kwargs):
    """Not supported: tensorflux does not serialise graphs."""
    raise NotImplementedError("tf.train.export_meta_graph: tensorflux does not write MetaGraphDefs; rebuild the "
                              "graph in Python and restore the variables")


class CheckpointState:
    """The content of a ``checkpoint`` state file."""

    def __init__(self, model_checkpoint_path, all_model_checkpoint_paths):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)

    def __repr__(self):
        return f"CheckpointState(model_checkpoint_path={self.model_checkpoint_path!r})"


def _state_path(directory, latest_filename=None):
    return os.path.join(directory, latest_filename or "checkpoint")


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The ``checkpoint`` state of a directory (None if there is none)."""
    path = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(path):
        return None
    model, all_paths = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*"(.*)"\s*$', line)
            if not m:
                continue
            p = m.group(2)
            if not os.path.isabs(p):
                p = os.path.join(checkpoint_dir, p)
            if m.group(1) == "model_checkpoint_path":
                model = p
            else:
                all_paths.append(p)
    if model is None:
        return None
    return CheckpointState(model, all_paths or [model])


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir`` (None if there is none)."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not checkpoint_exists(state.model_checkpoint_path):
        return None
    return state.model_checkpoint_path


def checkpoint_exists(checkpoint_prefix):
    """Whether a checkpoint was saved under this prefix."""
    return os.path.isfile(_file(checkpoint_prefix))


def _write_state(directory, latest, all_paths, latest_filename=None):
    def rel(p):
        return os.path.relpath(p, directory) if os.path.dirname(os.path.abspath(p)) == os.path.abspath(directory) \
            else p
    lines = [f'model_checkpoint_path: "{rel(latest)}"'] + [f'all_model_checkpoint_paths: "{rel(p)}"'
                                                          for p in all_paths]
    path = _state_path(directory, latest_filename)
    tmp = f"{path}.{uuid.uuid4().hex[:8]}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


class Saver:
    """Saves and restores variables (TF's ``tf.train.Saver``), in tensorflux's checkpoint format."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False, saver_def=None,
                 builder=None, defer_build=False, allow_empty=False, write_version=2, pad_step_number=False,
                 save_relative_paths=False, filename=None, save_format=None):
        if var_list is None:
            var_list = global_variables() + core.get_default_graph().get_collection("saveable_objects")
            if not var_list and not allow_empty:
                raise ValueError("No variables to save")
        if isinstance(var_list, dict):
            items = [(str(k), v) for k, v in var_list.items()]
        else:
            items = []
            for v in var_list:
                if isinstance(v, (list, tuple)):
                    items.extend((x.op.name, x) for x in v)
                else:
                    items.append((v.op.name if isinstance(v, Variable) else F.as_tensor(v).op.name, v))
        names = [n for n, _ in items]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"At least two variables have the same name: {', '.join(dup)}")
        self._items = items
        self._max_to_keep = max_to_keep
        self._kept = []
        self._pad = pad_step_number
        self.saver_def = None

    def _var_op(self, v):
        if isinstance(v, Variable):
            return v.op
        t = F.as_tensor(v)
        if t.op.kind != "variable":
            raise TypeError(f"Saver: '{t.name}' is not a variable")
        return t.op

    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False):
        """Save the variables' values in ``sess``; returns the checkpoint prefix."""
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, numpy.integer)) else sess.run(global_step)
            step = int(step)
            prefix = f"{save_path}-{step:08d}" if self._pad else f"{save_path}-{step}"
        else:
            prefix = save_path
        directory = os.path.dirname(os.path.abspath(prefix))
        _make_parent_dir(directory, save_path)
        values = {}
        for name, v in self._items:
            arr = sess._store.get(self._var_op(v))
            if arr is None:
                raise InvalidArgumentError(f"Saver.save: variable {name} is not initialized in this session")
            values[name] = numpy.array(arr, copy=True)
        _ckpt.save({"format": _FORMAT, "variables": values}, _file(prefix))
        if write_meta_graph:
            _write_meta(prefix, meta_graph_suffix)
        if prefix in self._kept:
            self._kept.remove(prefix)
        self._kept.append(prefix)
        if self._max_to_keep and len(self._kept) > self._max_to_keep:
            for old in self._kept[:-self._max_to_keep]:
                for path in (_file(old), f"{old}.{meta_graph_suffix}"):
                    try:
                        os.remove(path)
                    except FileNotFoundError:
                        pass
            self._kept = self._kept[-self._max_to_keep:]
        if write_state:
            _write_state(directory, prefix, self._kept, latest_filename)
        return prefix

    def restore(self, sess, save_path):
        """Load every saved variable of this Saver into ``sess`` (errors name what is missing or mis-shaped)."""
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        path = _file(save_path)
        if not os.path.isfile(path):
            if os.path.isfile(save_path):
                path = save_path
            else:
                raise NotFoundError(f"Failed to find any matching files for {save_path} (looked for {path})")
        data = _ckpt.load(path)
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise InvalidArgumentError(f"{path} is not a checkpoint written by tf.train.Saver (tensorflux)")
        saved = data["variables"]
        problems = []
        for name, v in self._items:
            op = self._var_op(v)
            if name not in saved:
                problems.append(f"Key {name} not found in checkpoint")
                continue
            arr = saved[name]
            t = op.outputs[0]
            if not t.shape.is_compatible_with(arr.shape):
                problems.append(f"{name}: checkpoint has shape {arr.shape}, the variable has shape {t.shape}")
        if problems:
            raise NotFoundError(f"Restoring from checkpoint {save_path} failed: " + "; ".join(problems))
        for name, v in self._items:
            op = self._var_op(v)
            sess._store[op] = numpy.array(saved[name], dtype=op.outputs[0].dtype.dtype, copy=True)

    @property
    def last_checkpoints(self):
        return list(self._kept)

    def set_last_checkpoints(self, last_checkpoints):
        self._kept = list(last_checkpoints)

    def recover_last_checkpoints(self, checkpoint_paths):
        self._kept = [p for p in checkpoint_paths if checkpoint_exists(p)]

    def export_meta_graph(self, *args, **kwargs):
        """Not supported: tensorflux does not serialise graphs."""
        return export_meta_graph(*args, **kwargs)

    def as_saver_def(self):
        return None
