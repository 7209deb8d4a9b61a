package qstcs.console;

import java.util.List;

/**
 * Entry point of {@code ./qstcs console}: checks the command line before any window opens, so a
 * typo is a one-line error on the terminal, then starts {@link ConsoleApp}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        try {
            ConsoleOptions.parse(List.of(args), System.getenv());
        } catch (ConsoleOptions.HelpRequested help) {
            System.out.print(ConsoleOptions.USAGE);
            return;
        } catch (ConsoleOptions.UsageException e) {
            System.err.println("qstcs console: " + e.getMessage());
            System.exit(2);
        }
        ConsoleApp.launchWith(List.of(args));
    }
}
