"""`cohesion index` end to end: a small CSV and configuration in, the result (or a refusal) out."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cohesion.cli import main as cohesion_main
from cohesion.insight.risk_index.cli import LoadError, run

CSV = "area_code,area_name,x,y\nA,Ay,1,40\nB,Bee,2,10\nC,Cee,3,20\nD,Dee,6,30\n"
CONFIG = {
    "indicators": [
        {"key": "x", "polarity": "higher_is_risk", "domain": "D"},
        {"key": "y", "polarity": "lower_is_risk", "domain": "D"},
    ],
    "treatment": {"outliers": "none"},
    "normalisation": "minmax",
    "robustness": {"simulations": 50, "seed": 3},
}


@pytest.fixture
def files(tmp_path):
    data = tmp_path / "indicators.csv"
    data.write_text(CSV)
    config = tmp_path / "index.json"
    config.write_text(json.dumps(CONFIG))
    return tmp_path, data, config


def test_csv_output(files, capsys):
    tmp, data, config = files
    out = tmp / "result.csv"
    code = run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)])
    assert code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == [
        "area_code", "area_name", "score", "rank", "median_rank", "p05_rank", "p95_rank",
        "higher_risk", "x_raw", "x_normalised", "y_raw", "y_normalised",
    ]  # fmt: skip
    assert frame["score"].tolist() == pytest.approx([0, 0.6, 16 / 30, 2 / 3])
    assert frame["rank"].tolist() == [4, 2, 3, 1]
    assert frame["area_name"].tolist() == ["Ay", "Bee", "Cee", "Dee"]
    assert "wrote" in capsys.readouterr().err
    assert [p.name for p in tmp.iterdir() if p.name.startswith(".")] == []  # no temp files


def test_json_output_and_overrides(files):
    tmp, data, config = files
    out = tmp / "result.json"
    args = ["compute", "--config", str(config), "--data", str(data), "--output", str(out)]
    assert run([*args, "--simulations", "20", "--seed", "9"]) == 0
    doc = json.loads(out.read_text())
    assert set(doc) == {"config", "summary", "influence", "treatments", "rows"}
    assert doc["summary"]["simulations"] == 20 and doc["summary"]["seed"] == 9
    assert doc["rows"][3]["area_code"] == "D" and doc["rows"][3]["rank"] == 1
    assert [r["indicator"] for r in doc["influence"]] == ["x", "y"]
    # Same seed, same bytes.
    first = out.read_bytes()
    assert run([*args, "--simulations", "20", "--seed", "9"]) == 0
    assert out.read_bytes() == first


def test_bad_data_writes_nothing_and_keeps_the_old_output(files, capsys):
    tmp, data, config = files
    out = tmp / "result.csv"
    out.write_text("old\n")
    data.write_text(CSV.replace("C,Cee,3,20", "C,Cee,three,20"))
    code = run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)])
    assert code == 1
    err = capsys.readouterr().err
    assert "line 4, column x: 'three' is not a number" in err and "nothing written" in err
    assert out.read_text() == "old\n"


def test_missing_column_and_file(files, capsys):
    tmp, data, config = files
    data.write_text("area_code,x\nA,1\nB,2\n")
    out = tmp / "r.csv"
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)]) == 1
    assert "no column for y" in capsys.readouterr().err
    assert not out.exists()
    missing = tmp / "nope.csv"
    assert (
        run(["compute", "--config", str(config), "--data", str(missing), "--output", str(out)]) == 1
    )
    assert "no such file" in capsys.readouterr().err
    data.write_text("code,x,y\nA,1,2\n")
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)]) == 1
    assert "needs an area_code column" in capsys.readouterr().err


def test_bad_config_lists_every_problem(files, capsys):
    tmp, data, config = files
    config.write_text(
        json.dumps(
            {
                "indicators": [
                    {"key": "pct_born_outside_uk", "polarity": "higher_is_risk"},
                    {"key": "x", "polarity": "higher_is_risk", "weight": 0},
                ],
                "normalisation": "zed",
            }
        )
    )
    out = tmp / "r.csv"
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "3 problems" in err and "never scored" in err and "weight 0" in err and "'zed'" in err
    assert not out.exists()
    config.write_text("{not json")
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", str(out)]) == 1
    assert "not valid JSON" in capsys.readouterr().err


def test_usage_errors(files, capsys):
    tmp, data, config = files
    out = str(tmp / "r.csv")
    assert run(["compute", "--config", str(config), "--output", out]) == 2  # no source
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", out,
                "--simulations", "-3"]) == 2  # fmt: skip
    assert run(["compute", "--config", str(config), "--data", str(data), "--output", out,
                "--bogus"]) == 2  # fmt: skip
    assert run(["compute", "--config", str(config), "--data", str(data),
                "--output", str(tmp / "no" / "r.csv")]) == 2  # fmt: skip
    # --council needs the database hook.
    assert run(["compute", "--config", str(config), "--council", "E06000015", "--output", out]) == 2
    assert "needs the web application's database" in capsys.readouterr().err


def test_council_hook(files):
    tmp, data, config = files
    seen = {}

    def load(code, keys):
        seen["args"] = (code, keys)
        frame = pd.read_csv(data).set_index("area_code")
        return frame, {"imd": "IoD 2019"}

    out = tmp / "r.json"
    assert run(["compute", "--config", str(config), "--council", "E06000015", "--output", str(out)],
               load_data=load) == 0  # fmt: skip
    assert seen["args"] == ("E06000015", ["x", "y"])
    doc = json.loads(out.read_text())
    assert doc["summary"]["data_vintage"] == {"imd": "IoD 2019"}

    def refuse(code, keys):
        raise LoadError(f"no council {code}")

    assert run(["compute", "--config", str(config), "--council", "X", "--output", str(out)],
               load_data=refuse) == 1  # fmt: skip


def test_method_markdown(files):
    tmp, _, config = files
    out = tmp / "method.md"
    assert run(["method", "--config", str(config), "--output", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# Cohesion risk index: method")
    assert "## Why diversity is not a risk indicator" in text
    assert "| Indicator | Measure |" in text


def test_cohesion_command_dispatches_without_django(files):
    tmp, data, config = files
    out = tmp / "r.csv"
    args = ["index", "compute", "--config", str(config), "--data", str(data), "--output", str(out)]
    assert cohesion_main(args) == 0
    assert out.exists()
