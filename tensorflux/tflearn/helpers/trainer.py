"""``TrainOp`` (one optimizer's loss, metric and batches) and ``Trainer`` (the loop ``DNN.fit`` runs).

A ``regression`` layer records a ``TrainOp``; ``Trainer`` builds its update op
(loss + every REGULARIZATION_LOSSES term, gradients clipped to a global norm of
``clip_gradients``, the optimizer's ``apply_gradients`` and the UPDATE_OPS such as batch-norm
moving averages), owns the session, the ``Saver`` and the fit loop.

TFLearn's displayed ``loss`` and ``acc`` are exponential moving averages of the per-batch
values: shadow ← d·shadow + (1 − d)·value with d = min(0.9, (1 + n)/(10 + n)), n the number of
steps already taken and the shadow starting at 0 (``tf.train.ExponentialMovingAverage``
with ``num_updates``). Validation (``val_loss``, ``val_acc``) is the sample-weighted mean over
the validation batches, computed at each snapshot: the end of an epoch (``snapshot_epoch``)
and every ``snapshot_step`` steps.
"""
from __future__ import annotations

import os

import numpy as np

from ...compat import v1 as tf
from .. import callbacks as tf_callbacks
from .. import collections as _keys
from .. import config
from ..utils import check_dir_name, get_dict_first_element, id_generator, make_batches, standarize_dict, to_list

__all__ = ["Trainer", "TrainOp", "TrainingState", "evaluate_flow", "evaluate"]


def _ema(shadow, value, n):
    """One step of TF's ExponentialMovingAverage(0.9, num_updates=n) on Python floats."""
    decay = min(0.9, (1.0 + n) / (10.0 + n))
    return decay * shadow + (1.0 - decay) * value


def _batch(feed_dict, idx, dprep_dict=None, daug_dict=None):
    """The rows ``idx`` of every array in ``feed_dict`` (scalars as they are), preprocessed/augmented."""
    out = {}
    for key, value in feed_dict.items():
        v = value[idx] if np.ndim(value) > 0 else value
        if daug_dict and key in daug_dict:
            v = daug_dict[key].apply(v)
        if dprep_dict and key in dprep_dict:
            v = dprep_dict[key].apply(v)
        out[key] = v
    return out


def _as_feed_arrays(feed_dict):
    """Lists -> arrays, and arrays converted once to their placeholder's dtype (not at every batch)."""
    standarize_dict(feed_dict)
    for key, value in list(feed_dict.items()):
        if isinstance(value, np.ndarray) and tf.is_tensor(key):
            dt = key.dtype
            if dt.is_floating and value.dtype != dt.as_numpy_dtype:
                feed_dict[key] = value.astype(dt.as_numpy_dtype)
    return feed_dict


def evaluate_flow(session, ops_to_evaluate, feed_dict, index_array, batch_size, dprep_dict=None):
    """The sample-weighted mean of each op over ``feed_dict``'s rows ``index_array``, in batches, not training."""
    ops = to_list(ops_to_evaluate)
    config.is_training(False, session)
    totals = [0.0] * len(ops)
    n = len(index_array)
    for start, end in make_batches(n, batch_size):
        values = session.run(ops, _batch(feed_dict, index_array[start:end], dprep_dict))
        for i, v in enumerate(values):
            totals[i] = totals[i] + np.asarray(v, dtype=np.float64) * (end - start)
    means = [t / max(n, 1) for t in totals]
    return [float(m) if np.ndim(m) == 0 else m for m in means]


def evaluate(session, op_to_evaluate, feed_dict, batch_size):
    """The sample-weighted mean of ``op_to_evaluate`` over every row of ``feed_dict``."""
    n = len(get_dict_first_element(feed_dict))
    return evaluate_flow(session, [op_to_evaluate], feed_dict, np.arange(n), batch_size)[0]


