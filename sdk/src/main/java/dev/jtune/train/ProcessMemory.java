package dev.jtune.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The resident memory of this process, which counts native (libtorch) memory that the Java heap figures miss. */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Resident set size in MiB from {@code /proc/self/status} (VmRSS), or null where there is no such file. */
    public static Double rssMb() {
        return statusMb("VmRSS:");
    }

    /** The peak resident set size so far in MiB (VmHWM), or null where there is no such file. */
    public static Double peakRssMb() {
        return statusMb("VmHWM:");
    }

    private static Double statusMb(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String kb = line.substring(field.length()).replace("kB", "").trim();
                    return Long.parseLong(kb) / 1024.0;
                }
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
