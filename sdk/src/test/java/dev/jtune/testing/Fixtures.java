package dev.jtune.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test artifacts (real weights, tokenizers, data) that live outside the repository.
 * Found through {@code JTUNE_FIXTURES}, else a {@code shared/} folder beside the checkout. When they are missing,
 * tests that need them skip with a message on a user's machine and fail under {@code CI=true}.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The fixture root, or a skip (a failure under CI) when there is none. */
    public static Path root() {
        Path root = locate();
        String why = "shared fixtures not found: set JTUNE_FIXTURES to the shared/ folder (see README)";
        if (root == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI=true, so this is a failure, not a skip)");
            }
            Assumptions.abort(why);
        }
        return root;
    }

    /** A path under the fixture root that must exist. */
    public static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new AssertionError("fixture missing: " + p);
        }
        return p;
    }

    private static Path locate() {
        String env = System.getenv("JTUNE_FIXTURES");
        if (env != null && !env.isBlank() && Files.isDirectory(Path.of(env))) {
            return Path.of(env).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolveSibling("shared");
            if (Files.isRegularFile(candidate.resolve("PROVENANCE.md"))) {
                return candidate;
            }
        }
        return null;
    }
}
