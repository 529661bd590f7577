package dev.jtune.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a reader got from one file.
 *
 * @param file      the file read
 * @param records   how many records it produced (a ranked record can produce several pairs)
 * @param skipped   how many malformed records it left out (always 0 under {@link ErrorPolicy#FAIL})
 * @param byProblem skipped records counted by what was wrong with them
 * @param examples  the messages of the first few skipped records, with their locations
 */
public record ReadReport(Path file, long records, long skipped, Map<Problem, Long> byProblem, List<String> examples) {

    public ReadReport {
        byProblem = Map.copyOf(byProblem);
        examples = List.copyOf(examples);
    }

    /** One line for a log: the counts and why records were skipped. */
    public String summary() {
        String s = file.getFileName() + ": " + records + " records";
        if (skipped == 0) {
            return s;
        }
        String why = byProblem.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", "));
        return s + ", " + skipped + " skipped (" + why + ")";
    }
}
