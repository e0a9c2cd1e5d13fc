#!/usr/bin/env python3
"""Regenerates the seed corpora under fuzz/corpus/ (README.md: "Seed corpora").

dhcp: the UDP payloads of every DHCP message in ../../shared/testdata/pcap (real SeaBIOS/iPXE, OVMF and dnsmasq
packets), one file per distinct payload. tftp: the TFTP datagrams of those captures plus hand-written ACK, DATA,
ERROR, OACK and WRQ packets. http: hand-written request heads. dhcp6: the DHCPv6 payloads of tests/PxePowerShell.Engine.Tests/Dhcp6/Vectors/*.pcap (OVMF's PXEv6 Solicit) plus
hand-written messages (Request, Renew, Release, Information-request, an HTTPClient and an iPXE Solicit with rapid
commit, a Relay-forw, a Reply with every option we write). iso: small images made with xorriso and genisoimage
(plain ISO 9660, Rock Ridge + Joliet with symbolic links, El Torito), written without their 32 KB system area, which
the iso harness adds back.
"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
PCAPS = os.path.join(HERE, "..", "..", "shared", "testdata", "pcap")
VECTORS6 = os.path.join(HERE, "..", "tests", "PxePowerShell.Engine.Tests", "Dhcp6", "Vectors")


def udp_payloads(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    offset = 24
    while offset + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        if linktype == 1:  # Ethernet
            if len(frame) < 14 or frame[12:14] != b"\x08\x00":
                continue
            ip = frame[14:]
        elif linktype == 113:  # Linux cooked
            ip = frame[16:]
        else:
            ip = frame
        if len(ip) < 20 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        udp = ip[ihl:]
        sport, dport, length = struct.unpack(">HHH", udp[:6])
        yield sport, dport, udp[8:length]


def write(target, name, payload):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(payload)


def dhcp_and_tftp():
    seen = set()
    for pcap in sorted(os.listdir(PCAPS)):
        stem = pcap.rsplit(".", 1)[0]
        for sport, dport, payload in udp_payloads(os.path.join(PCAPS, pcap)):
            digest = hashlib.sha1(payload).hexdigest()[:10]
            if digest in seen:
                continue
            if {sport, dport} & {67, 68, 4011}:
                seen.add(digest)
                write("dhcp", f"{stem}-{digest}", payload)
            elif dport == 69 or payload[:2] in (b"\x00\x01", b"\x00\x02", b"\x00\x04", b"\x00\x05", b"\x00\x06"):
                seen.add(digest)
                write("tftp", f"{stem}-{digest}", payload)

    write("tftp", "rrq-all-options", b"\x00\x01boot/x86_64/vmlinuz\x00octet\x00blksize\x001468\x00tsize\x000\x00timeout\x003\x00windowsize\x0016\x00")
    write("tftp", "rrq-netascii", b"\x00\x01pxelinux.cfg/default\x00netascii\x00")
    write("tftp", "wrq-tsize", b"\x00\x02upload.bin\x00octet\x00tsize\x001048576\x00blksize\x00512\x00")
    write("tftp", "ack-0", b"\x00\x04\x00\x00")
    write("tftp", "ack-1", b"\x00\x04\x00\x01")
    write("tftp", "data-1", b"\x00\x03\x00\x01" + bytes(range(64)))
    write("tftp", "error-option", b"\x00\x05\x00\x08option refused\x00")
    write("tftp", "oack", b"\x00\x06blksize\x001408\x00tsize\x0012345\x00")


def udp6_payloads(path):
    """UDP payloads of IPv6 frames (Ethernet, no extension headers) of a little-endian classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    offset = 24
    while offset + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + incl]
        offset += 16 + incl
        if len(frame) >= 62 and frame[12:14] == b"\x86\xdd" and frame[20] == 17:
            udp = frame[54:]
            length = struct.unpack(">H", udp[4:6])[0]
            yield udp[8:length]


def opt6(code, value):
    return struct.pack(">HH", code, len(value)) + value


def strings6(*items):
    return b"".join(struct.pack(">H", len(i)) + i for i in items)


def dhcp6():
    seen = set()
    for pcap in sorted(os.listdir(VECTORS6)):
        for payload in udp6_payloads(os.path.join(VECTORS6, pcap)):
            digest = hashlib.sha1(payload).hexdigest()[:10]
            if digest not in seen:
                seen.add(digest)
                write("dhcp6", f"{pcap.rsplit('.', 1)[0]}-{digest}", payload)
    client = opt6(1, bytes.fromhex("00030001525400123457"))
    server = opt6(2, bytes.fromhex("00030001020000000001"))
    oro = opt6(6, struct.pack(">HHH", 59, 60, 23))
    arch7 = opt6(61, struct.pack(">H", 7)) + opt6(62, b"\x01\x03\x00")
    ia = opt6(3, struct.pack(">III", 7, 0, 0))
    ia_addr = opt6(3, struct.pack(">III", 7, 1800, 2880) + opt6(5, bytes.fromhex("20010db8000000000000000000000100") + struct.pack(">II", 3600, 3600)))
    pxe = opt6(16, struct.pack(">I", 343) + strings6(b"PXEClient:Arch:00007:UNDI:003000"))
    http = opt6(16, struct.pack(">I", 343) + strings6(b"HTTPClient:Arch:00016:UNDI:003000"))
    seeds = {
        "request": b"\x03\x00\x00\x02" + client + server + oro + arch7 + pxe + ia_addr,
        "renew": b"\x05\x00\x00\x03" + client + server + ia_addr,
        "release": b"\x08\x00\x00\x04" + client + server + ia_addr,
        "information-request": b"\x0b\x00\x00\x05" + client + oro + arch7 + pxe,
        "http-solicit-rapid-commit": b"\x01\x00\x00\x06" + client + oro + opt6(61, struct.pack(">H", 16)) + http + ia + opt6(14, b""),
        "ipxe-solicit": b"\x01\x00\x00\x07" + client + oro + arch7 + opt6(15, strings6(b"iPXE")) + ia,
        "reply-every-option": b"\x07\x00\x00\x08" + server + client + ia_addr + opt6(59, b"tftp://[2001:db8::1]/ipxe.efi")
        + opt6(60, strings6(b"console=ttyS0")) + opt6(13, b"\x00\x00ok") + opt6(7, b"\xff") + opt6(23, bytes(16)),
    }
    inner = seeds["ipxe-solicit"]
    seeds["relay-forward"] = (b"\x0c\x00" + bytes.fromhex("20010db8000100000000000000000001") + bytes.fromhex("fe80000000000000505400fffe123457")
                              + opt6(18, b"port7") + opt6(79, b"\x00\x01\x52\x54\x00\x12\x34\x57") + opt6(9, inner))
    for name, payload in seeds.items():
        write("dhcp6", name, payload)


