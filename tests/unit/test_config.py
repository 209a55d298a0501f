import json
import subprocess
import sys

import pytest

from rag.config import REPO_ROOT, ConfigError, load_settings


def test_defaults_live_inside_the_repository():
    s = load_settings(env={})
    assert s.paths.index_dir == REPO_ROOT / ".newsrag"
    assert s.paths.corpus == [REPO_ROOT / "corpus"]
    assert s.store.host is None  # embedded Chroma unless a server is named


def test_precedence_defaults_file_env(tmp_path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('[retrieval]\nk = 3\n[llm]\nprovider = "ollama"\nmodel = "llama3.1"\n')
    s = load_settings(cfg, env={"NEWSRAG_LLM__PROVIDER": "extractive"})
    assert s.retrieval.k == 3               # from the file
    assert s.llm.model == "llama3.1"         # from the file
    assert s.llm.provider == "extractive"    # the environment beats the file
    assert s.retrieval.candidates == 40      # default untouched


def test_yaml_file_and_config_env_var(tmp_path):
    cfg = tmp_path / "s.yaml"
    cfg.write_text("store:\n  host: chroma.local\n  port: 8001\n")
    s = load_settings(env={"NEWSRAG_CONFIG": str(cfg)})
    assert (s.store.host, s.store.port) == ("chroma.local", 8001)


def test_env_json_list_and_null():
    s = load_settings(env={"NEWSRAG_LLM__FAKE_RESPONSES": '["a [1]", "b"]', "NEWSRAG_STORE__HOST": ""})
    assert s.llm.fake_responses == ["a [1]", "b"]
    assert s.store.host is None


@pytest.mark.parametrize("env, fragment", [
    ({"NEWSRAG_LLM__PROVIDER": "gpt5"}, "llm.provider"),
    ({"NEWSRAG_RETRIEVAL__K": "0"}, "retrieval.k"),
    ({"NEWSRAG_RETRIEVAL__NOPE": "1"}, "retrieval.nope"),
    ({"NEWSRAG_LLM": "x"}, "NEWSRAG_SECTION__FIELD"),
])
def test_bad_values_name_the_setting(env, fragment):
    with pytest.raises(ConfigError) as err:
        load_settings(env=env)
    assert fragment in str(err.value)


def test_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})
    bad = tmp_path / "bad.toml"
    bad.write_text("[llm\nprovider=")
    with pytest.raises(ConfigError, match="could not be parsed"):
        load_settings(bad, env={})


def test_api_key_is_masked():
    s = load_settings(env={"NEWSRAG_LLM__API_KEY": "sk-secret"})
    assert s.llm.api_key == "sk-secret"
    assert "sk-secret" not in json.dumps(s.to_public_dict(), default=str)


def test_cli_prints_effective_config(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "NEWSRAG_LLM__PROVIDER": "extractive",
           "NEWSRAG_PATHS__INDEX_DIR": str(tmp_path / "ix")}
    out = subprocess.run([sys.executable, "-m", "rag.cli", "config"], capture_output=True, text=True,
                         env=env, cwd=REPO_ROOT, check=True).stdout
    data = json.loads(out)
    assert data["llm"]["provider"] == "extractive"
    assert data["paths"]["index_dir"] == str(tmp_path / "ix")
    bad = subprocess.run([sys.executable, "-m", "rag.cli", "config"], capture_output=True, text=True,
                         env={**env, "NEWSRAG_LLM__PROVIDER": "nope"}, cwd=REPO_ROOT)
    assert bad.returncode == 2 and "llm.provider" in bad.stderr and "Traceback" not in bad.stderr
