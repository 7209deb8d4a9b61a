package qstcs.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Fault injection for the guard's firewall: {@code nft}, {@code iptables} and
 * {@code iptables-restore} wrappers put first on the guard's PATH. While a fault is armed they
 * refuse every change (as a kernel without the module, a full ruleset or a held lock would) and
 * pass everything else, reads included, to the real tool; otherwise they are the real tool.
 */
final class RefusingFirewall {
    private static final String WRAPPER = """
            #!/bin/sh
            # Test wrapper: refuses firewall changes while %2$s says so, else runs %1$s.
            fault='%2$s'
            changes() {
            \tcase ${0##*/} in
            \tnft) [ "$1" = -f ] || [ "$1" = add ] ;;
            \t*-restore) return 0 ;;
            \t*) for a; do case $a in -N | -A | -I) return 0 ;; esac; done; return 1 ;;
            \tesac
            }
            if [ -f "$fault" ] && changes "$@"; then
            \tn=$(cat "$fault")
            \tcase $n in
            \t0) ;;
            \talways) echo "${0##*/}: refused (test fault)" >&2; exit 1 ;;
            \t*) echo $((n - 1)) >"$fault"; echo "${0##*/}: refused (test fault)" >&2; exit 1 ;;
            \tesac
            fi
            exec %1$s "$@"
            """;

    private final Path bin;
    private final Path fault;

    RefusingFirewall(Path dir) {
        this.bin = dir.resolve("refusing-firewall-bin");
        this.fault = dir.resolve("firewall-fault");
        try {
            Files.createDirectories(bin);
            for (String tool : new String[] {"nft", "iptables", "iptables-restore"}) {
                Path wrapper = bin.resolve(tool);
                Files.writeString(wrapper, WRAPPER.formatted(realPath(tool), fault));
                Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the firewall wrappers in " + bin, e);
        }
        heal();
    }

    /** The directory to put first on the guard's PATH. */
    Path bin() {
        return bin;
    }

    /** Every change fails until {@link #heal()}. */
    void refuseAll() {
        write("always");
    }

    /** The next {@code n} changes fail, later ones pass. */
    void refuseNext(int n) {
        write(Integer.toString(n));
    }

    void heal() {
        try {
            Files.deleteIfExists(fault);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String what) {
        try {
            Files.writeString(fault, what + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String realPath(String tool) {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(tool + " not found");
    }
}
