#!/usr/bin/env bash
# Runs one network here and in SANA-FE's own simulator, and compares what both wrote.
#
#   bench/sanafe-check.sh SIM OUT -- SIMULATE-ARGS...
#
# SIM is SANA-FE's standalone `sim` binary (build it from ../shared/sanafe/BUILD.md). SIMULATE-ARGS are the arguments of
# `./neuromorphic simulate` that export a network with --export (they must write into OUT with --out, or into a run's
# cores-CHIP folder given as OUT), e.g. for the demo's trained SoftHebb network on SANA-FE's Loihi:
#
#   bench/sanafe-check.sh ../sanafe/build/sim runs/demo-copy/cores-loihi -- \
#       --softhebb runs/demo-copy --arch ../shared/sanafe/arch/loihi.yaml --steps 8 --images 1 --export
#
# It then runs SANA-FE on OUT/arch.yaml and OUT/snn.yaml for as many steps as our run took (timesteps_executed of
# OUT/run_summary.yaml), into OUT/sanafe/, with /usr/bin/time; and prints whether the per-step counts (fired, updated,
# packets, hops, spikes), spikes.csv and potentials.csv are equal, the largest per-step energy difference, and the
# simulated time of each with their per-step mean absolute error. Exit status 1 when a count or trace differs.
set -euo pipefail

if [[ $# -lt 3 || "$3" != "--" ]]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
sim=$1 out=$2
shift 3
[[ -x "$sim" ]] || { echo "error: SANA-FE's sim is not an executable at '$sim'" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)

"$repo/neuromorphic" simulate "$@"
for f in arch.yaml snn.yaml run_summary.yaml perf.csv; do
    [[ -f "$out/$f" ]] || { echo "error: $out/$f was not written; the simulate arguments must export into $out (--export)" >&2; exit 2; }
done
steps=$(awk '/^timesteps_executed:/ {print $2}' "$out/run_summary.yaml")

mkdir -p "$out/sanafe"
/usr/bin/time -f "SANA-FE: %e s wall, %M KB peak" "$sim" -o "$out/sanafe" -p -s "$out/arch.yaml" "$out/snn.yaml" "$steps" \
    > "$out/sanafe/stdout.txt" 2> "$out/sanafe/time.txt" || { cat "$out/sanafe/time.txt" >&2; exit 1; }
tail -n 1 "$out/sanafe/time.txt"

python3 - "$out" <<'EOF'
import csv, filecmp, sys
out = sys.argv[1]
ours = list(csv.DictReader(open(f"{out}/perf.csv")))
theirs = list(csv.DictReader(open(f"{out}/sanafe/perf.csv")))
counts = ["fired", "updated", "packets", "hops", "spikes"]
same_counts = len(ours) == len(theirs) and all(a[c] == b[c] for a, b in zip(ours, theirs) for c in counts)
energy = max(abs(float(a[k]) - float(b[k])) for a, b in zip(ours, theirs) for k in ["synapse_energy", "soma_energy", "network_energy"])
errors = [abs(float(a["sim_time"]) - float(b["sim_time"])) / float(b["sim_time"]) for a, b in zip(ours, theirs)]
total_ours, total_theirs = sum(float(a["sim_time"]) for a in ours), sum(float(b["sim_time"]) for b in theirs)
traces = {f: filecmp.cmp(f"{out}/{f}", f"{out}/sanafe/{f}", shallow=False) for f in ["spikes.csv", "potentials.csv"]}
print(f"steps {len(ours)}; counts every step: {'equal' if same_counts else 'DIFFERENT'}; "
      + "; ".join(f"{f} {'identical' if same else 'DIFFERENT'}" for f, same in traces.items()))
print(f"largest per-step energy difference {energy:.3g} J")
print(f"simulated time: ours {total_ours * 1e3:.7g} ms, SANA-FE {total_theirs * 1e3:.7g} ms "
      f"({100 * (total_ours / total_theirs - 1):+.3f} %); per step mean absolute error {100 * sum(errors) / len(errors):.3f} %, "
      f"largest {100 * max(errors):.3f} %")
sys.exit(0 if same_counts and all(traces.values()) else 1)
EOF
