"""TFLearn's Titanic dataset helper: ``download_dataset(filename, work_directory)`` -> the CSV's path.

The file is TFLearn's ``titanic_dataset.csv`` (columns survived, pclass, name, sex, age, sibsp,
parch, ticket, fare), read with ``tflearn.data_utils.load_csv``. As in TFLearn, an existing file
is used as it is; otherwise it is downloaded from tflearn.org into ``work_directory``.
"""
from __future__ import annotations

import os
import urllib.request

__all__ = ["download_dataset", "load_dataset", "URL"]

URL = "http://tflearn.org/resources/titanic_dataset.csv"


def download_dataset(filename="titanic_dataset.csv", work_directory="./"):
    """Return ``work_directory/filename``, downloading it first when it is not there."""
    if not os.path.exists(work_directory):
        os.mkdir(work_directory)
    filepath = os.path.join(work_directory, filename)
    if not os.path.exists(filepath):
        print("Downloading Titanic dataset...")
        try:
            filepath, _ = urllib.request.urlretrieve(URL, filepath)
        except OSError as exc:
            raise OSError(f"titanic.download_dataset: could not download {URL} to {filepath} ({exc}); "
                          f"put the CSV there by hand") from exc
        print("Succesfully downloaded", filename, os.stat(filepath).st_size, "bytes.")
    return filepath


def load_dataset():
    """Not provided by TFLearn either (it raises NotImplementedError): use ``load_csv``."""
    raise NotImplementedError("tflearn.datasets.titanic.load_dataset: use download_dataset() and "
                              "tflearn.data_utils.load_csv(path, target_column=0, ...)")
