"""``SequenceGenerator``: a DNN that generates sequences one element at a time (TFLearn's text generators).

    g = tflearn.SequenceGenerator(net, dictionary=char_idx, seq_maxlen=25)
    g.fit(X, Y, n_epoch=1)
    print(g.generate(600, temperature=0.5, seq_seed=seed))

``X`` one-hot sequences (n, seq_maxlen, len(dictionary)), ``Y`` the one-hot next elements
(``data_utils.string_to_semi_redundant_sequences`` builds both from a text).
"""
from __future__ import annotations

import sys

import numpy as np

from .dnn import DNN

__all__ = ["SequenceGenerator", "reverse_dictionary"]


def reverse_dictionary(dic):
    """{index: element} from {element: index}."""
    return {v: k for k, v in dic.items()}


def _sample(probs, temperature=1.0):
    """An index drawn from probs^(1/temperature), renormalised (NumPy's global RNG, as TFLearn)."""
    logp = np.log(np.maximum(np.asarray(probs, dtype=np.float64), 1e-300)) / temperature
    p = np.exp(logp - logp.max())
    return int(np.random.choice(len(p), p=p / p.sum()))


class SequenceGenerator(DNN):
    """A DNN with ``generate``; TFLearn's defaults: no gradient clipping, ``seq_maxlen`` 25."""

    def __init__(self, network, dictionary=None, seq_maxlen=25, clip_gradients=0.0, tensorboard_verbose=0,
                 tensorboard_dir="/tmp/tflearn_logs/", checkpoint_path=None, max_checkpoints=None, session=None):
        super().__init__(network, clip_gradients=clip_gradients, tensorboard_verbose=tensorboard_verbose,
                         tensorboard_dir=tensorboard_dir, checkpoint_path=checkpoint_path,
                         max_checkpoints=max_checkpoints, session=session)
        self.dic = dictionary
        self.rev_dic = reverse_dictionary(dictionary)
        self.seq_maxlen = seq_maxlen

    def generate(self, seq_length, temperature=0.5, seq_seed=None, display=False):
        """``seq_seed`` followed by ``seq_length`` generated elements (a string for a string seed).

        Each element is drawn from the network's next-element probabilities sharpened by
        ``temperature`` (near 0: close to the training data; higher: more novelty).
        """
        if seq_seed is None:
            raise ValueError("generate: give a seq_seed (a sequence of at most seq_maxlen elements of the dictionary)")
        _check_seed(seq_seed, self.dic)
        is_str = isinstance(seq_seed, str)
        sequence = seq_seed[:] if is_str else list(seq_seed)
        whole = seq_seed[:] if is_str else list(seq_seed)
        if display:
            sys.stdout.write(str(seq_seed))
        for _ in range(seq_length):
            x = np.zeros((1, self.seq_maxlen, len(self.dic)), dtype=np.float32)
            for t, element in enumerate(sequence[-self.seq_maxlen:]):
                x[0, t, self.dic[element]] = 1.
            preds = np.asarray(self.predict(x))[0]
            nxt = self.rev_dic[_sample(preds, temperature)]
            if is_str:
                sequence, whole = sequence[1:] + nxt, whole + nxt
            else:
                sequence = sequence[1:] + [nxt]
                whole.append(nxt)
            if display:
                sys.stdout.write(str(nxt))
                sys.stdout.flush()
        if display:
            print()
        return whole


def _check_seed(seq_seed, dictionary):
    """Raise KeyError (as TFLearn's dictionary lookup does) naming the seed elements the dictionary lacks."""
    missing = sorted({repr(e) for e in seq_seed if e not in dictionary})
    if missing:
        raise KeyError(f"generate: seq_seed holds {', '.join(missing)}, not in the dictionary the network was "
                       f"trained on (e.g. an upper-case seed for a dictionary built with to_lower_case=True)")