class TrainingState:
    """What callbacks see: epoch, step, current_iter, loss/acc (moving averages), val_loss/val_acc..."""

    def __init__(self):
        self.epoch = 0
        self.step = 0
        self.current_iter = 0
        self.step_time = 0.0
        self.step_time_total = 0.0
        self.acc_value = None
        self.loss_value = None
        self.val_acc = None
        self.val_loss = None
        self.best_accuracy = 0.0
        self.global_acc = 0.0
        self.global_loss = 0.0

    def update(self, train_op, train_ops_count=1):
        self.acc_value = train_op.acc_value
        self.loss_value = train_op.loss_value
        self.val_acc = train_op.val_acc
        self.val_loss = train_op.val_loss
        self.current_iter = train_op.current_iter
        if self.val_acc is not None and self.val_acc > self.best_accuracy:
            self.best_accuracy = self.val_acc
        self.global_loss += self.loss_value
        if self.acc_value is not None and self.global_acc is not None:
            self.global_acc += self.acc_value / train_ops_count
        else:
            self.global_acc = None

    def increaseEpoch(self):  # noqa: N802 - TFLearn's names
        self.epoch += 1

    def increaseStep(self):  # noqa: N802
        self.step += 1

    def resetGlobal(self):  # noqa: N802
        self.global_acc = 0.0
        self.global_loss = 0.0


