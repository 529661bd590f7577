package dev.jtune.data;

import java.util.List;

/**
 * The records read from a file and the report of the reading.
 *
 * @param <T>     the record type
 * @param records records in file order
 * @param report  counts, and what was skipped
 */
public record ReadResult<T>(List<T> records, ReadReport report) {

    public ReadResult {
        records = List.copyOf(records);
    }
}
