/**
 * ETSI GS QKD 014 v1.1.1, the key-delivery API that QKD key managers (KMEs) offer to secure
 * application entities (SAEs): status, enc_keys and dec_keys over mutual TLS, with the
 * standard's JSON data formats and its 400/401/503 answers. The SAE is the subject CN of a
 * client certificate issued by the local CA; key material comes from the KMS's BB84 pool.
 */
package qstcs.kms.etsi014;
