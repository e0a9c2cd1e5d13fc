#!/usr/bin/python3
"""Scripted DHCP/PXE clients for the dnsmasq round-trip oracle: one DISCOVER per profile on port 67 (broadcast), every
reply recorded; when the reply is a PXE menu or a proxy offer without a file, the REQUEST to port 4011 naming the first
menu item (or no item) is sent and its ACK recorded too. Prints one JSON object: profile -> decisions."""
import json, socket, struct, sys, time, os

server = sys.argv[1]
iface = sys.argv[2]
wait = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
PRL = [1, 3, 6, 12, 15, 28, 42, 43, 51, 54, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135]
PROFILES = [
    ("bios", 0, "PXEClient:Arch:00000:UNDI:002001", None),
    ("efi-ia32", 6, "PXEClient:Arch:00006:UNDI:003016", None),
    ("efi-bc", 7, "PXEClient:Arch:00007:UNDI:003016", None),
    ("efi-x64", 9, "PXEClient:Arch:00009:UNDI:003016", None),
    ("efi-arm32", 10, "PXEClient:Arch:00010:UNDI:003016", None),
    ("efi-arm64", 11, "PXEClient:Arch:00011:UNDI:003016", None),
    ("http-x64", 16, "HTTPClient:Arch:00016:UNDI:003001", None),
    ("ipxe-bios", 0, "PXEClient:Arch:00000:UNDI:002001", "iPXE"),
    ("ipxe-efi", 7, "PXEClient:Arch:00007:UNDI:003016", "iPXE"),
    ("plain", None, "MSFT 5.0", None),
]

def options(data):
    out, i = {}, 0
    while i < len(data):
        code = data[i]
        if code == 255: break
        if code == 0: i += 1; continue
        n = data[i + 1]; out.setdefault(code, b""); out[code] += data[i + 2:i + 2 + n]; i += 2 + n
    return out

def packet(xid, mac, mtype, arch, vendor, user, ciaddr="0.0.0.0", item=None, requested=None, sid=None):
    p = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, socket.inet_aton(ciaddr), b"\0" * 4, b"\0" * 4, b"\0" * 4,
                    mac + b"\0" * 10, b"", b"")
    o = bytes([99, 130, 83, 99, 53, 1, mtype, 55, len(PRL)]) + bytes(PRL) + bytes([57, 2, 5, 192])
    o += bytes([60, len(vendor)]) + vendor.encode()
    if arch is not None:
        o += bytes([93, 2]) + struct.pack("!H", arch) + bytes([94, 3, 1, 3, 16, 97, 17, 0]) + bytes(range(16))
    if user:
        o += bytes([77, len(user)]) + user.encode() + bytes([175, 6, 0x13, 1, 1, 0x11, 1, 1])
    if item is not None:
        o += bytes([43, 7, 71, 4]) + struct.pack("!HH", item, 0) + bytes([255])
    if requested: o += bytes([50, 4]) + socket.inet_aton(requested)
    if sid: o += bytes([54, 4]) + socket.inet_aton(sid)
    return p + o + bytes([255])

def decode(data, sender):
    op, _, _, _, xid, _, flags, ci, yi, si, gi, ch, sname, file = struct.unpack("!BBBBIHH4s4s4s4s16s64s128s", data[:236])
    opts = options(data[240:])
    r = {"from": sender, "type": opts.get(53, b"\0")[0], "yiaddr": socket.inet_ntoa(yi), "siaddr": socket.inet_ntoa(si),
         "file": file.split(b"\0")[0].decode("latin1"), "sname": sname.split(b"\0")[0].decode("latin1"), "options": {}}
    for code, value in sorted(opts.items()):
        if code == 43:
            sub = options(value); menu = []
            m = sub.get(9, b"")
            j = 0
            while j + 3 <= len(m):
                t, n = struct.unpack("!HB", m[j:j + 3]); menu.append([t, m[j + 3:j + 3 + n].decode("latin1")]); j += 3 + n
            r["pxe"] = {"control": sub[6][0] if 6 in sub else None, "menu": menu,
                        "prompt": [sub[10][0], sub[10][1:].decode("latin1")] if 10 in sub else None,
                        "item": list(struct.unpack("!HH", sub[71][:4])) if 71 in sub else None}
        else:
            r["options"][str(code)] = value.hex()
    return r

def exchange(sock, msg, dest, xid, wait):
    sock.sendto(msg, dest)
    got, end = [], time.time() + wait
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            data, sender = sock.recvfrom(4096)
        except socket.timeout:
            break
        if len(data) >= 240 and data[0] == 2 and struct.unpack("!I", data[4:8])[0] == xid:
            got.append(decode(data, sender[0]))
    return got

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, 25, iface.encode() + b"\0")
s.bind(("0.0.0.0", 68))
me = sys.argv[4] if len(sys.argv) > 4 else "0.0.0.0"
def collect(sock, wanted, wait):
    got, end = {x: [] for x in wanted}, time.time() + wait
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            data, sender = sock.recvfrom(4096)
        except socket.timeout:
            break
        xid = struct.unpack("!I", data[4:8])[0] if len(data) >= 240 else None
        if data[0] == 2 and xid in got:
            got[xid].append(decode(data, sender[0]))
    return got

base = 0x5a000000 + (int(time.time() * 1000) % 0xffff) * 64
sent = {}
for n, (name, arch, vendor, user) in enumerate(PROFILES):
    mac = bytes([0x52, 0x54, 0x00, 0x0a, 0x0b, n + 1])
    s.sendto(packet(base + n * 2, mac, 1, arch, vendor, user), ("255.255.255.255", 67))
    sent[base + n * 2] = (name, mac, arch, vendor, user)
offers = collect(s, sent.keys(), wait)
result = {v[0]: {"offers": offers[x]} for x, v in sent.items()}
acks = {}
for x, (name, mac, arch, vendor, user) in sent.items():
    for offer in offers[x]:
        pxe = offer.get("pxe")
        if offer["yiaddr"] == "0.0.0.0" and (pxe and pxe["menu"] or not offer["file"]):
            item = pxe["menu"][0][0] if pxe and pxe["menu"] else None
            s.sendto(packet(x + 1, mac, 3, arch, vendor, user, ciaddr=me, item=item), (server, 4011))
            acks[x + 1] = name
            break
if acks:
    for x, replies in collect(s, acks.keys(), min(wait, 1.0)).items():
        result[acks[x]]["ack4011"] = replies
print(json.dumps(result, indent=1, sort_keys=True))
