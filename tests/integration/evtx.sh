#!/usr/bin/env bash
# evtx.sh — the EVTX reader on real files (../shared/data): every sample read
# with no skipped record and equal, record by record, to python-evtx / libevtx
# (evtx_compare.py); each .evtx of the Sigma regression data gives the same
# fields as its evtx_dump .json rendering (evtx_pairs.py); damaged copies
# (truncated, zeroed header, bit-flipped chunks, junk chunks) never crash or
# hang and lose only the damaged records; --carve and --format-out xml; the
# fast path (field programs, templates shared by a block's chunks) gives
# byte for byte what the reference path (UG_EVTX_SLOW) gives, on the samples
# and on a file mixing their chunks, whole and damaged.
. "$(dirname "$0")/lib.sh"
DATA=${UG_SHARED_DATA:-}
[ -n "$DATA" ] && [ -d "$DATA/evtx-attack-samples" ] || skip "shared data (evtx-attack-samples) not found"
HERE=$(dirname "$0")
REFPY=/usr/bin/python3
SAMPLES="$DATA/evtx-attack-samples"
SIGMA="$DATA/sigma/regression_data"

# 1. every sample: nothing skipped
expect_rc 0 "all samples read without a skipped record" -- "$UG" events -q "$SAMPLES" "$SIGMA"
n=$(grep -c '"source":"[^"]*\.evtx"' "$TMP/out")
[ "$n" -gt 8000 ] && pass "$n EVTX records read" || fail "only $n records read"

# 2. record by record against python-evtx (and libevtx where python-evtx errs)
if "$REFPY" -c 'import Evtx' 2>/dev/null; then
	if "$REFPY" "$HERE/evtx_compare.py" "$UG" "$SAMPLES" "$SIGMA" >"$TMP/cmp" 2>&1; then
		pass "$(tail -1 "$TMP/cmp")"
	else
		fail "differences from the references"; sed 's/^/  | /' "$TMP/cmp" | tail -25 >&2
	fi
else
	echo "SKIP (part): python-evtx not installed for $REFPY: reference comparison not run"
fi

# 3. .evtx and its evtx_dump .json: same fields
if [ -d "$SIGMA" ]; then
	if python3 "$HERE/evtx_pairs.py" "$UG" "$SIGMA" >"$TMP/pairs" 2>&1; then
		pass "$(tail -1 "$TMP/pairs")"
	else
		fail "evtx and evtx-json disagree"; sed 's/^/  | /' "$TMP/pairs" | tail -25 >&2
	fi
fi

# 4. damage
BIG="$SAMPLES/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx"
[ -f "$BIG" ] || BIG=$(ls -S $(find "$SAMPLES" -name '*.evtx') | head -1)
mkdir -p "$TMP/d"
python3 - "$BIG" "$TMP/d" <<'PYEOF'
import random, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
rnd = random.Random(5)
def w(name, b):
    open(out + "/" + name, "wb").write(bytes(b))
w("trunc.evtx", data[:4096 + 3 * 65536 + 30000])          # inside chunk 3
w("trunc-head.evtx", data[:2000])                         # inside the file header
z = bytearray(data); z[:4096] = bytes(4096); w("zero-header.evtx", z)
f = bytearray(data)
for _ in range(40):                                       # chunk 2 only
    o = 4096 + 2 * 65536 + rnd.randrange(65536); f[o] ^= 1 << rnd.randrange(8)
w("flip.evtx", f)
j = bytearray(data); j[4096 + 65536:4096 + 2 * 65536] = bytes(rnd.randrange(256) for _ in range(65536))
w("junk-chunk.evtx", j)                                   # chunk 1 replaced by noise
c = bytearray(data); c[4096 + 512:4096 + 1024] = bytes(512)
w("zero-records.evtx", c)                                 # chunk 0's first records wiped
PYEOF
"$UG" events -q "$BIG" >"$TMP/orig.jsonl"
offsets() { python3 -c 'import json,sys; [print(json.loads(l)["offset"]) for l in open(sys.argv[1])]' "$1"; }
offsets "$TMP/orig.jsonl" >"$TMP/orig.off"
# records of the original whose offset is outside [lo, hi) must all be there, same text
check_kept() { # NAME LO HI
	local name=$1 lo=$2 hi=$3
	timeout 60 "$UG" events "$TMP/d/$name" >"$TMP/$name.jsonl" 2>"$TMP/$name.err"
	local rc=$?
	case $rc in 0|3) ;; *) fail "$name: exit $rc"; return ;; esac
	python3 - "$TMP/orig.jsonl" "$TMP/$name.jsonl" "$lo" "$hi" "$TMP/d/$name" <<'PYEOF' || fail "$name: good records lost"
import json, sys
orig, got, lo, hi, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def load(p):
    out = {}
    for l in open(p):
        e = json.loads(l); out[e["offset"]] = (e["record"], e["fields"])
    return out
a, b = load(orig), load(got)
want = {o: v for o, v in a.items() if not lo <= o < hi}
lost = [o for o in want if b.get(o) != want[o]]
if lost:
    print("%d good records lost or changed, first at offset %d" % (len(lost), lost[0])); sys.exit(1)
