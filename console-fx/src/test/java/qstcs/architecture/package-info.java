/**
 * Rules about which package of the desktop module may use which, checked on compiled classes so
 * that a violation fails the build instead of waiting for a reviewer.
 */
package qstcs.architecture;
