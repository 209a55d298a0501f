"""Issue 20, findings 1 and 5: a hostile or careless collection on disk, indexed by real `newsrag ingest`
and `newsrag serve` processes (hashing embedder, no model): links out of the corpus, loops, pipes, an
unreadable folder, a folder named like a file, terminal escapes in names, bytes that are not text, a
200,000-character word, and a prune or edit killed half-way."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from rag.backends.fakes import HashingEmbedder
from rag.backends.store import ChromaStore
from rag.config import REPO_ROOT, load_settings
from rag.ingest.chunk import max_chunk_chars
from ui_server import Server, server_env

pytestmark = pytest.mark.slow

SECRET = "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin canary-7f3a9"
ESCAPED_NAME = "evil\x1b[31mred\rname\n.txt"
WORDS = ("border migrants mexico asylum policy officials agency shelter bridge court program deportation flights "
         "numbers record surge enforcement funding president administration talks").split()


def fake_ingest_env(tmp: Path, **more: str) -> dict[str, str]:
    return server_env(tmp, NEWSRAG_EMBEDDING__PROVIDER="fake", NEWSRAG_LLM__PROVIDER="extractive", **more)


def run_cli(args: list[str], env: dict[str, str], *, as_nobody: bool = False, timeout: float = 300):
    cmd = [sys.executable, "-m", "rag.cli", *args]
    if as_nobody:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.run(cmd, cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=timeout)


def settings_for(env: dict[str, str]):
    return load_settings(env={k: v for k, v in env.items() if k.startswith("NEWSRAG_")})


def open_store(env: dict[str, str]) -> ChromaStore:
    emb = HashingEmbedder()
    return ChromaStore.open(settings_for(env), model_name=emb.name, dim=emb.dim)


def make_hostile_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(REPO_ROOT / "corpus", corpus)
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Server accounts\n" + (SECRET + "\n") * 20, encoding="utf-8")
    os.symlink("/etc/passwd", corpus / "link.txt")
    os.symlink(outside / "secret.txt", corpus / "secret-link.md")
    os.symlink(outside, corpus / "dirlink")
    os.symlink("loop.txt", corpus / "loop.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "x.txt").mkdir()
    (corpus / "x.txt" / "inside.txt").write_text("A folder named like a file\n" + " ".join(
        random.Random(1).choice(WORDS) for _ in range(120)) + ".", encoding="utf-8")
    rng = random.Random(20)
    (corpus / "mojibake.txt").write_bytes(bytes(rng.randint(128, 255) for _ in range(40_000)))
    (corpus / ESCAPED_NAME).write_bytes(bytes(rng.randint(128, 255) for _ in range(4_000)))
    (corpus / "longword.txt").write_text("One very long word\nIt starts here. " + "A" * 200_000 + " and ends.",
                                         encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    corpus = make_hostile_corpus(tmp)
    env = fake_ingest_env(tmp)
    res = run_cli(["ingest", str(corpus), "--no-progress"], env, timeout=120)    # the pipe must not block it
    return tmp, corpus, env, res


# ---------------------------------------------------------------- finding 1: symbolic links

def test_links_out_of_the_corpus_are_not_followed_and_each_is_reported(hostile):
    _tmp, corpus, env, res = hostile
    lines = res.stderr.splitlines()
    for name, reason in [("link.txt", "symbolic link to /etc/passwd, not followed"),
                         ("secret-link.md", "symbolic link to"), ("dirlink", "symbolic link to"),
                         ("loop.txt", "symbolic link loop")]:
        hits = [line for line in lines if f"{corpus / name}:" in line]
        assert len(hits) == 1 and reason in hits[0], (name, res.stderr)
    store = open_store(env)
    texts = [text for _d, text, _m in store.get_articles()]
    texts += [t for _ids, docs, _m in store.iter_chunks() for t in docs]
    assert not [t for t in texts if "www-data" in t or "canary-7f3a9" in t or "root:x:0:0" in t]
    assert {"link", "secret-link", "secret", "loop", "passwd"}.isdisjoint(store.article_records())


def test_the_served_chat_never_shows_a_linked_file(tmp_path):
    from gradio_client import Client

    corpus = make_hostile_corpus(tmp_path)
    srv = Server(tmp_path, fake_ingest_env(tmp_path, NEWSRAG_PATHS__CORPUS=json.dumps([str(corpus)]),
                                           NEWSRAG_UI__RATE_LIMIT_PER_MINUTE="100"))
    try:
        out = Client(srv.url, verbose=False).predict("Which user has the home directory /var/www?", api_name="/ask")
        assert "www-data" not in json.dumps(out) and "canary" not in json.dumps(out)
        with __import__("urllib.request").request.urlopen(srv.url + "config", timeout=30) as r:
            page = r.read().decode("utf-8")                # the Articles tab: table and picker
        assert "www-data" not in page and "canary-7f3a9" not in page and "root:x:0:0" not in page
        assert "Border Report" in page or "asylum" in page.lower()
    finally:
        srv.stop()


# ---------------------------------------------------------------- finding 5: smaller ingest defects

def test_odd_entries_get_one_escaped_line_each(hostile):
    _tmp, corpus, _env, res = hostile
    err = res.stderr
    assert "\x1b" not in err and "\r" not in err                       # nothing raw reaches the terminal
    escaped = [line for line in err.splitlines() if "evil\\x1b[31mred\\rname\\n.txt" in line]
    assert len(escaped) == 1 and "not text" in escaped[0], err
    pipe = [line for line in err.splitlines() if f"{corpus / 'pipe.txt'}:" in line]
    assert len(pipe) == 1 and "named pipe" in pipe[0]
    folder = [line for line in err.splitlines() if f"{corpus / 'x.txt'}:" in line]
    assert len(folder) == 1 and "a folder" in folder[0]
    assert res.returncode == 1 and "FAILED" in res.stdout                # skipped files are reported as such


def test_bytes_that_are_not_text_are_skipped_with_a_reason(hostile):
    _tmp, corpus, env, res = hostile
    hits = [line for line in res.stderr.splitlines() if f"{corpus / 'mojibake.txt'}:" in line]
    assert len(hits) == 1 and "not text" in hits[0]
    assert "mojibake" not in open_store(env).article_records()


def test_no_chunk_exceeds_the_chunkers_size(hostile):
    _tmp, _corpus, env, _res = hostile
    store = open_store(env)
    assert store.article_records()["longword"].n_chunks > 50
    limit = max_chunk_chars(settings_for(env).chunking.max_tokens)
    sizes = [len(t) for _ids, docs, _m in store.iter_chunks() for t in docs]
    assert sizes and max(sizes) <= limit
    assert "inside" in store.article_records()                          # the folder named x.txt was searched


def test_an_unreadable_folder_is_reported(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="newsrag-sec-"))             # reachable by an unprivileged user
    try:
        base.chmod(0o777)
        corpus = base / "corpus"
        shutil.copytree(REPO_ROOT / "corpus", corpus)
        (corpus / "locked").mkdir()
        (corpus / "locked" / "hidden.txt").write_text("Locked away\n" + "word " * 100, encoding="utf-8")
        (corpus / "locked").chmod(0)
        for p in [corpus, *corpus.iterdir()]:
            if p.name != "locked":
                p.chmod(0o777 if p.is_dir() else 0o666)
        env = fake_ingest_env(base)
        res = run_cli(["ingest", str(corpus), "--no-progress"], env, as_nobody=os.geteuid() == 0)
        hits = [line for line in res.stderr.splitlines() if f"{corpus / 'locked'}:" in line]
        assert len(hits) == 1 and "folder cannot be read" in hits[0], res.stderr
        assert "Indexed 5 articles" in res.stdout
    finally:
        (base / "corpus" / "locked").chmod(stat.S_IRWXU)
        shutil.rmtree(base, ignore_errors=True)


def _synthetic(folder: Path, n: int) -> None:
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for i in range(n):
        paras = [" ".join(" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "." for _ in range(5))
                 for _ in range(4)]
        (folder / f"a{i:03d}.txt").write_text(f"Synthetic article number {i}\n" + "\n\n".join(paras), encoding="utf-8")


def _assert_consistent(env: dict[str, str], expected: set[str]) -> None:
    store = open_store(env)
    records = store.article_records()
    assert set(records) == expected
    counts: dict[str, int] = {}
    for _cid, meta in store.iter_chunk_metadata():
        counts[meta["doc_id"]] = counts.get(meta["doc_id"], 0) + 1
    for doc_id, rec in records.items():
        assert rec.status == "ok" and rec.n_chunks > 0 and counts.get(doc_id) == rec.n_chunks, doc_id
    assert set(counts) == expected


def test_a_prune_killed_after_deleting_chunks_is_repaired_by_the_next_plain_run(tmp_path):
    corpus = tmp_path / "corpus"
    _synthetic(corpus, 40)
    env = fake_ingest_env(tmp_path)
    assert run_cli(["ingest", str(corpus), "--no-progress"], env).returncode == 0
    # the state the issue found: a prune deleted the chunks of 25 articles, then was killed before it
    # removed their records (still "ok")
    store = open_store(env)
    gone = sorted(store.article_records())[:25]
    store.delete_chunks_of(gone)
    del store
    res = run_cli(["ingest", str(corpus), "--no-progress"], env)
    assert res.returncode == 0, res.stderr
    assert "Repaired" in res.stdout and "indexed again 25 articles" in res.stdout, res.stdout
    _assert_consistent(env, {f"a{i:03d}" for i in range(40)})
    # the same state, and the next plain run is given only the articles that were kept
    store = open_store(env)
    store.delete_chunks_of(gone)
    del store
    kept = tmp_path / "kept"
    kept.mkdir()
    for f in sorted(corpus.iterdir())[25:]:
        shutil.copy(f, kept / f.name)
    res = run_cli(["ingest", str(kept), "--no-progress"], env)
    assert res.returncode == 0 and "Repaired" in res.stdout and "25 removed" in res.stdout, res.stdout
    _assert_consistent(env, {f"a{i:03d}" for i in range(25, 40)})


def test_prunes_and_edits_killed_at_random_moments_converge(tmp_path):
    corpus = tmp_path / "corpus"
    _synthetic(corpus, 60)
    env = fake_ingest_env(tmp_path)
    assert run_cli(["ingest", str(corpus), "--no-progress"], env).returncode == 0
    rng = random.Random(3)
    for trial in range(4):
        keep = sorted(corpus.iterdir())[: rng.randint(10, 50)]
        part = tmp_path / f"part{trial}"
        part.mkdir()
        for f in keep:
            text = f.read_text(encoding="utf-8")
            (part / f.name).write_text(text + f"\n\nEdited in trial {trial}." if rng.random() < 0.3 else text,
                                       encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "rag.cli", "ingest", str(part), "--prune", "--no-progress"],
                                cwd=str(REPO_ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(2.0, 6.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        res = run_cli(["ingest", str(part), "--no-progress"], env)          # plain: no --prune
        assert res.returncode == 0, res.stderr
        present = {f.stem for f in keep}
        records = open_store(env).article_records()
        assert present <= set(records)
        # whatever the kill left, every article marked done has exactly its chunks
        _assert_consistent(env, set(records))
        assert run_cli(["ingest", str(corpus), "--no-progress"], env).returncode == 0
        _assert_consistent(env, {f.stem for f in corpus.iterdir()})
