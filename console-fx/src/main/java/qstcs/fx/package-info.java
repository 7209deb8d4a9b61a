/**
 * Small JavaFX pieces shared by the SOC console and the chat window: placing a window where the
 * demo launcher asks, and drawing and reading QR codes (enrollment strings, safety numbers).
 * Nothing here talks to the network.
 */
package qstcs.fx;
