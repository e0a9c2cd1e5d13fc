# Sourced by the bench scripts: two fresh network namespaces joined by a veth pair, both sides up.
# veth_pair SERVER_NS CLIENT_NS SERVER_IF CLIENT_IF SERVER_CIDR CLIENT_CIDR
veth_pair() {
  ip netns add "$1"; ip netns add "$2"
  ip link add "$3" type veth peer name "$4"
  ip link set "$3" netns "$1"; ip link set "$4" netns "$2"
  ip -n "$1" addr add "$5" dev "$3"; ip -n "$2" addr add "$6" dev "$4"
  for ns in "$1" "$2"; do ip -n "$ns" link set lo up; done
  ip -n "$1" link set "$3" up; ip -n "$2" link set "$4" up
}
