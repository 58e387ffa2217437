"""TFLearn's helpers: ``Trainer``/``TrainOp`` (the fit loop), ``Evaluator`` (predict/evaluate), ``regularizer``."""
from . import trainer, evaluator, regularizer
from .trainer import Trainer, TrainOp
from .evaluator import Evaluator
from .regularizer import add_weights_regularizer

__all__ = ["trainer", "evaluator", "regularizer", "Trainer", "TrainOp", "Evaluator", "add_weights_regularizer"]