class TrainOp:
    """One optimization: ``loss`` minimised by ``optimizer`` over ``trainable_vars``, in batches of ``batch_size``."""

    def __init__(self, loss, optimizer, metric=None, batch_size=64, ema=0., trainable_vars=None, shuffle=True,
                 step_tensor=None, validation_monitors=None, validation_batch_size=None, name=None, graph=None):
        self.graph = graph or tf.get_default_graph()
        self.name = name
        self.scope_name = name
        if not tf.is_tensor(loss):
            raise ValueError(f"TrainOp: loss must be a Tensor, got {type(loss).__name__}")
        if not isinstance(optimizer, tf.train.Optimizer):
            raise ValueError(f"TrainOp: optimizer must be a tf.train.Optimizer, got {type(optimizer).__name__}")
        if ema:
            raise NotImplementedError("TrainOp: ema (moving averages of the weights) is not supported")
        self.loss, self.optimizer, self.metric = loss, optimizer, metric
        self.validation_monitors = to_list(validation_monitors) or []
        self.train_vars = to_list(trainable_vars) if trainable_vars else None
        self.shuffle = shuffle
        self.batch_size = batch_size
        self.validation_batch_size = validation_batch_size or batch_size
        self.n_batches = 0
        self.loss_value = self.acc_value = self.val_loss = self.val_acc = None
        self.val_monitor_values = []
        self._loss_shadow = self._acc_shadow = 0.0
        self.current_iter = 0
        if step_tensor is None:
            with self.graph.as_default():
                step_tensor = tf.Variable(0., name="Training_step", trainable=False)
        self.training_steps = step_tensor
        self.train = None

    def initialize_training_ops(self, i, session, tensorboard_verbose, clip_gradients):
        """Build the update op: gradients of loss + regularization, clipped, applied, plus UPDATE_OPS."""
        self.session = session
        self.tensorboard_verbose = tensorboard_verbose
        with self.graph.as_default():
            if self.train_vars is None:
                self.train_vars = tf.trainable_variables()
            with tf.name_scope(self.name or "TrainOp"):
                losses = [self.loss] + tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
                total_loss = tf.add_n(losses, name="Total_Loss") if len(losses) > 1 else self.loss
                grads = tf.gradients(total_loss, self.train_vars)
                if clip_gradients and clip_gradients > 0.0:
                    grads, self.grad_norm = tf.clip_by_global_norm(grads, clip_gradients)
                self.grad = list(zip(grads, self.train_vars))
                self.apply_grad = self.optimizer.apply_gradients(self.grad, global_step=self.training_steps,
                                                                 name=f"apply_grad_op_{i}")
                updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
                self.train = tf.group(self.apply_grad, *updates, name=f"train_op_{i}")

    # ------------------------------------------------------------------ data
    def initialize_fit(self, feed_dict, val_feed_dict, dprep_dict, daug_dict, show_metric, summ_writer):
        """Set this op's data: the training rows, and validation rows (a dict, or a fraction split off)."""
        self.summary_writer = summ_writer
        self.dprep_dict, self.daug_dict = dprep_dict or {}, daug_dict or {}
        self.feed_dict = _as_feed_arrays(feed_dict)
        first = get_dict_first_element(feed_dict)
        if first is None:
            raise ValueError("fit: no training data was given")
        n = len(first)
        for key, value in feed_dict.items():
            if np.ndim(value) > 0 and len(value) != n:
                raise ValueError(f"fit: every input and target must have the same number of samples; "
                                 f"'{getattr(key, 'name', key)}' has {len(value)}, another has {n}")
        self.index_array = np.arange(n)
        self.val_feed_dict, self.val_index_array, self.n_val_samples = None, None, 0
        if isinstance(val_feed_dict, float):
            if not 0.0 < val_feed_dict < 1.0:
                raise ValueError(f"fit: a validation_set fraction must be in (0, 1), got {val_feed_dict}")
            split_at = int(n * (1 - val_feed_dict))
            np.random.shuffle(self.index_array)
            self.val_index_array = self.index_array[split_at:]
            self.index_array = self.index_array[:split_at]
            self.val_feed_dict = self.feed_dict
        elif val_feed_dict is not None:
            self.val_feed_dict = _as_feed_arrays(val_feed_dict)
            self.val_index_array = np.arange(len(get_dict_first_element(val_feed_dict)))
        if self.val_index_array is not None:
            self.n_val_samples = len(self.val_index_array)
        self.n_train_samples = len(self.index_array)
        if self.n_train_samples == 0:
            raise ValueError("fit: no training samples left (the data is empty, or the validation split took all)")
        for key, prep in self.dprep_dict.items():
            prep.initialize(self.feed_dict[key], self.session)
        self.batches = make_batches(self.n_train_samples, self.batch_size)
        self.n_batches = len(self.batches)
        self._cursor = 0
        self._order = self.index_array
        self._steps_done = int(self.session.run(self.training_steps))
        self._new_epoch()

    def _new_epoch(self):
        self._cursor = 0
        self._order = np.random.permutation(self.index_array) if self.shuffle else self.index_array
        self.current_iter = 0

    def _next_batch(self):
        """(row indices of the next batch, whether it ends this op's pass over its data)."""
        if self._cursor >= len(self.batches):
            self._new_epoch()
        start, end = self.batches[self._cursor]
        self._cursor += 1
        self.current_iter = end
        return self._order[start:end], self._cursor >= len(self.batches)

    # ------------------------------------------------------------------ one step
    def _train(self, training_step, snapshot_epoch, snapshot_step, show_metric):
        """One training step on the next batch; validation at snapshots. Returns whether it was a snapshot."""
        self.val_loss = self.val_acc = None
        idx, epoch_done = self._next_batch()
        feed = _batch(self.feed_dict, idx, self.dprep_dict, self.daug_dict)
        config.is_training(True, self.session)
        with_metric = show_metric and self.metric is not None
        fetches = [self.train, self.loss] + ([self.metric] if with_metric else [])
        values = self.session.run(fetches, feed)
        n = self._steps_done
        self._loss_shadow = _ema(self._loss_shadow, float(values[1]), n)
        self.loss_value = self._loss_shadow
        if with_metric:
            self._acc_shadow = _ema(self._acc_shadow, float(values[2]), n)
            self.acc_value = self._acc_shadow
        else:
            self.acc_value = None
        self._steps_done += 1
        snapshot = bool(epoch_done and snapshot_epoch) or bool(snapshot_step and training_step % snapshot_step == 0)
        if snapshot and self.val_feed_dict is not None:
            ops = [self.loss] + self.validation_monitors + ([self.metric] if with_metric else [])
            e = evaluate_flow(self.session, ops, self.val_feed_dict, self.val_index_array,
                              self.validation_batch_size, self.dprep_dict)
            self.val_loss = e[0]
            self.val_acc = e[-1] if with_metric else None
            self.val_monitor_values = e[1:1 + len(self.validation_monitors)]
        self._summaries(values, with_metric)
        return snapshot

    def _train_batch(self, feed_dict):
        """One training step on ``feed_dict``; returns the batch loss."""
        config.is_training(True, self.session)
        _, loss = self.session.run([self.train, self.loss], feed_dict)
        config.is_training(False, self.session)
        return loss

    def _summaries(self, values, with_metric):
        """This step's TensorBoard scalars, as one event (TFLearn's tags: 'Loss/<op>', 'Loss/<op>/Validation'...)."""
        w = self.summary_writer
        if w is None:
            return
        step = self._steps_done
        scope = f"/{self.scope_name}" if self.scope_name else ""
        metric_name = getattr(self.metric, "m_name", "Accuracy")
        scalars = {f"Loss{scope}": self.loss_value, f"Loss{scope} (raw)": float(values[1])}
        if with_metric:
            scalars[f"{metric_name}{scope}"] = self.acc_value
        if self.val_loss is not None:
            scalars[f"Loss{scope}/Validation"] = self.val_loss
        if self.val_acc is not None:
            scalars[f"{metric_name}{scope}/Validation"] = self.val_acc
        if self.val_loss is not None:
            scalars.update(self._monitor_scalars())
        w.pending.append((step, scalars))
        if len(w.pending) >= 256 or self.val_loss is not None:
            w.write_pending()
        if self.tensorboard_verbose >= 2 and self.val_loss is not None:
            for v, value in zip(self.train_vars, self.session.run(self.train_vars)):
                w.add_histogram(v.op.name, value, step)

    def _monitor_scalars(self):
        """{tag: value} of the validation monitors just evaluated (tag: the tensor's name without ':0')."""
        return {_monitor_tag(m): float(np.mean(v)) for m, v in zip(self.validation_monitors, self.val_monitor_values)}

    def duplicate(self):
        """A copy of this TrainOp (same loss, optimizer and metric)."""
        return TrainOp(self.loss, optimizer=self.optimizer, batch_size=self.batch_size, metric=self.metric,
                       trainable_vars=self.train_vars, shuffle=self.shuffle)


