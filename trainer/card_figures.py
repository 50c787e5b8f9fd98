"""A model card's evaluation from a `koalarize eval` report: the `evaluation` block of model.json and the
Markdown tables of the card's README (overall, per category, per source; ours beside grey, ✗ where worse).

    python3 -m trainer.card_figures <report.json> [--model-json model.json]   # tables on stdout

No torch needed: it only reads JSON."""
import argparse
import json
import sys
from typing import Dict, List

EVAL_COMMAND = "npx koalarize eval ../shared/datasets/photos/val-000.tar"


def evaluation_block(report: Dict) -> Dict:
    """model.json's `evaluation`: the figures of the report, grey beside ours, per group too."""
    overall = report["overall"]
    return {
        "command": EVAL_COMMAND,
        "photos": overall["photos"],
        "workingSize": report["settings"].get("workingSize", report["settings"].get("evalSize")),
        "model": overall["model"],
        "greyBaseline": overall["baseline"],
        "truthColourfulness": overall["truthColourfulness"],
        "byCategory": report["byCategory"],
        "bySource": report["bySource"],
    }


def _pair(ours: float, grey: float, digits: int) -> str:
    return f"{ours:.{digits}f} / {grey:.{digits}f}"


def group_table(title: str, groups: Dict) -> List[str]:
    rows = [f"| {title} | n | CIEDE2000 | AuC | PSNR | colourfulness (ours / originals) |", "|---|---|---|---|---|---|"]
    for name, g in sorted(groups.items()):
        m, b = g["model"], g["baseline"]
        worse = " ✗" if m["deltaE2000"] > b["deltaE2000"] else ""
        rows.append(f"| {name} | {g['photos']} | {_pair(m['deltaE2000'], b['deltaE2000'], 2)}{worse} | "
                    f"{_pair(m['abAuc'], b['abAuc'], 4)} | {_pair(m['psnr'], b['psnr'], 2)} | "
                    f"{m['colourfulness']:.1f} / {g['truthColourfulness']:.1f} |")
    return rows


def overall_table(report: Dict) -> List[str]:
    o = report["overall"]
    m, b = o["model"], o["baseline"]
    return ["| | PSNR dB | CIEDE2000 | AuC ab | colourfulness |", "|---|---|---|---|---|",
            f"| **this model** | {m['psnr']:.2f} | {m['deltaE2000']:.2f} | {m['abAuc']:.4f} | {m['colourfulness']:.1f} |",
            f"| grey baseline (a\\*b\\* = 0) | {b['psnr']:.2f} | {b['deltaE2000']:.2f} | {b['abAuc']:.4f} | "
            f"{b['colourfulness']:.1f} |",
            f"| originals | | | | {o['truthColourfulness']:.1f} |"]


def targets(report: Dict) -> List[str]:
    """Issue 13's targets, each with its figure and whether it is met."""
    o = report["overall"]
    m, b = o["model"], o["baseline"]
    worse = [name for name, g in sorted(report["byCategory"].items()) if g["model"]["deltaE2000"] > g["baseline"]["deltaE2000"]]
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    ratio = m["deltaE2000"] / b["deltaE2000"]
    share = m["colourfulness"] / o["truthColourfulness"]
    return [f"CIEDE2000 ≤ 0.80 × grey's ({ratio:.3f}: {met(ratio <= 0.80)})",
            f"AuC ≥ grey + 0.03 (+{m['abAuc'] - b['abAuc']:.4f}: {met(m['abAuc'] - b['abAuc'] >= 0.03)})",
            f"PSNR ≥ grey + 2 dB (+{m['psnr'] - b['psnr']:.2f}: {met(m['psnr'] - b['psnr'] >= 2)})",
            f"colourfulness ≥ 70 % of the originals' ({100 * share:.0f} %: {met(share >= 0.7)})",
            "no category worse than grey (" + (f"NOT met: {', '.join(worse)}" if worse else "met") + ")"]


def markdown(report: Dict) -> str:
    return "\n".join([*overall_table(report), "", "Issue 13's targets: " + "; ".join(targets(report)) + ".", "",
                      *group_table("category", report["byCategory"]), "", *group_table("source", report["bySource"])]) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m trainer.card_figures", description=__doc__.splitlines()[0])
    parser.add_argument("report", help="report.json written by `koalarize eval --report <folder>`")
    parser.add_argument("--model-json", default="", help="write the evaluation block into this model.json")
    args = parser.parse_args(argv)
    with open(args.report) as handle:
        report = json.load(handle)
    if args.model_json:
        with open(args.model_json) as handle:
            card = json.load(handle)
        card["evaluation"] = evaluation_block(report)
        with open(args.model_json, "w") as handle:
            json.dump(card, handle, indent=2)
            handle.write("\n")
    sys.stdout.write(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
