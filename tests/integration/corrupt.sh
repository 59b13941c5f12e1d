#!/usr/bin/env bash
# corrupt.sh — damaged input never crashes or hangs the readers, and is never
# silent: truncations (plain and gzip), bit flips, NUL bytes, invalid UTF-8,
# UTF-16 files, a 50 MB line, binary junk. Each damaged file must give exit 0
# or 3 within the time limit; where records were skipped, stderr names
# FILE:LINE and the reason; the good records around the damage are still read.
. "$(dirname "$0")/lib.sh"
PY=$(command -v python3) || skip "python3 needed to make the damaged corpus"
mkdir -p "$TMP/c"
"$PY" - "$TMP/c" <<'PYEOF'
import gzip, json, os, random, sys
out = sys.argv[1]
rnd = random.Random(20260120)
def w(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
# well-formed originals, one per format family
squid = "".join("%d.%03d %d 10.0.%d.%d TCP_MISS/200 %d GET http://upd.example.com/f%d.bin - HIER_DIRECT/198.51.100.%d application/octet-stream\n"
                % (1768903200 + i, i % 1000, i % 500, i % 3, i % 200 + 1, i * 11, i, i % 250 + 1) for i in range(2000)).encode()
zeek = ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]\n"
        + "".join("%d.5\tC%d\t10.0.0.%d\t5%03d\t10.0.0.1\t53\tudp\thost%d.example.com\t192.0.2.%d\n"
                  % (1768903200 + i, i, i % 200 + 1, i % 1000, i, i % 250 + 1) for i in range(2000))).encode()
ecs = "".join(json.dumps({"@timestamp": "2026-01-20T10:%02d:%02d.000Z" % (i // 60 % 60, i % 60),
        "host": {"name": "WS-IN-%04d" % (i % 50)},
        "winlog": {"channel": "Microsoft-Windows-Sysmon/Operational", "event_id": 1, "computer_name": "WS-IN-%04d.corp.example" % (i % 50),
                   "event_data": {"Image": "C:\\\\Windows\\\\System32\\\\cmd.exe", "CommandLine": "cmd /c echo %d" % i}}}) + "\n"
        for i in range(2000)).encode()
csv = ("time,host,Image,CommandLine\n" + "".join("2026-01-20T10:00:%02dZ,ws-%d,C:\\\\x%d.exe,x%d /q\n" % (i % 60, i % 9, i, i) for i in range(2000))).encode()
originals = {"squid.log": squid, "dns.log": zeek, "ecs.json": ecs, "edr.csv": csv}
for name, data in originals.items():
    w("ok-" + name, data)
    for k, cut in enumerate(sorted(rnd.sample(range(1, len(data)), 3))):
        w("trunc%d-%s" % (k, name), data[:cut])
    gz = gzip.compress(data)
    w("gztrunc-%s.gz" % name, gz[: len(gz) * 2 // 3])
    for k in range(3):
        b = bytearray(data)
        for _ in range(40):
            p = rnd.randrange(len(b))
            b[p] ^= 1 << rnd.randrange(8)
        w("flip%d-%s" % (k, name), bytes(b))
    b = bytearray(gz)
    for _ in range(5):
        b[rnd.randrange(20, len(b))] ^= 0xff
    w("gzflip-%s.gz" % name, bytes(b))
    lines = data.split(b"\n")
    lines[len(lines) // 2] = lines[len(lines) // 2][:20] + b"\x00\x00" + lines[len(lines) // 2][20:]
    lines[len(lines) // 3] = lines[len(lines) // 3] + b"\xff\xfe\xc0\xaf"
    w("nulutf8-" + name, b"\n".join(lines))
    w("utf16-" + name, b"\xff\xfe" + data.decode().encode("utf-16-le"))
    w("mixed-" + name, data[: len(data) // 2] + data[len(data) // 2 :].decode().encode("utf-16-le"))
# a 50 MB line in the middle of a Squid log, and plain junk
w("hugeline-squid.log", squid[:5000] + b"1768903200.000 1 10.0.0.1 TCP_MISS/200 1 GET http://x/" + b"A" * (50 << 20) + b" - HIER_NONE/- -\n" + squid[5000:])
w("junk.bin", bytes(rnd.randrange(256) for _ in range(200000)))
w("empty.log", b"")
PYEOF

for f in "$TMP"/c/*; do
	name=$(basename "$f")
	timeout 120 "$UG" events "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0 | 3) ;;
	124) fail "$name: hung (killed after 120 s)"; continue ;;
	*) fail "$name: exit $rc"; sed 's/^/  | /' "$TMP/err" | tail -5 >&2; continue ;;
	esac
	n=$(wc -l <"$TMP/out")
	case $name in
	ok-*)
		[ "$rc" = 0 ] && [ "$n" = 2000 ] && pass "$name: 2000 events, nothing skipped" \
			|| fail "$name: exit $rc, $n events" ;;
	junk.bin | empty.log)
		[ "$n" = 0 ] && pass "$name: no events, no crash" || fail "$name: $n events from junk" ;;
	*)
		if [ "$rc" = 3 ]; then
			grep -qE "^$f(:[0-9]+|: |:offset)" "$TMP/err" && pass "$name: $n events, damage reported with its place" \
				|| { fail "$name: skipped but not reported as FILE:LINE"; head -3 "$TMP/err" >&2; }
		else
			pass "$name: $n events, damage harmless"
		fi
		case $name in hugeline-*)
			[ "$n" = 2000 ] && pass "$name: the 2000 good lines around it read" || fail "$name: $n of 2000 good lines" ;;
		nulutf8-*)
			[ "$n" -ge 1990 ] && pass "$name: good lines read ($n)" || fail "$name: only $n good lines" ;;
		esac ;;
	esac
done
finish
