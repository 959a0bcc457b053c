#!/bin/bash
# Regenerates the *.saved fixtures: loads each *.restore file into a fresh private network
# namespace with the real iptables-restore and records what iptables-save prints there:
#   ip netns add pwnf-<pid>-<n>; ip netns exec ... iptables-restore < f; ip netns exec ... iptables-save
# Run as root. Recorded with iptables v1.8.9 (nf_tables) on Debian 12 (see VERSION); ipset is
# needed for the -m set rules. The host's own rules are never touched; namespaces are always deleted.
set -eu
cd "$(dirname "$0")"
NS=""
cleanup() { [ -n "$NS" ] && ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
n=0
for f in *.restore; do
	n=$((n + 1))
	NS="pwnf-$$-$n"
	ip netns add "$NS"
	ip netns exec "$NS" ipset create KUBE-CLUSTER-IP hash:ip,port
	ip netns exec "$NS" ipset create KUBE-LOOP-BACK hash:ip,port,ip
	ip netns exec "$NS" iptables-restore < "$f"
	ip netns exec "$NS" iptables-save > "${f%.restore}.saved"
	ip netns del "$NS"
	NS=""
done
echo "iptables: $(iptables --version)" > VERSION
