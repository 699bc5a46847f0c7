#!/usr/bin/env python3
"""Conversations: what per-speaker analysis changes, how well the structure is
read, and what it costs. Figures in docs/CONVERSATIONS.md.

  /usr/bin/python3 bench/conversations.py [--voc build/bin/voc] [--data ../shared/data]
                                         [--json bench/results/conversations.json]

1. Bitext (instruction = customer, response = agent) as two-turn
   conversations: how often the agent's reply would change the customer's
   themes or sentiment label if the two were concatenated into one text, and
   that it never does in conversation mode (customer analysis == instruction
   alone).
2. The ABCD sample (three real-format chats with PII): the customer-only
   analysis against the whole chat as one blob; the structure read; which
   personal values of the scenario survive in the output.
3. Synthetic transcripts (seeded generator below: transfers announced or not,
   holds, repeats, supervisor requests, re-contact, resolved / unresolved
   endings): detection accuracy against the generator's truth.
4. Throughput: turns per second, conversation mode against `voc analyze` on
   the same turns as flat records (one thread each), and peak RSS on one
   conversation of 100,000 turns.
Needs only the built CLI; sections whose data is missing are skipped.
"""
import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(voc, args, stdin=None):
    """Runs voc; returns (stdout, wall seconds, peak RSS MiB)."""
    t0 = time.monotonic()
    p = subprocess.Popen([voc, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL if stdin is None else open(stdin, "rb"))
    out, err = p.communicate()
    wall = time.monotonic() - t0
    # The child is reaped by communicate(); its usage is in RUSAGE_CHILDREN
    # as a maximum over children, so each measured run gets a fresh process.
    if p.returncode != 0:
        sys.exit(f"voc {' '.join(args)} failed: {err.decode()[-2000:]}")
    return out.decode("utf-8"), wall, err.decode("utf-8")


def peak_rss_mib(voc, args):
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execv(voc, [voc, *args])
    t0 = time.monotonic()
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"voc {' '.join(args)} failed")
    return usage.ru_maxrss / 1024.0, wall


def lines(out):
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def theme_set(a):
    return tuple(sorted(t["id"] for t in a["themes"]))


# ---------------------------------------------------------------- 1. Bitext

