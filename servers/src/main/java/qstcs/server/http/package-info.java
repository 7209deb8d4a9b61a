/**
 * HTTP plumbing both servers share: the route table ({@link qstcs.server.http.RouteTable}) that
 * guards every route with its access class and latency metric and derives the 404/405 answers
 * from the routes that exist, the connection gate ({@link qstcs.server.http.ConnectionGate})
 * that bounds request-head time and connections per address and per listener, and the one rule
 * ({@link qstcs.server.http.ConnectionBudget}) that derives a listener's connection cap from the
 * heap each server says one of its connections costs.
 */
package qstcs.server.http;
