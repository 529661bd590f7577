package dev.jtune.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jtune.io.DType;
import dev.jtune.io.Directories;
import dev.jtune.io.SafetensorsFile;
import dev.jtune.io.SafetensorsWriter;
import dev.jtune.io.TensorData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adapters on disk in Hugging Face PEFT's layout: {@code adapter_config.json} and {@code adapter_model.safetensors}
 * with keys such as {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}. PEFT loads what this
 * writes, and this loads what PEFT writes.
 */
public final class PeftAdapters {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private PeftAdapters() {
    }

    /**
     * Writes adapter {@code name} into {@code dir}, replacing what is there only once the new files are complete.
     *
     * @param baseModel what {@code base_model_name_or_path} records: the base model's path or hub id
     */
    public static void save(LoraModel lora, String name, Path dir, String baseModel) throws IOException {
        save(lora, name, dir, baseModel, "CAUSAL_LM", Map.of());
    }

    /**
     * Writes adapter {@code name} with whole modules trained beside it, PEFT's {@code modules_to_save}: each
     * module's weight is saved as {@code base_model.model.<module>.weight}, e.g. a reward model's {@code score}
     * head (1, D) under {@code base_model.model.score.weight} with task type {@code SEQ_CLS}.
     *
     * @param taskType      PEFT's {@code task_type}: CAUSAL_LM for a language model, SEQ_CLS for a reward model
     * @param modulesToSave module name -> its weight; empty for a plain adapter
     */
    public static void save(LoraModel lora, String name, Path dir, String baseModel, String taskType,
                            Map<String, NDArray> modulesToSave) throws IOException {
        save(lora, name, dir, baseModel, taskType, modulesToSave, Map.of());
    }

    /**
     * As {@link #save(LoraModel, String, Path, String, String, Map)}, with text files written beside the adapter
     * in the same directory swap (a reward model's {@code reward_config.json}).
     *
     * @param files file name -> its UTF-8 text
     */
    public static void save(LoraModel lora, String name, Path dir, String baseModel, String taskType,
                            Map<String, NDArray> modulesToSave, Map<String, String> files) throws IOException {
        LoraConfig c = lora.config(name);
        Map<String, Object> config = new TreeMap<>();
        config.put("peft_type", "LORA");
        config.put("task_type", taskType);
        config.put("base_model_name_or_path", baseModel);
        config.put("r", c.r());
        config.put("lora_alpha", c.alpha());
        config.put("lora_dropout", c.dropout());
        config.put("target_modules", c.targetModules());
        config.put("use_rslora", c.useRslora());
        config.put("use_dora", false);
        config.put("bias", "none");
        config.put("fan_in_fan_out", false);
        config.put("inference_mode", true);
        config.put("init_lora_weights", c.init() == LoraConfig.Init.GAUSSIAN ? "gaussian" : true);
        config.put("modules_to_save", modulesToSave.isEmpty() ? null : List.copyOf(modulesToSave.keySet()));
        config.put("rank_pattern", Map.of());
        config.put("alpha_pattern", Map.of());
        String json = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(config);

        Path tmp = Directories.temporarySibling(dir);
        try {
            Map<String, NDArray> tensors = lora.parameters(name);
            modulesToSave.forEach((module, weight) -> tensors.put(savedKey(module), weight));
            SafetensorsWriter.write(tmp.resolve(WEIGHTS_FILE), TensorData.of(tensors), DType.F32);
            Files.writeString(tmp.resolve(CONFIG_FILE), json, StandardCharsets.UTF_8);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(tmp.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            Directories.publish(tmp, dir);
        } finally {
            Directories.deleteTree(tmp);
        }
    }

    /**
     * Reads a PEFT LoRA adapter from {@code dir} into {@code lora} under {@code name}, refusing one that does not
     * fit the base model (an unknown module, a missing A or B, a shape that differs) with the reason.
     */
    public static void load(LoraModel lora, Path dir, String name) throws IOException {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(weightsFile)) {
            throw new IOException(dir + " is not a PEFT adapter directory: it needs " + CONFIG_FILE + " and "
                    + WEIGHTS_FILE);
        }
        LoraConfig config;
        try {
            config = readConfig(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(configFile + ": " + e.getMessage(), e);
        }
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            Map<String, NDArray[]> weights = new LinkedHashMap<>();
            NDManager manager = lora.model().manager().newSubManager();
            try {
                for (String key : file.names()) {
                    String module = moduleOf(key, weightsFile);
                    if (module == null) {
                        continue; // modules_to_save and other heads are read by the code that owns them
                    }
                    if (!config.targets(module)) {
                        throw new IllegalArgumentException(weightsFile + ": " + key + " is for a module that "
                                + "target_modules " + config.targetModules() + " does not name");
                    }
                    NDArray[] pair = weights.computeIfAbsent(module, m -> new NDArray[2]);
                    pair[key.endsWith(".lora_A.weight") ? 0 : 1] = file.load(key, manager);
                }
                List<String> missing = new ArrayList<>();
                for (String module : lora.modules()) {
                    NDArray[] pair = weights.get(module);
                    if (config.targets(module) && (pair == null || pair[0] == null || pair[1] == null)) {
                        missing.add(module);
                    }
                }
                weights.forEach((module, pair) -> {
                    if (pair[0] == null || pair[1] == null) {
                        missing.add(module);
                    }
                });
                if (!missing.isEmpty()) {
                    throw new IllegalArgumentException(weightsFile + ": lora_A/lora_B missing for "
                            + missing.subList(0, Math.min(5, missing.size()))
                            + (missing.size() > 5 ? " and " + (missing.size() - 5) + " more" : ""));
                }
                try {
                    lora.install(name, config, weights);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(weightsFile + ": " + e.getMessage(), e);
                }
            } finally {
                manager.close(); // install() attached the arrays it kept to the adapter manager
            }
        }
    }

