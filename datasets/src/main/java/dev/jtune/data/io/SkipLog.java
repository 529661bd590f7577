package dev.jtune.data.io;

import dev.jtune.data.ErrorPolicy;
import dev.jtune.data.MalformedRecordException;
import dev.jtune.data.Problem;
import dev.jtune.data.ReadReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Applies an error policy to malformed records of one file and counts what it skipped. */
final class SkipLog {

    private static final Logger LOG = LoggerFactory.getLogger(SkipLog.class);
    private static final int EXAMPLES_KEPT = 10;

    private final Path file;
    private final ErrorPolicy policy;
    private final Map<Problem, Long> byProblem = new EnumMap<>(Problem.class);
    private final List<String> examples = new ArrayList<>();
    private long records;
    private long skipped;

    SkipLog(Path file, ErrorPolicy policy) {
        this.file = file;
        this.policy = policy;
    }

    /** Counts records produced. */
    void produced(int n) {
        records += n;
    }

    /** Throws the located error under FAIL; counts and logs it under SKIP. */
    void malformed(MalformedRecordException unlocated, long line, long index) {
        MalformedRecordException located = unlocated.at(file, line, index);
        if (policy == ErrorPolicy.FAIL) {
            throw located;
        }
        skipped++;
        byProblem.merge(located.problem(), 1L, Long::sum);
        if (examples.size() < EXAMPLES_KEPT) {
            examples.add(located.getMessage());
        }
        LOG.debug("skipped {}", located.getMessage());
    }

    ReadReport report() {
        ReadReport report = new ReadReport(file, records, skipped, byProblem, examples);
        if (skipped > 0) {
            LOG.warn("{} (first: {})", report.summary(), examples.get(0));
        }
        return report;
    }
}
