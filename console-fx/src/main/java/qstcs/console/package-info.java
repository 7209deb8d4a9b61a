/**
 * The SOC console: a JavaFX dashboard (TilesFX) where the operator watches the simulated BB84
 * link live through the KMS event stream, forces an attack, resets the system and steers the
 * eavesdropper. The model holds only properties and commands; views bind to it and all network
 * work runs off the FX thread.
 */
package qstcs.console;