def bitext(voc, data_dir, tmp, limit):
    path = os.path.join(data_dir, "bitext_customer_support",
                        "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    if not os.path.exists(path):
        return None
    rows = list(csv.DictReader(open(path, encoding="utf-8")))[:limit]
    alone = os.path.join(tmp, "bitext_alone.jsonl")
    concat = os.path.join(tmp, "bitext_concat.jsonl")
    convs = os.path.join(tmp, "bitext_conv.jsonl")
    with open(alone, "w") as a, open(concat, "w") as c, open(convs, "w") as v:
        for i, r in enumerate(rows):
            a.write(json.dumps({"id": str(i), "text": r["instruction"]}) + "\n")
            c.write(json.dumps({"id": str(i), "text": r["instruction"] + "\n" + r["response"]}) + "\n")
            v.write(json.dumps({"id": str(i), "turns": [
                {"speaker": "customer", "text": r["instruction"]},
                {"speaker": "agent", "text": r["response"]}]}) + "\n")
    A = lines(run(voc, ["analyze", alone, "--threads", "2"])[0])
    C = lines(run(voc, ["analyze", concat, "--threads", "2"])[0])
    V = lines(run(voc, ["analyze", convs, "--threads", "2"])[0])
    n = len(A)
    theme_changed = sum(theme_set(a) != theme_set(c) for a, c in zip(A, C))
    theme_added = sum(bool(set(theme_set(c)) - set(theme_set(a))) for a, c in zip(A, C))
    label_changed = sum(a["sentiment"]["label"] != c["sentiment"]["label"] for a, c in zip(A, C))
    to_positive = sum(a["sentiment"]["label"] != "positive" and c["sentiment"]["label"] == "positive"
                      for a, c in zip(A, C))
    score_shift = sum(c["sentiment"]["score"] - a["sentiment"]["score"] for a, c in zip(A, C)) / n
    conv_theme = sum(theme_set(a) != theme_set(v) for a, v in zip(A, V))
    conv_label = sum(a["sentiment"]["label"] != v["sentiment"]["label"] for a, v in zip(A, V))
    conv_score = max(abs(a["sentiment"]["score"] - v["sentiment"]["score"]) for a, v in zip(A, V))
    behaviours = {}
    for v in V:
        for b in {x["behaviour"] for x in v["conversation"]["agent_behaviours"]}:
            behaviours[b] = behaviours.get(b, 0) + 1
    return {
        "rows": n,
        "concatenated": {
            "themes_changed": theme_changed, "themes_changed_share": theme_changed / n,
            "themes_added_share": theme_added / n,
            "label_changed": label_changed, "label_changed_share": label_changed / n,
            "turned_positive_share": to_positive / n,
            "mean_score_shift": score_shift,
        },
        "conversation_mode": {
            "themes_changed": conv_theme, "label_changed": conv_label,
            "max_abs_score_difference": conv_score,
        },
        "agent_behaviours_share": {k: v / n for k, v in sorted(behaviours.items())},
    }


# ------------------------------------------------------------------ 2. ABCD

def abcd(voc, data_dir, tmp):
    path = os.path.join(data_dir, "abcd_sample", "abcd_sample.json")
    if not os.path.exists(path):
        return None
    convs = json.load(open(path, encoding="utf-8"))
    cpath = os.path.join(tmp, "abcd_conv.jsonl")
    bpath = os.path.join(tmp, "abcd_blob.jsonl")
    with open(cpath, "w") as c, open(bpath, "w") as b:
        for d in convs:
            turns = [{"speaker": s, "text": t} for s, t in d["original"]]
            c.write(json.dumps({"id": str(d["convo_id"]), "channel": "chat", "turns": turns}) + "\n")
            b.write(json.dumps({"id": str(d["convo_id"]),
                                "text": " ".join(t for _, t in d["original"])}) + "\n")
    out_c, _, _ = run(voc, ["analyze", cpath])
    out_b, _, _ = run(voc, ["analyze", bpath])
    C, B = lines(out_c), lines(out_b)
    result = []
    for d, c, b in zip(convs, C, B):
        conv = c["conversation"]
        pii = {k: v for k, v in d["scenario"]["personal"].items() if k != "member_level"}
        for k in ("order_id", "street_address", "zip_code"):
            if d["scenario"].get("order", {}).get(k):
                pii[k] = d["scenario"]["order"][k]
        present = [k for k, v in pii.items()
                   if v and any(str(v).lower() in t["text"].lower() for t in conv["turns"]
                                if str(v).lower() in " ".join(x for _, x in d["original"]).lower())]
        result.append({
            "id": c["id"], "intent": f'{d["scenario"]["flow"]}/{d["scenario"]["subflow"]}',
            "turns": len(conv["turns"]), "customer_turns": conv["customer_turns"],
            "customer": {"themes": list(theme_set(c)), "label": c["sentiment"]["label"],
                         "score": round(c["sentiment"]["score"], 3)},
            "whole_chat": {"themes": list(theme_set(b)), "label": b["sentiment"]["label"],
                           "score": round(b["sentiment"]["score"], 3)},
            "trajectory": conv["trajectory"], "resolution": conv["resolution"]["status"],
            "right_first_time": conv["right_first_time"],
            "structure": {k: len(v) for k, v in conv["structure"].items()},
            "agent_behaviours": sorted({x["behaviour"] for x in conv["agent_behaviours"]}),
            "pii_values_said_and_still_in_output": present,
        })
    return result


# -------------------------------------------------------------- 3. synthetic

ISSUES = [
    ("I was charged twice for my subscription this month.",
     "I see the duplicate charge on your account."),
    ("My package never arrived, the tracking says delivered.",
     "I can see the parcel was marked delivered on Monday."),
    ("I can't log in to the app, it says my password is wrong.",
     "I see several failed login attempts on your account."),
    ("The internet keeps dropping every evening around eight.",
     "I can see a few disconnections on your line this week."),
    ("There is a fee on my bill that nobody told me about.",
     "That fee is the late payment fee from last month."),
    ("My flight was cancelled and I have not been rebooked.",
     "I can see the cancellation on your booking."),
]
FIXES = ["I've refunded the charge, you will see it within 5 business days.",
         "I've sent a replacement, it has been dispatched today.",
         "I have reset your password, it should now work.",
         "I've fixed the settings on your line, it is now working.",
         "I've waived the fee, it has been removed from your bill.",
         "You have been rebooked on the next flight, the confirmation has been sent."]
ACCEPT = ["Great, thank you so much!", "Perfect, thanks for your help.", "That works, thanks.",
          "Thanks, that's all I needed."]
STUCK = ["It is still not working, this is unacceptable.", "That doesn't help me at all.",
         "I am still waiting, this is a waste of time.", "That's not what I asked, it is still broken."]
UNABLE = ["Unfortunately I can't do anything more about it today.",
          "I'm afraid that is not possible under our policy."]
RECONTACT = ["I called yesterday about this already.", "This is my third time contacting you.",
             "I already spoke to someone last week."]
REPEAT = ["As I said, {issue}", "Like I told you, {issue}"]


def synth(n, seed=7):
    rnd = random.Random(seed)
    convs, truth = [], []
    for i in range(n):
        issue, look = rnd.choice(ISSUES)
        t = {"transfers": 0, "holds": 0, "repeats": 0, "supervisor": 0, "recontact": 0}
        turns = [("agent_1", "Thank you for contacting us, how can I help?")]
        first = issue
        if rnd.random() < 0.25:
            first = rnd.choice(RECONTACT) + " " + issue
            t["recontact"] = 1
        turns.append(("customer", first))
        agent = "agent_1"
        if rnd.random() < 0.3:
            turns.append((agent, "Let me put you on hold while I check."))
            turns.append(("customer", "OK."))
            t["holds"] += 1
        if rnd.random() < 0.35:
            announced = rnd.random() < 0.6
            if announced:
                turns.append((agent, "Let me transfer you to the right team."))
            agent = "agent_2"
            turns.append((agent, "Hello, I'm taking over, what seems to be the problem?"))
            t["transfers"] += 1
            if rnd.random() < 0.7:
                turns.append(("customer", rnd.choice(REPEAT).format(issue=issue[0].lower() + issue[1:])))
                t["repeats"] = 1
            else:
                turns.append(("customer", issue))  # restated in the same words
                t["repeats"] = 1
        turns.append((agent, look))
        outcome = rnd.random()
        if outcome < 0.55:
            turns.append((agent, rnd.choice(FIXES)))
            turns.append(("customer", rnd.choice(ACCEPT)))
            t["resolution"] = "resolved"
        elif outcome < 0.8:
            turns.append((agent, rnd.choice(UNABLE)))
            if rnd.random() < 0.5:
                turns.append(("customer", "I want to speak to a supervisor."))
                t["supervisor"] = 1
            turns.append(("customer", rnd.choice(STUCK)))
            t["resolution"] = "unresolved"
        else:
            turns.append((agent, "I've updated your details."))
            turns.append(("customer", rnd.choice(STUCK)))
            t["resolution"] = "unresolved"
        turns.append((agent, "Is there anything else I can help with?"))
        convs.append({"id": f"s{i}", "time": f"2024-02-{1 + i % 28:02d}T10:00:00Z", "channel": "call",
                      "turns": [{"speaker": s, "text": x} for s, x in turns]})
        truth.append(t)
    return convs, truth


def synthetic(voc, tmp, n):
    convs, truth = synth(n)
    path = os.path.join(tmp, "synthetic.jsonl")
    with open(path, "w") as f:
        for c in convs:
            f.write(json.dumps(c) + "\n")
    out = lines(run(voc, ["analyze", path, "--threads", "2"])[0])
    res = {"conversations": n}
    ok = sum(o["conversation"]["resolution"]["status"] == t["resolution"] for o, t in zip(out, truth))
    res["resolution_accuracy"] = ok / n
    for k in ("transfers", "holds", "repeats", "supervisor", "recontact"):
        got = [min(len(o["conversation"]["structure"][k]), 9) for o in out]
        want = [t[k] for t in truth]
        tp = sum(1 for g, w in zip(got, want) if g > 0 and w > 0)
        fp = sum(1 for g, w in zip(got, want) if g > 0 and w == 0)
        fn = sum(1 for g, w in zip(got, want) if g == 0 and w > 0)
        exact = sum(g == w for g, w in zip(got, want))
        res[k] = {"precision": tp / (tp + fp) if tp + fp else None,
                  "recall": tp / (tp + fn) if tp + fn else None,
                  "exact_count": exact / n}
    rft_res = [o["conversation"]["right_first_time"] for o, t in zip(out, truth)
               if t["resolution"] == "resolved" and t["transfers"] == 0 and t["recontact"] == 0]
    rft_bad = [o["conversation"]["right_first_time"] for o, t in zip(out, truth)
               if t["resolution"] == "unresolved" or t["transfers"] or t["recontact"]]
    res["right_first_time_mean"] = {
        "clean_resolved": sum(rft_res) / max(1, len(rft_res)),
        "others": sum(rft_bad) / max(1, len(rft_bad))}
    return res, path


# ------------------------------------------------------------ 4. throughput

def throughput(voc, tmp, n):
    convs, _ = synth(n, seed=11)
    cpath = os.path.join(tmp, "tp_conv.jsonl")
    fpath = os.path.join(tmp, "tp_flat.jsonl")
    turns = 0
    with open(cpath, "w") as c, open(fpath, "w") as f:
        for d in convs:
            c.write(json.dumps(d) + "\n")
            for k, t in enumerate(d["turns"]):
                f.write(json.dumps({"id": f'{d["id"]}-{k}', "text": t["text"]}) + "\n")
                turns += 1
    best = {}
    for name, path in (("conversations", cpath), ("flat_turns", fpath)):
        walls = []
        for _ in range(3):
            _, wall = peak_rss_mib(voc, ["analyze", path, "--threads", "1", "-o", os.devnull])
            walls.append(wall)
        best[name] = min(walls)
    return {"conversations": n, "turns": turns,
            "turns_per_s": {k: turns / v for k, v in best.items()},
            "conversation_over_flat_time": best["conversations"] / best["flat_turns"]}


def big(voc, tmp, turns=100000):
    rnd = random.Random(3)
    path = os.path.join(tmp, "big.jsonl")
    words = ("the bill fee package delivery login password refund agent app internet slow "
             "charged twice still waiting thanks sorry please check account").split()
    with open(path, "w") as f:
        t = [{"speaker": "customer" if k % 2 == 0 else "agent",
              "text": " ".join(rnd.choice(words) for _ in range(10)) + "."} for k in range(turns)]
        f.write(json.dumps({"id": "big", "turns": t}) + "\n")
    size = os.path.getsize(path)
    rej = os.path.join(tmp, "big_rejects.jsonl")
    out, _, err = run(voc, ["analyze", path, "--rejects", rej])
    default_reason = json.loads(open(rej).readline())["reason"]
    rss, wall = peak_rss_mib(voc, ["analyze", path, "--max-turns", str(turns), "--max-record-bytes",
                                   str(size + 1024), "--threads", "1", "-o", os.devnull])
    return {"turns": turns, "input_bytes": size, "default_limit_reject": default_reason,
            "peak_rss_mib": rss, "wall_s": wall, "turns_per_s": turns / wall}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voc", default=os.path.join(HERE, "..", "build", "bin", "voc"))
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"))
    ap.add_argument("--bitext-rows", type=int, default=100000)
    ap.add_argument("--synthetic", type=int, default=2000)
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args()
    voc = os.path.abspath(args.voc)
    with tempfile.TemporaryDirectory() as tmp:
        figures = {"bitext": bitext(voc, args.data, tmp, args.bitext_rows),
                   "abcd": abcd(voc, args.data, tmp)}
        figures["synthetic"], _ = synthetic(voc, tmp, args.synthetic)
        figures["throughput"] = throughput(voc, tmp, args.synthetic)
        figures["big_conversation"] = big(voc, tmp)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
