package dev.jtune.data;

/** What a reader does with a malformed record. */
public enum ErrorPolicy {
    /** Stop at the first malformed record with a {@link MalformedRecordException}. */
    FAIL,
    /** Leave malformed records out and count them in the {@link ReadReport}. */
    SKIP
}
