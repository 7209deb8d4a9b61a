package qstcs.bench;

import java.util.function.Predicate;

/** The benches' shared option check: {@code --help} prints the usage, an unknown option is refused. */
public final class BenchArgs {

    private BenchArgs() {
    }

    /**
     * True when {@code --help} was asked for (the usage is printed; the caller returns). Exits
     * with status 2 on an option {@code known} does not accept: a mistyped option must not start
     * a long run that silently measures the defaults.
     */
    public static boolean helpRequested(String[] args, String usage, Predicate<String> known) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println(usage);
                return true;
            }
            if (!known.test(a)) {
                System.err.println("unknown option " + a + "\n" + usage);
                System.exit(2);
            }
        }
        return false;
    }
}
