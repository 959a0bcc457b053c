#!/bin/bash
# Cross-checks printed rule sets against the real iptables-save: for each FILE given (text the
# model printed with RuleSet.print()), load it with iptables-restore into a fresh private network
# namespace and diff what iptables-save prints there (less its '#' lines) with FILE. Run as root.
# Used during development on 150 rule sets from RoundTripProperties.RandomRuleSets (seeds 0-149):
# all identical with iptables v1.8.9 (nf_tables).
set -u
NS=""
trap '[ -n "$NS" ] && ip netns del "$NS" 2>/dev/null' EXIT
ok=0; bad=0
for f in "$@"; do
	NS="pwnf-$$-check"
	ip netns add "$NS" || exit 1
	ip netns exec "$NS" ipset create KUBE-CLUSTER-IP hash:ip,port
	ip netns exec "$NS" ipset create KUBE-LOOP-BACK hash:ip,port,ip
	if ! ip netns exec "$NS" iptables-restore < "$f"; then
		echo "iptables-restore refused $f"; bad=$((bad + 1))
	elif ip netns exec "$NS" iptables-save | grep -v '^#' | diff "$f" - > /dev/null; then
		ok=$((ok + 1))
	else
		echo "differs: $f"; bad=$((bad + 1))
	fi
	ip netns del "$NS"; NS=""
done
echo "identical=$ok different=$bad"
[ "$bad" -eq 0 ]
