/**
 * Kubernetes NetworkPolicy ({@code networking.k8s.io/v1}) semantics: which connections
 * between pods and outside addresses the policies of a cluster allow, and why.
 *
 * <p>
 * Input is the real fabric8 {@code NetworkPolicy} type (read from YAML with
 * {@link dev.packetwalk.netpol.PolicyYaml}), compiled and validated by
 * {@link dev.packetwalk.netpol.PolicyCompiler} into {@link dev.packetwalk.netpol.Policy}
 * records. {@link dev.packetwalk.netpol.PolicyEngine#evaluate} answers for one post-DNAT
 * {@link dev.packetwalk.netpol.Connection} with a {@link dev.packetwalk.netpol.Verdict}
 * that explains egress (on the source pod) and ingress (on the destination pod)
 * separately. {@link dev.packetwalk.netpol.ReachabilityMatrix} prints the X/. grids of
 * the upstream e2e suite.
 *
 * <p>
 * Choices where the API leaves room (each documented where it is made):
 * <ul>
 * <li>ipBlock peers match pod IPs too, as the upstream e2e tests and most CNIs do
 * ({@code should allow egress access
 * to server in CIDR block} selects a pod by its IP).</li>
 * <li>Traffic from the destination pod's own node IPs is allowed for ingress (NP-API);
 * egress to the own node is not exempt (NP-API says nothing about it, and CNIs
 * differ).</li>
 * <li>A pod talking to itself is always allowed (NP-DOC: "a pod cannot block access to
 * itself"; upstream e2e {@code AllowLoopback}).</li>
 * <li>Deny is defined for TCP, UDP and SCTP; an ICMP connection matches a rule only when
 * the rule lists no ports. A port entry matches connections of its protocol only (SCTP
 * associations by their destination port, {@code endPort} ranges included).</li>
 * <li>A named port matches when the port-owning pod has a container port of that name
 * <em>and</em> the rule's protocol.</li>
 * </ul>
 */
package dev.packetwalk.netpol;
