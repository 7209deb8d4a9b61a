/**
 * HTTP plumbing both servers share: the route table ({@link qstcs.server.http.RouteTable}) that
 * guards every route with its access class and latency metric and derives the 404/405 answers
 * from the routes that exist, and the connection gate ({@link qstcs.server.http.ConnectionGate})
 * that bounds request-head time and connections per address on every listener.
 */
package qstcs.server.http;
