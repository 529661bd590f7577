package dev.jtune.recipes;

import dev.jtune.io.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed with SIGKILL in the middle resumes from its last complete checkpoint and ends with the adapter an
 * uninterrupted run ends with (within 1e-5); no checkpoint directory is ever left half-written under its final name.
 */
class ResumeAfterKillTest {

    @TempDir
    Path tmp;

    @Test
    void killedRunResumesToTheSameAdapter() throws Exception {
        int steps = 24;
        Path straight = tmp.resolve("straight");
        assertEquals(0, Main.run(SftRecipeTest.sftArgs(straight, steps, "--checkpoint-every", "4")));

        Path killed = tmp.resolve("killed");
        Process p = java(SftRecipeTest.sftArgs(killed, steps, "--checkpoint-every", "4"));
        Path marker = killed.resolve("checkpoints/step-12");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (!Files.isDirectory(marker) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the run finished before it could be killed; make it longer");
        p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
        p.waitFor();
        assertTrue(Files.isDirectory(marker));
        assertCheckpointsComplete(killed.resolve("checkpoints"));
        // rows up to step 12 carry timings, so a restart from scratch would rewrite them differently
        List<String> before = Files.readAllLines(killed.resolve("metrics.jsonl")).subList(0, 12);

        List<String> resume = new ArrayList<>(List.of(SftRecipeTest.sftArgs(killed, steps, "--checkpoint-every", "4")));
        resume.add("--resume");
        assertEquals(0, Main.run(resume.toArray(String[]::new)));
        assertCheckpointsComplete(killed.resolve("checkpoints"));
        List<String> after = Files.readAllLines(killed.resolve("metrics.jsonl"));
        assertEquals(before, after.subList(0, 12), "the resumed run kept the logged steps before its checkpoint");
        assertEquals(steps, after.size());

        try (SafetensorsFile a = SafetensorsFile.open(straight.resolve("final/adapter_model.safetensors"));
             SafetensorsFile b = SafetensorsFile.open(killed.resolve("final/adapter_model.safetensors"))) {
            assertEquals(a.names(), b.names());
            double worst = 0;
            for (String name : a.names()) {
                float[] x = a.readFloats(name);
                float[] y = b.readFloats(name);
                for (int i = 0; i < x.length; i++) {
                    worst = Math.max(worst, Math.abs(x[i] - y[i]));
                }
            }
            assertTrue(worst <= 1e-5, "resumed adapter differs by " + worst);
        }
    }

    /** Every step-N directory holds a trainer state; temporary ones are hidden names the loop never reads. */
    private static void assertCheckpointsComplete(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            for (Path c : list.toList()) {
                String name = c.getFileName().toString();
                if (name.startsWith("step-")) {
                    assertTrue(Files.isRegularFile(c.resolve("trainer_state.json")), name + " is incomplete");
                    assertTrue(Files.isRegularFile(c.resolve("trainable.safetensors")), name + " is incomplete");
                } else {
                    assertTrue(name.startsWith("."), "unexpected entry " + name);
                }
            }
        }
    }

    /** Runs the CLI in a child JVM with this test's class path. */
    private static Process java(String[] args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", classpath, Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(File.createTempFile("killed-run", ".log")).start();
    }
}
