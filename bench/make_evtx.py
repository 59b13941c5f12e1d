#!/usr/bin/env python3
"""make_evtx.py OUT MB SAMPLES... — a large EVTX for the benchmark: every
valid (signature and header checksum) and well-filled (free-space offset
past 48 KiB, as in live logs: most sample files are a few records in one
chunk) chunk of the sample files, repeated in
order up to MB megabytes, behind a correct file header (chunk count, next
record id, checksum). Chunks are self-contained, so the result is a valid
EVTX whose records repeat (their EventRecordIDs too)."""
import os
import struct
import sys
import zlib

out, mb, tops = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
chunks = []
for top in tops:
    for d, _, fs in sorted(os.walk(top)):
        for f in sorted(fs):
            if not f.endswith(".evtx"):
                continue
            data = open(os.path.join(d, f), "rb").read()
            for off in range(4096, len(data) - 65535, 65536):
                c = data[off:off + 65536]
                crc = zlib.crc32(c[128:512], zlib.crc32(c[:120]))
                fso = struct.unpack_from("<I", c, 48)[0]
                if c[:8] == b"ElfChnk\0" and crc == struct.unpack_from("<I", c, 124)[0] and fso > 49152:
                    chunks.append(c)
if not chunks:
    sys.exit("no valid chunks found")
n = mb * 1000000 // 65536
n = min(n, 65535)  # the header counts chunks in 16 bits
hdr = bytearray(4096)
hdr[:8] = b"ElfFile\0"
struct.pack_into("<QQQIHHHH", hdr, 8, 0, n - 1, 1, 128, 1, 3, 4096, n)
struct.pack_into("<I", hdr, 120, 0)  # flags: clean
struct.pack_into("<I", hdr, 124, zlib.crc32(bytes(hdr[:120])))
with open(out, "wb") as f:
    f.write(hdr)
    for i in range(n):
        f.write(chunks[i % len(chunks)])
print("%s: %d chunks (%d distinct), %d MB" % (out, n, len(chunks), (4096 + n * 65536) // 1000000))