class Trainer:
    """Builds the training ops of ``train_ops``, owns the session and savers, and runs ``fit``."""

    def __init__(self, train_ops, graph=None, clip_gradients=5.0, tensorboard_dir="/tmp/tflearn_logs/",
                 tensorboard_verbose=0, checkpoint_path=None, best_checkpoint_path=None, max_checkpoints=None,
                 keep_checkpoint_every_n_hours=10000.0, random_seed=None, session=None, best_val_accuracy=0.0):
        self.graph = graph or tf.get_default_graph()
        self.summ_writer = None
        with self.graph.as_default():
            config.init_training_mode()
            train_ops = to_list(train_ops) or []
            for i in range(len(train_ops)):
                for j in range(i + 1, len(train_ops)):
                    if train_ops[i] is train_ops[j]:
                        train_ops[j] = train_ops[i].duplicate()
            if random_seed:
                tf.set_random_seed(random_seed)
            self.restored = session is not None
            self.tensorboard_dir = check_dir_name(tensorboard_dir)
            self.tensorboard_verbose = tensorboard_verbose
            self.training_state = TrainingState()
            self.train_ops = train_ops
            self.validate_trainop_names()
            self.global_step = tf.Variable(0., name="Global_Step", trainable=False)
            self.incr_global_step = tf.assign(self.global_step, tf.add(self.global_step, 1))
            self.best_val_accuracy = best_val_accuracy
            self.best_checkpoint_path = best_checkpoint_path
            self.session = session or tf.Session()
            for i, op in enumerate(self.train_ops):
                if len(self.train_ops) == 1:
                    op.scope_name = ""
                op.initialize_training_ops(i, self.session, tensorboard_verbose, clip_gradients)
            self.saver = tf.train.Saver(max_to_keep=max_checkpoints, allow_empty=True)
            # the best-validation model has its own saver, which keeps only the latest best
            self.val_saver = tf.train.Saver(max_to_keep=1, allow_empty=True) if best_checkpoint_path else None
            excl = tf.get_collection(_keys.EXCL_RESTORE_VARS)
            self.to_restore = [v for v in tf.global_variables() if _restorable(v, excl)]
            self.to_restore_trainvars = [v for v in tf.trainable_variables() if _restorable(v, excl)]
            self.checkpoint_path = checkpoint_path
            self._init_op = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())
            if not self.restored:
                self.session.run(self._init_op)

    def validate_trainop_names(self):
        """Name unnamed TrainOps 'Optimizer' and suffix duplicated names with _0, _1..."""
        ops = self.train_ops
        for op in ops:
            if not op.name:
                op.name = op.scope_name = "Optimizer"
        for i in range(len(ops)):
            dupl = 0
            for j in range(i + 1, len(ops)):
                if ops[i].name == ops[j].name:
                    if dupl == 0:
                        ops[i].name += "_0"
                        ops[i].scope_name = ops[i].name
                    dupl += 1
                    ops[j].name += f"_{dupl}"
                    ops[j].scope_name = ops[j].name

    # ------------------------------------------------------------------ fit
    def fit(self, feed_dicts, n_epoch=10, val_feed_dicts=None, show_metric=False, snapshot_step=None,
            snapshot_epoch=True, shuffle_all=None, dprep_dict=None, daug_dict=None, excl_trainops=None, run_id=None,
            callbacks=None):
        """Train every TrainOp for ``n_epoch`` epochs on its feed dict (see the module docstring)."""
        run_id = run_id or id_generator(6)
        print("---------------------------------")
        print("Run id: " + run_id)
        print("Log directory: " + self.tensorboard_dir)
        train_ops = [t for t in self.train_ops if not (excl_trainops and t in excl_trainops)]
        if not train_ops:
            raise ValueError("fit: there is nothing to train; add a `regression` layer to the network")
        if isinstance(shuffle_all, bool):
            for t in train_ops:
                t.shuffle = shuffle_all
        feed_dicts = to_list(feed_dicts)
        if val_feed_dicts is not None and not isinstance(val_feed_dicts, float):
            val_feed_dicts = to_list(val_feed_dicts)
        with self.graph.as_default():
            termlogger = tf_callbacks.TermLogger()
            modelsaver = tf_callbacks.ModelSaver(self.save, self.checkpoint_path, self.best_checkpoint_path,
                                                 self.best_val_accuracy, snapshot_step, snapshot_epoch)
            for i, op in enumerate(train_ops):
                vd = val_feed_dicts[i] if isinstance(val_feed_dicts, list) else val_feed_dicts
                op.initialize_fit(feed_dicts[i], vd, dprep_dict, daug_dict, show_metric, None)
                metric_name = getattr(op.metric, "m_name", None) if op.metric is not None else None
                termlogger.add(op.n_train_samples, val_size=op.n_val_samples, metric_name=metric_name, name=op.name)
            self.summ_writer = self._open_writer(run_id)
            for op in train_ops:
                op.summary_writer = self.summ_writer
            max_batches_len = max(t.n_batches for t in train_ops)
            caller = tf_callbacks.ChainCallback([termlogger, modelsaver])
            for cb in to_list(callbacks) or []:
                caller.add(cb)
            state = self.training_state
            snapshot_on_epoch = bool(self.best_checkpoint_path) or snapshot_epoch
            caller.on_train_begin(state)
            try:
                for _ in range(n_epoch):
                    state.increaseEpoch()
                    caller.on_epoch_begin(state)
                    for _ in range(max_batches_len):
                        state.increaseStep()
                        state.resetGlobal()
                        caller.on_batch_begin(state)
                        snapshot = False
                        for i, op in enumerate(train_ops):
                            caller.on_sub_batch_begin(state)
                            snapshot = op._train(state.step, snapshot_on_epoch, snapshot_step, show_metric)
                            state.update(op, len(train_ops))
                            caller.on_sub_batch_end(state, i)
                        self.session.run(self.incr_global_step)
                        caller.on_batch_end(state, snapshot)
                    caller.on_epoch_end(state)
            finally:
                caller.on_train_end(state)
                if self.summ_writer is not None:
                    self.summ_writer.close()
                    self.summ_writer = None
                for op in train_ops:
                    op.summary_writer = None
                config.is_training(False, self.session)

    def _open_writer(self, run_id):
        """A TensorBoard writer for this run (None when the optional tensorboard package is missing)."""
        if not self.tensorboard_dir:
            return None
        try:
            return _StepWriter(os.path.join(self.tensorboard_dir, run_id))
        except (ImportError, OSError):
            return None

    def fit_batch(self, feed_dicts, dprep_dict=None, daug_dict=None):
        """One training step per feed dict, each of the *last* TrainOp (as TFLearn 0.3-0.5 runs it).

        Returns the loss (a list for several feed dicts). NOTE: TFLearn's loop steps its last
        TrainOp once for every feed dict, and ``DNN.fit_batch`` passes one copy of the batch per
        TrainOp of the model; so a DNN made after two ``regression`` layers (TFLearn's DCGAN
        example) trains its own, last, regression twice and never the first one.
        """
        feed_dicts = to_list(feed_dicts)
        if not self.train_ops:
            raise ValueError("fit_batch: there is nothing to train; add a `regression` layer to the network")
        op = self.train_ops[-1]
        losses = []
        for d in feed_dicts:
            d = _batch(_as_feed_arrays(dict(d)), slice(None), dprep_dict, daug_dict)
            losses.append(op._train_batch(d))
        return losses[0] if len(losses) == 1 else losses

    # ------------------------------------------------------------------ persistence
    def save(self, model_file, global_step=None, use_val_saver=False):
        """Save every variable to ``model_file`` (``model_file-STEP`` with ``global_step``), atomically."""
        model_file = os.path.abspath(model_file)
        saver = self.val_saver if use_val_saver and self.val_saver is not None else self.saver
        saver.save(self.session, model_file, global_step=global_step)

    def restore(self, model_file, trainable_variable_only=False, variable_name_map=None, scope_for_restore=None,
                create_new_session=True, verbose=False):
        """Load a saved model; variables not restored are re-initialised when ``create_new_session``."""
        model_file = os.path.abspath(model_file)
        with self.graph.as_default():
            if create_new_session:
                self.session.run(self._init_op)
            to_restore = self.to_restore_trainvars if trainable_variable_only else self.to_restore
            if scope_for_restore is not None:
                prefix = scope_for_restore.rstrip("/") + "/"
                mapping = {v.op.name[len(prefix):]: v for v in to_restore if v.op.name.startswith(prefix)}
            elif variable_name_map is not None:
                if isinstance(variable_name_map, tuple):
                    import re
                    pattern, repl = variable_name_map
                    names = {re.sub(pattern, repl, v.op.name): v for v in to_restore}
                else:
                    names = {variable_name_map(v.op.name): v for v in to_restore}
                mapping = {k: v for k, v in names.items() if k is not None}
            else:
                mapping = {v.op.name: v for v in to_restore}
            if verbose:
                for k, v in mapping.items():
                    print(f"Restoring {v.op.name} <- {k}")
            tf.train.Saver(var_list=mapping, allow_empty=True).restore(self.session, model_file)
        self.restored = True
        self.training_state.step = int(self.session.run(self.global_step))

    def close_session(self):
        """Close the session."""
        self.session.close()


