# A DHCP client for the Pester suite (python3-scapy, run with /usr/bin/python3): DISCOVER, OFFER, REQUEST, ACK from
# a MAC address of our choosing on an interface (raw frames from 0.0.0.0, broadcast flag set), optionally as PXE firmware
# of an architecture (option 93). Prints the address acknowledged; exit code 1 when no OFFER or no ACK came.
# Usage: dhcp-client.py IFACE MAC [ARCH]
import sys
from scapy.all import conf, Ether, IP, UDP, BOOTP, DHCP, srp1
conf.checkIPaddr = False
conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2].replace('-', ':').lower()
chaddr = bytes.fromhex(mac.replace(':', ''))
extra = []
if len(sys.argv) > 3:
    arch = int(sys.argv[3])
    extra = [('pxe_client_architecture', arch.to_bytes(2, 'big')), ('vendor_class_id', f'PXEClient:Arch:{arch:05d}:UNDI:003016'.encode())]

def exchange(kind, xid, more):
    frame = (Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=67)
             / BOOTP(chaddr=chaddr, xid=xid, flags=0x8000) / DHCP(options=[('message-type', kind)] + extra + more + ['end']))
    return srp1(frame, iface=iface, timeout=5)

offer = exchange('discover', 0x5A5A0001, [])
if offer is None or offer[BOOTP].yiaddr == '0.0.0.0':
    print('no OFFER', file=sys.stderr)
    sys.exit(1)
server = dict(o for o in offer[DHCP].options if isinstance(o, tuple) and len(o) == 2).get('server_id')
ack = exchange('request', 0x5A5A0002, [('requested_addr', offer[BOOTP].yiaddr), ('server_id', server)])
if ack is None or dict(o for o in ack[DHCP].options if isinstance(o, tuple) and len(o) == 2).get('message-type') != 5:
    print('no ACK', file=sys.stderr)
    sys.exit(1)
print(ack[BOOTP].yiaddr)