def http():
    heads = {
        "get": b"GET /pxelinux.0 HTTP/1.1\r\nHost: 192.0.2.1\r\nUser-Agent: iPXE/1.21.1\r\nConnection: keep-alive\r\n\r\n",
        "head-10": b"HEAD /boot/vmlinuz HTTP/1.0\r\n\r\n",
        "range": b"GET /iso/arch/boot/x86_64/vmlinuz-linux HTTP/1.1\r\nHost: pxe\r\nRange: bytes=0-1023,2048-,-512\r\n"
                 b"If-Range: \"5f3a1c2e-1000\"\r\n\r\n",
        "conditional": b"GET /menu.ipxe HTTP/1.1\r\nHost: pxe\r\nIf-None-Match: W/\"1-2\", \"5f3a1c2e-1000\"\r\n"
                       b"If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nIf-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n"
                       b"If-Match: *\r\n\r\n",
        "pipelined": b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "absolute-percent": b"GET http://192.0.2.1/boot/%E2%9C%93%20x.efi?arch=x64#frag HTTP/1.1\n"
                            b"Content-Length: 0\nTransfer-Encoding: chunked\n\n",
        "bare-lf-leading-empty": b"\r\n\r\nGET /grub/grub.cfg HTTP/1.1\nHost: x\nRange: bytes=100-50\n\n",
        "post": b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    }
    for name, head in heads.items():
        write("http", name, head)


def iso():
    if not shutil.which("xorriso") or not shutil.which("genisoimage"):
        sys.exit("xorriso and genisoimage are needed for the iso seeds (apt-get install xorriso genisoimage)")
    with tempfile.TemporaryDirectory() as tmp:
        tree = os.path.join(tmp, "tree")
        os.makedirs(os.path.join(tree, "boot", "x86_64"))
        os.makedirs(os.path.join(tree, "isolinux"))
        with open(os.path.join(tree, "boot", "x86_64", "vmlinuz-linux"), "wb") as f:
            f.write(bytes(range(256)) * 3)
        with open(os.path.join(tree, "isolinux", "isolinux.cfg"), "w") as f:
            f.write("DEFAULT arch\nLABEL arch\n  KERNEL /boot/x86_64/vmlinuz-linux\n  APPEND archisobasedir=arch\n")
        with open(os.path.join(tree, "isolinux", "isolinux.bin"), "wb") as f:
            f.write(b"\xfa" + bytes(2047))
        with open(os.path.join(tree, "A Long File Name.txt"), "w") as f:
            f.write("long\n")
        os.symlink("boot/x86_64/vmlinuz-linux", os.path.join(tree, "latest"))
        os.symlink("loop2", os.path.join(tree, "loop1"))
        os.symlink("loop1", os.path.join(tree, "loop2"))
        images = {
            "iso9660": ["xorriso", "-as", "mkisofs", "-quiet", "-V", "PLAIN", "-o", "{out}", tree],
            "rockridge-joliet": ["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "RRJ", "-o", "{out}", tree],
            "eltorito": ["xorriso", "-as", "mkisofs", "-quiet", "-R", "-V", "ARCH_202601", "-b", "isolinux/isolinux.bin",
                         "-c", "isolinux/boot.cat", "-no-emul-boot", "-boot-load-size", "4", "-o", "{out}", tree],
            "genisoimage": ["genisoimage", "-quiet", "-r", "-J", "-V", "GENISO", "-o", "{out}", tree],
        }
        for name, command in images.items():
            out = os.path.join(tmp, name + ".iso")
            subprocess.run([a.replace("{out}", out) for a in command], check=True)
            with open(out, "rb") as f:
                image = f.read()
            # Trailing zero padding (xorriso adds 300 KB) holds nothing the reader looks at.
            body = image[32768:].rstrip(b"\x00")
            body += bytes((-len(body)) % 2048)
            write("iso", name, body)


if __name__ == "__main__":
    for target in ("dhcp", "dhcp6", "tftp", "http", "iso"):
        shutil.rmtree(os.path.join(CORPUS, target), ignore_errors=True)
    dhcp_and_tftp()
    dhcp6()
    http()
    iso()
    for target in ("dhcp", "dhcp6", "tftp", "http", "iso"):
        files = os.listdir(os.path.join(CORPUS, target))
        size = sum(os.path.getsize(os.path.join(CORPUS, target, f)) for f in files)
        print(f"{target}: {len(files)} seeds, {size} bytes")
