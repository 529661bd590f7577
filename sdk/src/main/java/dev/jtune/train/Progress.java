package dev.jtune.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long loop: on a terminal, one line on stderr redrawn at most four times a second with a bar,
 * rate and ETA; elsewhere (output redirected, {@code System.console() == null}) plain log lines at the steps the
 * caller marks.
 */
public final class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final int BAR = 24;

    private final String label;
    private final int total;
    private final int start;
    private final boolean terminal;
    private final PrintStream err = System.err;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    /** Progress over steps {@code start + 1 .. total}; {@code label} starts every line. */
    public Progress(String label, int total, int start) {
        this.label = label;
        this.total = total;
        this.start = start;
        this.terminal = System.console() != null;
    }

    /**
     * Reports that {@code step} is done.
     *
     * @param detail what to show after the counts (loss, tokens/s ...)
     * @param mark   whether this step deserves a log line when not on a terminal
     */
    public void update(int step, String detail, boolean mark) {
        long now = System.nanoTime();
        String eta = eta(step, now);
        if (terminal) {
            if (now - lastDraw < REDRAW_NANOS && step < total) {
                return;
            }
            lastDraw = now;
            int filled = total == 0 ? BAR : (int) ((long) BAR * step / total);
            String bar = "=".repeat(filled) + (filled < BAR ? ">" + " ".repeat(BAR - filled - 1) : "");
            err.print(String.format(Locale.ROOT, "\r%s %d/%d [%s] %s | ETA %s\u001b[K", label, step, total, bar,
                    detail, eta));
            err.flush();
            drawn = true;
        } else if (mark) {
            LOG.info("{} {}/{} {} | ETA {}", label, step, total, detail, eta);
        }
    }

    /** Ends the redrawn line, if any, so later output starts on a fresh line. */
    public void finish() {
        if (drawn) {
            err.println();
            drawn = false;
        }
    }

    private String eta(int step, long now) {
        int done = step - start;
        if (done <= 0) {
            return "?";
        }
        long seconds = Math.round((now - startNanos) / 1e9 / done * (total - step));
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
