"""A city's catalogue: loading it, and the search the teller types into, at the
shipped 65 items and at 2,000.

    .venv/bin/python benchmarks/bench_catalogue.py [--items 2000] [--runs 5]

The 2,000-item catalogue is the shipped one plus generated items: each shipped item
again under another implementation code, with a city's variants of its name (企业 /
个人 / 变更 / 注销 / 补办 …), so names, aliases and pinyin are realistic and all
distinct. Load: the catalogue as the counter reads it (the compiled copy in the cache
folder, built by a first load that is printed too) in a fresh process (median of
`--runs`), baseline: reading and parsing the same TOML files (tomllib) in that
process. Search: every prefix of a few typed queries (Chinese, pinyin initials, a
code), per keystroke, against a plain substring scan of the names (the baseline).
Targets (issue 12): load ≤ 0.3 s and ≤ 5 ms per keystroke at 2,000 items.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("（企业）", "（个人）", "变更", "注销", "补办", "（灵活就业人员）", "（机关事业单位）",
            "（城乡居民）", "延续", "（港澳台人员）", "（外国人）", "（跨省）", "（市内）",
            "（异地）", "查询", "（军人）", "（退役军人）", "（残疾人）", "（高校毕业生）",
            "（农民工）", "（困难群体）", "（新就业形态）", "（个体工商户）", "（社会组织）",
            "（村居代办）", "（委托代办）", "（网上申请）", "（自助终端）", "（批量）",
            "（单位代办）",
            "（补缴）", "（中断后恢复）")
QUERIES = ("社会保险", "养老保险关系转移", "shbx", "jydj", "370100-SB-00", "补办", "退休")


def _toml_value(v: object) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v), ensure_ascii=False)


def city_catalogue(folder: Path, total: int) -> Path:
    """The shipped catalogue plus generated items up to `total` items, in `folder`."""
    src = ROOT / "resources" / "catalogue"
    shutil.copytree(src, folder, dirs_exist_ok=True)
    shipped = [item for f in sorted(src.glob("items_*.toml"))
               for item in tomllib.loads(f.read_text(encoding="utf-8"))["item"]]
    out, n = [], 0
    for variant in VARIANTS:
        for item in shipped:
            if len(shipped) + n >= total:
                break
            n += 1
            new = dict(item)
            new["code"] = f"370100-CT-{n:04d}"
            new["basic_code"] = f"99CT{n:04d}"
            new["name"] = f"{item['name']}{variant}"
            new["aliases"] = [f"{a}{variant}" for a in item.get("aliases", [])]
            out.append("[[item]]\n" + "".join(f"{k} = {_toml_value(v)}\n"
                                              for k, v in new.items()))
    for k in range(0, len(out), 200):  # a file stays under the loader's 1 MB limit
        (folder / f"items_city_{k // 200:02d}.toml").write_text("\n".join(out[k:k + 200]),
                                                               encoding="utf-8")
    return folder


LOAD = """
import sys, time, tomllib
from pathlib import Path
sys.path.insert(0, {root!r})
folder = Path({folder!r})
t = time.perf_counter()
for f in sorted(folder.glob("*.toml")):
    tomllib.loads(f.read_text(encoding="utf-8"))
parse = time.perf_counter() - t
t = time.perf_counter()
try:  # the compiled copy, as the counter reads its catalogue
    from counter_app.catalogue import cached_catalogue
    cat = cached_catalogue(folder, Path({cache!r}))
except ImportError:  # before the cache existed
    from counter_app.catalogue import load_catalogue
    cat = load_catalogue(folder)
load = time.perf_counter() - t
print(parse, load, len(cat.items))
"""


def load_times(folder: Path, runs: int) -> tuple[float, float, int, float]:
    """(TOML parse, catalogue load) seconds, medians over fresh processes; the number
    of items; the first load (which builds the compiled copy, if the code has one)."""
    parse, load, n, first = [], [], 0, 0.0
    with tempfile.TemporaryDirectory() as cache:
        for k in range(runs + 1):
            out = subprocess.run([sys.executable, "-c", LOAD.format(
                root=str(ROOT), folder=str(folder), cache=cache)],
                capture_output=True, text=True, check=True, cwd=ROOT)
            p, lo, n = out.stdout.split()
            if k == 0:
                first = float(lo)
                continue
            parse.append(float(p))
            load.append(float(lo))
    return statistics.median(parse), statistics.median(load), int(n), first


def keystrokes(catalogue, runs: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(median ms per keystroke, worst ms, baseline ms per keystroke)."""
    names = [i.name for i in catalogue.items.values()] + [
        b.name for b in catalogue.bundles.values()]
    per, base = [], []
    catalogue.search("预热")
    for _ in range(runs):
        for query in QUERIES:
            for k in range(1, len(query) + 1):
                q = query[:k]
                t = time.perf_counter()
                catalogue.search(q, limit=40)
                per.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                [n for n in names if q in n]  # noqa: B018 - the baseline's work
                base.append((time.perf_counter() - t) * 1000)
    return statistics.median(per), max(per), statistics.median(base)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from counter_app.catalogue import load_catalogue

    with tempfile.TemporaryDirectory() as tmp:
        city = city_catalogue(Path(tmp) / "catalogue", args.items)
        for label, folder in (("shipped", ROOT / "resources" / "catalogue"), ("city", city)):
            parse, load, n, first = load_times(folder, args.runs)
            print(f"{label} catalogue, {n} items: load {load * 1000:.0f} ms "
                  f"(TOML parse alone {parse * 1000:.0f} ms, {load / parse:.2f}×; first load "
                  f"{first * 1000:.0f} ms)" + ("  target ≤ 300 ms" if n >= 2000 else ""))
            median, worst, base = keystrokes(load_catalogue(folder), args.runs)
            print(f"  search per keystroke: median {median:.2f} ms, worst {worst:.2f} ms; "
                  f"plain substring scan of the names {base:.2f} ms ({median / base:.1f}×)"
                  + ("  target ≤ 5 ms" if n >= 2000 else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
