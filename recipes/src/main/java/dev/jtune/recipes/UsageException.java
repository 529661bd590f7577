package dev.jtune.recipes;

/** A command line that cannot be run as given: a missing or malformed option. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