    /**
     * Reads the weight of a module saved beside the adapter in {@code dir} ({@code modules_to_save}, e.g.
     * {@code score}) into {@code manager}, or returns null when the adapter has none.
     */
    public static NDArray loadModule(Path dir, String module, NDManager manager) throws IOException {
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weightsFile)) {
            throw new IOException(dir + " is not a PEFT adapter directory: it has no " + WEIGHTS_FILE);
        }
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile)) {
            String key = savedKey(module);
            return file.names().contains(key) ? file.load(key, manager) : null;
        }
    }

    /** The key PEFT saves a {@code modules_to_save} module's weight under. */
    public static String savedKey(String module) {
        return LoraModel.PEFT_PREFIX + module + ".weight";
    }

    /** Parses adapter_config.json; features jtune does not implement are refused rather than ignored. */
    static LoraConfig readConfig(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        String type = o.has("peft_type") ? o.get("peft_type").getAsString() : "LORA";
        if (!type.equals("LORA")) {
            throw new IllegalArgumentException("peft_type " + type + " is not supported (LORA only)");
        }
        if (o.has("use_dora") && !o.get("use_dora").isJsonNull() && o.get("use_dora").getAsBoolean()) {
            throw new IllegalArgumentException("DoRA adapters (use_dora) are not supported");
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            JsonElement p = o.get(pattern);
            if (p != null && p.isJsonObject() && p.getAsJsonObject().size() > 0) {
                throw new IllegalArgumentException(pattern + " (per-module ranks) is not supported");
            }
        }
        JsonElement bias = o.get("bias");
        if (bias != null && !bias.isJsonNull() && !bias.getAsString().equals("none")) {
            throw new IllegalArgumentException("bias '" + bias.getAsString() + "' is not supported (none only)");
        }
        JsonElement targets = o.get("target_modules");
        if (targets == null || targets.isJsonNull()) {
            throw new IllegalArgumentException("target_modules is missing");
        }
        List<String> modules = new ArrayList<>();
        if (targets.isJsonArray()) {
            targets.getAsJsonArray().forEach(t -> modules.add(t.getAsString()));
        } else if (targets.getAsString().equals("all-linear")) {
            modules.add("all-linear");
        } else {
            throw new IllegalArgumentException("target_modules as a regular expression ('" + targets.getAsString()
                    + "') is not supported: list the module names");
        }
        int r = o.has("r") ? o.get("r").getAsInt() : 8;
        double alpha = o.has("lora_alpha") ? o.get("lora_alpha").getAsDouble() : 8;
        double dropout = o.has("lora_dropout") ? o.get("lora_dropout").getAsDouble() : 0;
        boolean rslora = o.has("use_rslora") && o.get("use_rslora").getAsBoolean();
        JsonElement init = o.get("init_lora_weights");
        LoraConfig.Init how = init != null && init.isJsonPrimitive() && init.getAsJsonPrimitive().isString()
                && init.getAsString().equals("gaussian") ? LoraConfig.Init.GAUSSIAN : LoraConfig.Init.KAIMING_UNIFORM;
        return new LoraConfig(r, alpha, dropout, modules, rslora, how);
    }

    /** The module path of a LoRA key, or null for a key that is not a LoRA weight. */
    private static String moduleOf(String key, Path file) {
        String suffix = key.endsWith(".lora_A.weight") ? ".lora_A.weight"
                : key.endsWith(".lora_B.weight") ? ".lora_B.weight" : null;
        if (suffix == null) {
            return null;
        }
        if (!key.startsWith(LoraModel.PEFT_PREFIX)) {
            throw new IllegalArgumentException(file + ": key " + key + " does not start with "
                    + LoraModel.PEFT_PREFIX + " (not a PEFT causal-LM adapter)");
        }
        return key.substring(LoraModel.PEFT_PREFIX.length(), key.length() - suffix.length());
    }
}
