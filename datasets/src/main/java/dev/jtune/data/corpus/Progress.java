package dev.jtune.data.corpus;

import org.slf4j.Logger;

/** Logs how far a long loop is, with rate and time left, at most every few seconds. */
final class Progress {

    private static final long INTERVAL_NANOS = 5_000_000_000L;

    private final Logger log;
    private final String what;
    private final long total;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;

    Progress(Logger log, String what, long total) {
        this.log = log;
        this.what = what;
        this.total = total;
    }

    /** Reports {@code done} of the total items, with {@code tokens} made so far, when it is time to. */
    void update(long done, long tokens) {
        long now = System.nanoTime();
        if (now - lastLogNanos < INTERVAL_NANOS) {
            return;
        }
        lastLogNanos = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = done / seconds;
        long etaSeconds = rate > 0 ? Math.round((total - done) / rate) : -1;
        log.info(String.format("%s %,d/%,d (%.1f%%), %,d tokens, %.0f/s, %,d tok/s, ETA %d:%02d", what, done, total,
                100.0 * done / Math.max(1, total), tokens, rate, Math.round(tokens / seconds), etaSeconds / 60,
                etaSeconds % 60));
    }
}