print("%s: %d of %d records kept (%d outside the damage)" % (path.split("/")[-1], len(b), len(a), len(want)))
PYEOF
	[ $rc = 3 ] && ! grep -qE "$name:(chunk [0-9]+:)?" "$TMP/$name.err" && fail "$name: skipped without FILE:chunk N report"
	pass "$name: exit $rc, good records kept"
}
check_kept trunc.evtx $((4096 + 3 * 65536)) 999999999999
check_kept zero-header.evtx 0 0
check_kept flip.evtx $((4096 + 2 * 65536)) $((4096 + 3 * 65536))
check_kept junk-chunk.evtx $((4096 + 65536)) $((4096 + 2 * 65536))
check_kept zero-records.evtx $((4096)) $((4096 + 65536))
check_kept trunc-head.evtx 0 999999999999
expect_grep "trunc-head.evtx: file header: file ends inside it" "$TMP/trunc-head.evtx.err" "file cut inside its header reported"
expect_grep "trunc.evtx:chunk 3:" "$TMP/trunc.evtx.err" "truncation reported as FILE:chunk 3"
expect_grep "zero-records.evtx:chunk 0:" "$TMP/zero-records.evtx.err" "wiped records reported in chunk 0"
expect_grep "file header" "$TMP/zero-header.evtx.err" "zeroed header reported"
[ "$(wc -l <"$TMP/zero-header.evtx.jsonl")" = "$(wc -l <"$TMP/orig.jsonl")" ] &&
	pass "zeroed header: every record read" || fail "zeroed header lost records"

# 5. --carve: a record wiped from the allocated area but left in slack is
# found again; carving a clean file adds only records marked #carved
expect_rc 0 "--carve on a clean file" -- "$UG" events -q --carve "$BIG"
python3 -c 'import json,sys; ev=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if len(ev) >= int(sys.argv[2]) else 1)' \
	"$TMP/out" "$(wc -l <"$TMP/orig.jsonl")" && pass "--carve keeps every allocated record" || fail "--carve lost records"
python3 - "$BIG" "$TMP/d/slack.evtx" <<'PYEOF'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], "rb").read())
c = 4096                                    # chunk 0: move its free-space offset back
fso = struct.unpack_from("<I", data, c + 48)[0]
last = struct.unpack_from("<I", data, c + 44)[0]
struct.pack_into("<I", data, c + 48, last)  # the last record is now in slack
struct.pack_into("<I", data, c + 52, zlib.crc32(bytes(data[c + 512:c + last])))
struct.pack_into("<I", data, c + 124, zlib.crc32(bytes(data[c + 128:c + 512]), zlib.crc32(bytes(data[c:c + 120]))))
open(sys.argv[2], "wb").write(data)
PYEOF
"$UG" events -q "$TMP/d/slack.evtx" >"$TMP/slack.plain"
"$UG" events -q --carve "$TMP/d/slack.evtx" >"$TMP/slack.carved"
a=$(wc -l <"$TMP/slack.plain"); b=$(grep -c '"#carved":"chunk slack"' "$TMP/slack.carved")
[ "$b" -ge 1 ] && [ "$(wc -l <"$TMP/slack.carved")" -gt "$a" ] && pass "--carve recovered $b record(s) from slack" ||
	fail "--carve found nothing in slack ($a plain, $b carved)"

# 6. XML rendering: well-formed, one <Event> per record
"$UG" events -q --format-out xml "$BIG" >"$TMP/x.xml"
python3 - "$TMP/x.xml" "$(wc -l <"$TMP/orig.jsonl")" <<'PYEOF' && pass "--format-out xml: well-formed, one Event per record" || fail "bad XML output"
import re, sys, xml.etree.ElementTree as ET
text = open(sys.argv[1], encoding="utf-8").read()
docs = re.findall(r"<Event .*?</Event>", text, re.S)
for d in docs:
    ET.fromstring(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", d))
sys.exit(0 if len(docs) == int(sys.argv[2]) else 1)
PYEOF
# 7. fast path = reference path (UG_EVTX_SLOW: every record walked, every
# chunk's templates its own): events, skips and summary, byte for byte
same_as_slow() { # DESCRIPTION ARGS...
	local what=$1; shift
	"$UG" events "$@" >"$TMP/fast.out" 2>&1
	local a=$?
	UG_EVTX_SLOW=1 "$UG" events "$@" >"$TMP/slow.out" 2>&1
	local b=$?
	if [ $a = $b ] && cmp -s "$TMP/fast.out" "$TMP/slow.out"; then
		pass "fast path = reference path: $what ($(grep -c . "$TMP/fast.out") lines)"
	else
		fail "fast path differs from the reference path: $what (exit $a / $b)"
		diff "$TMP/slow.out" "$TMP/fast.out" | head -10 | sed 's/^/  | /' >&2
	fi
}
same_as_slow "samples" -j2 "$SAMPLES" "$SIGMA"
same_as_slow "samples, --carve, 1 thread" -j1 --carve "$SAMPLES" "$SIGMA"
same_as_slow "samples, XML" -j2 --format-out xml "$SAMPLES" "$SIGMA"
# many samples' chunks in one file (blocks share templates across sources),
# then damaged: bytes changed anywhere and in template definitions
python3 "$HERE/../../bench/make_evtx.py" "$TMP/mix.evtx" 12 "$SAMPLES" "$SIGMA" >/dev/null
python3 - "$TMP/mix.evtx" "$TMP/d" <<'PYEOF'
import random, sys
data = open(sys.argv[1], "rb").read()
chunks = (len(data) - 4096) // 65536
for seed in range(4):
    rnd = random.Random(seed)
    f = bytearray(data)
    for _ in range(40 * (seed + 1)):
        c = 4096 + rnd.randrange(chunks) * 65536
        o = c + (rnd.randrange(512, 3072) if rnd.random() < 0.6 else rnd.randrange(65536))
        f[o] = rnd.randrange(256) if seed % 2 else f[o] ^ (1 << rnd.randrange(8))
    open("%s/mix-damaged-%d.evtx" % (sys.argv[2], seed), "wb").write(f)
PYEOF
same_as_slow "mixed chunks" -j2 "$TMP/mix.evtx"
for f in "$TMP"/d/mix-damaged-*.evtx; do
	same_as_slow "${f##*/}" -j1 --carve "$f"
done

finish
