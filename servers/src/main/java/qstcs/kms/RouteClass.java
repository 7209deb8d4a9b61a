package qstcs.kms;

/**
 * Who may call a route (DESIGN.md §4 and §7). The identity issue attaches credentials to each
 * class: none for PUBLIC, a device token for DEVICE, the operator token for OPERATOR, the router
 * token for ROUTER.
 */
enum RouteClass {
    /** Read-only link state and observability; plain and TLS listeners. */
    PUBLIC,
    /** Key requests of soldiers' devices; TLS only once identities exist. */
    DEVICE,
    /** Attack, reset, Eve, events, audit; TLS only once identities exist. */
    OPERATOR,
    /** Heartbeats of the router guard (BusyBox wget speaks plain HTTP); plain and TLS. */
    ROUTER
}
