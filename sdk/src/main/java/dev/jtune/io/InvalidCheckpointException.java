package dev.jtune.io;

/** A checkpoint file or directory that cannot be read; the message names the file, the tensor and the reason. */
public class InvalidCheckpointException extends RuntimeException {

    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
