package dev.jtune.recipes;

import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every recipe writes at the start of a run: {@code RUN_DIR/run.json} with the resolved configuration. */
final class RunDirectory {

    private RunDirectory() {
    }

    static void writeRunJson(Path runDir, String stage, Map<String, Object> resolved, long seed) throws IOException {
        Files.createDirectories(runDir);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("stage", stage);
        run.put("config", resolved);
        run.put("seed", seed);
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("jtune", RunDirectory.class.getPackage().getImplementationVersion());
        versions.put("java", System.getProperty("java.version"));
        versions.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        run.put("versions", versions);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        run.put("machine", machine);
        writeAtomically(runDir.resolve("run.json"),
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(run));
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
