/**
 * The BB84 step visualiser of the SOC console: it runs one small traced round locally with the
 * real engine ({@code qstcs.crypto.qkd}) and replays it step by step, a row per qubit. The
 * channel is simulated and the round's bits are demonstration data, never pool key material.
 */
package qstcs.console.visualiser;