class _StepWriter:
    """A TensorBoard writer that hands the per-step scalars over in bursts (at validations, every 256 steps).

    NOTE: handing one event per step to the writer thread costs ~1-2 ms of thread switching per
    step on a busy machine, more than a small network's whole step; bursts cost a few µs per step.
    """

    def __init__(self, log_dir):
        from tensorboard.compat.proto import summary_pb2
        from ...train.tensorboard import SummaryWriter
        self._pb = summary_pb2
        self.writer = SummaryWriter(log_dir, max_queue=1024)
        self.pending = []

    def write_pending(self):
        pb = self._pb
        for step, scalars in self.pending:
            value = [pb.Summary.Value(tag=k, simple_value=float(v)) for k, v in scalars.items()]
            self.writer.add_summary(pb.Summary(value=value), step)
        self.pending = []

    def add_histogram(self, tag, values, step):
        self.writer.add_histogram(tag, values, step)

    def close(self):
        self.write_pending()
        self.writer.close()


def _monitor_tag(tensor):
    """A validation monitor's TensorBoard tag: its ``m_name`` when set, else its name without the ':0' suffix."""
    return getattr(tensor, "m_name", None) or tensor.name.rsplit(":", 1)[0]


def _restorable(var, excl):
    for e in excl:
        name = e if isinstance(e, str) else e.name
        if name.split(":")[0] in var.name:
            return False
    return True
