/**
 * Tests of {@code router_guard.sh}: its command line and shellcheck cleanliness, and its real
 * behaviour on a router built from Linux network namespaces, with real iptables/nft rules, BusyBox
 * {@code sh}/{@code wget} and the real Java KMS and relay running in a server namespace.
 */
package qstcs.guard;
