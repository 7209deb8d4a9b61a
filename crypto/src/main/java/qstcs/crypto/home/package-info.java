/**
 * The local state directory every QSTCS program shares on a machine ({@code --home},
 * {@code $QSTCS_HOME}, {@code ~/.qstcs}) and the owner-only files and directories in it. The KMS
 * keeps its CA, tokens and audit log there, devices their credentials.
 */
package qstcs.crypto.home;
