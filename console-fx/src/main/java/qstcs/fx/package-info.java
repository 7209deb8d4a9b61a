/**
 * Small JavaFX pieces shared by the SOC console and the chat window, such as placing a window
 * where the demo launcher asks. Nothing here talks to the network.
 */
package qstcs.fx;
