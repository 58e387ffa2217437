"""TFLearn helpers a third sweep needed (no example code here): data_utils.load_csv and datasets.titanic."""
import numpy as np
import pytest

import tensorflux.tflearn as tflearn
from tensorflux.tflearn.data_utils import load_csv
from tensorflux.tflearn.datasets import titanic

CSV = ('survived,pclass,name,sex,age,ticket\n'
       '1,1,"Doe, Mrs. Jane",female,38,PC 17599\n'
       '0,3,"Roe, Mr. Rick",male,22,A/5 21171\n'
       '\n'
       '1,2,Plain Name,female,4,230136\n')


@pytest.fixture
def csv_path(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(CSV)
    return str(path)


def test_load_csv_splits_the_target_column_and_keeps_strings(csv_path):
    data, target = load_csv(csv_path, target_column=0)
    assert target == ["1", "0", "1"]                          # strings, as read
    assert data[0] == ["1", "Doe, Mrs. Jane", "female", "38", "PC 17599"]   # quoted comma kept
    assert len(data) == 3 and all(len(row) == 5 for row in data)


def test_load_csv_categorical_labels_are_one_hot_rows(csv_path):
    _, target = load_csv(csv_path, target_column=0, categorical_labels=True, n_classes=2)
    np.testing.assert_array_equal(target, [[0., 1.], [1., 0.], [0., 1.]])
    assert target.dtype == np.float64
    with pytest.raises(ValueError, match="n_classes"):
        load_csv(csv_path, target_column=0, categorical_labels=True)


def test_load_csv_ignored_columns_count_the_file_columns(csv_path):
    # file columns 2 (name) and 5 (ticket) lie after the target column 0: both are dropped
    data, _ = load_csv(csv_path, target_column=0, columns_to_ignore=[2, 5])
    assert data[1] == ["3", "male", "22"]
    # target last (-1): TFLearn lowers every id greater than -1 by one, so [3] drops file column 2
    data, target = load_csv(csv_path, columns_to_ignore=[3])
    assert target == ["PC 17599", "A/5 21171", "230136"]
    assert data[0] == ["1", "1", "female", "38"]


def test_load_csv_without_header_and_a_short_row(tmp_path):
    path = tmp_path / "n.csv"
    path.write_text("1,2,3\n4,5,6\n")
    data, target = load_csv(str(path), target_column=1, has_header=False)
    assert data == [["1", "3"], ["4", "6"]] and target == ["2", "5"]
    path.write_text("a,b,c\n1,2,3\n7\n")
    with pytest.raises(ValueError, match="line 3 has 1 fields, no target column 2"):
        load_csv(str(path), target_column=2)


def test_titanic_download_dataset_uses_an_existing_file(tmp_path, monkeypatch):
    (tmp_path / "titanic_dataset.csv").write_text(CSV)
    calls = []
    monkeypatch.setattr(titanic.urllib.request, "urlretrieve", lambda *a: calls.append(a))
    path = titanic.download_dataset("titanic_dataset.csv", work_directory=str(tmp_path))
    assert path == str(tmp_path / "titanic_dataset.csv") and calls == []
    assert tflearn.datasets.titanic is titanic
    with pytest.raises(NotImplementedError, match="load_csv"):
        titanic.load_dataset()


def test_titanic_download_dataset_fetches_a_missing_file(tmp_path, monkeypatch):
    def fake_retrieve(url, filename):
        assert url == titanic.URL
        with open(filename, "w") as f:
            f.write(CSV)
        return filename, None
    monkeypatch.setattr(titanic.urllib.request, "urlretrieve", fake_retrieve)
    work = tmp_path / "new"
    path = titanic.download_dataset(work_directory=str(work))
    assert path == str(work / "titanic_dataset.csv")
    data, labels = load_csv(path, target_column=0, categorical_labels=True, n_classes=2)
    assert labels.shape == (3, 2) and len(data) == 3
