package dev.jtune.data;

/** What is wrong with a malformed record, in categories a skip report can count. */
public enum Problem {
    /** The record is not valid JSON. */
    NOT_JSON("not JSON"),
    /** The record is JSON but not an object. */
    NOT_AN_OBJECT("not a JSON object"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing field"),
    /** A field holds the wrong JSON type. */
    WRONG_TYPE("wrong type"),
    /** A required text or list is empty. */
    EMPTY("empty"),
    /** The fields match none of the formats the reader knows. */
    UNKNOWN_FORMAT("unknown format"),
    /** The fields are there but their values do not make sense together. */
    INVALID("invalid");

    private final String label;

    Problem(String label) {
        this.label = label;
    }

    /** A short human-readable name. */
    public String label() {
        return label;
    }
}
