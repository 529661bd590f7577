package dev.jtune.recipes;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import dev.jtune.align.CausalLmLoss;
import dev.jtune.engine.GemmPeak;
import dev.jtune.lora.LoraConfig;
import dev.jtune.lora.LoraModel;
import dev.jtune.model.Flops;
import dev.jtune.model.LlamaConfig;
import dev.jtune.model.LlamaInit;
import dev.jtune.model.LlamaModel;
import dev.jtune.train.AdamW;
import dev.jtune.train.AdamWConfig;
import dev.jtune.train.Gradients;
import dev.jtune.train.ProcessMemory;
import dev.jtune.engine.Scalars;
import org.apache.commons.cli.Options;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code bench}: the training step of ../shared/bench/torch_peer.py (same configurations, modes, batch, sequence,
 * fp32, LoRA r=8 alpha=16 on all seven projections, AdamW lr 1e-3), printing one {@code RESULT {json}} line with
 * the peer's field names so the two compare line by line.
 */
final class BenchCommand {

    private BenchCommand() {
    }

    /** Batch and sequence of each configuration, as the peer runs them. */
    private record Workload(String size, int vocab, int batch, int seq) {
    }

    private static Workload workload(String name) {
        return switch (name) {
            case "micro" -> new Workload("tiny", 4096, 2, 128);
            case "tiny" -> new Workload("tiny", 4096, 8, 256);
            case "small" -> new Workload("small", 8192, 4, 256);
            default -> throw new UsageException("--config must be micro, tiny or small, got '" + name + "'");
        };
    }

    static Options options() {
        Options o = new Options();
        o.addOption(Cli.opt("config", "NAME", "tiny (dim 256, 4 layers) or small (dim 512, 8 layers); micro"));
        o.addOption(Cli.opt("mode", "MODE", "fwd, full (every weight trained) or lora (r=8 on all projections)"));
        o.addOption(Cli.opt("warmup", "N", "untimed steps first (default 2)"));
        o.addOption(Cli.opt("steps", "N", "timed steps (default 6); the median is reported"));
        return o;
    }

    static int run(String[] args) {
        Cli cli = Cli.parse("bench", "Time the training step of a benchmark configuration.", options(), args);
        if (cli == null) {
            return 0;
        }
        String cfgName = cli.string("config", "tiny");
        String mode = cli.string("mode", "full");
        if (!List.of("fwd", "full", "lora").contains(mode)) {
            throw new UsageException("--mode must be fwd, full or lora, got '" + mode + "'");
        }
        Workload w = workload(cfgName);
        int warmup = cli.integer("warmup", 2);
        int steps = cli.integer("steps", 6);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("impl", "jtune-djl-" + Engine.getEngine("PyTorch").getVersion());
        out.put("cfg", cfgName);
        out.put("mode", mode);
        out.put("dtype", "float32");
        out.put("gemm_fp32_gflops", round(GemmPeak.flopsPerSecond() / 1e9));
        LlamaConfig c = ModelSizes.of(w.size(), w.vocab(), w.seq(), -1, List.of(), -1);
        try (LlamaModel model = LlamaInit.initialize(c, 1234, Device.cpu());
             LoraModel lora = LoraModel.wrap(model)) {
            Map<String, NDArray> trainable = new LinkedHashMap<>();
            if (mode.equals("lora")) {
                lora.add("bench", new LoraConfig(8, 16, 0, LoraConfig.ALL_LINEAR, false, null), 1);
                trainable.putAll(lora.parameters("bench"));
            } else if (mode.equals("full")) {
                trainable.putAll(model.weights());
                trainable.values().forEach(p -> p.setRequiresGradient(true));
            }
            long loraParams = mode.equals("lora")
                    ? trainable.values().stream().mapToLong(p -> p.getShape().size()).sum() : 0;
            double fpt = switch (mode) {
                case "full" -> Flops.fullStep(c, w.seq());
                case "lora" -> Flops.loraStep(c, w.seq(), loraParams);
                default -> Flops.forward(c, w.seq());
            };
            out.put("N_nonemb", c.nonEmbeddingParameters());
            out.put("N_lora", loraParams);
            out.put("flops_per_token", (long) fpt);
            SplittableRandom random = new SplittableRandom(1234);
            long[] tokens = random.longs((long) w.batch() * w.seq(), 0, w.vocab()).toArray();
            long[] targets = random.longs((long) w.batch() * w.seq(), 0, w.vocab()).toArray();
            float[] ones = new float[w.batch() * w.seq()];
            Arrays.fill(ones, 1f);
            Double rss0 = ProcessMemory.rssMb();
            List<Double> times = new ArrayList<>();
            List<Double> losses = new ArrayList<>();
            try (AdamW adamW = trainable.isEmpty() ? null
                    : new AdamW(trainable, AdamWConfig.withWeightDecay(0.0))) {
                for (int step = 0; step < warmup + steps; step++) {
                    long t0 = System.nanoTime();
                    try (NDManager scope = model.manager().newSubManager()) {
                        NDArray ids = scope.create(tokens, new Shape(w.batch(), w.seq()));
                        NDArray tgt = scope.create(targets, new Shape(w.batch(), w.seq()));
                        NDArray weight = scope.create(ones, new Shape(w.batch(), w.seq()));
                        if (adamW == null) {
                            NDArray loss = Scalars.times(
                                    CausalLmLoss.summed(model.forward(ids, null, null, null), tgt, weight),
                                    1.0 / ones.length);
                            losses.add((double) loss.getFloat());
                        } else {
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray loss = Scalars.times(
                                        CausalLmLoss.summed(model.forward(ids, null, null, null), tgt, weight),
                                        1.0 / ones.length);
                                gc.backward(loss);
                                losses.add((double) loss.getFloat());
                            }
                            adamW.step(1e-3);
                            Gradients.zero(trainable.values());
                        }
                    }
                    if (step >= warmup) {
                        times.add((System.nanoTime() - t0) / 1e9);
                    }
                }
            }
            times.sort(Double::compare);
            double median = times.get(times.size() / 2);
            double tps = w.batch() * w.seq() / median;
            out.put("batch", w.batch());
            out.put("seq", w.seq());
            out.put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", 2));
            out.put("step_s_median", round(median));
            out.put("step_s_mean", round(times.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
            out.put("tokens_per_s", round(tps));
            out.put("achieved_gflops", round(tps * fpt / 1e9));
            out.put("mfu_vs_own_gemm", round(tps * fpt / GemmPeak.flopsPerSecond()));
            out.put("loss_first", losses.get(0));
            out.put("loss_last", losses.get(losses.size() - 1));
            out.put("rss_before_loop_mb", rss0);
            out.put("rss_end_mb", ProcessMemory.rssMb());
            out.put("peak_rss_mb", ProcessMemory.peakRssMb());
        }
        System.out.println("RESULT " + new Gson().toJson(out));
        return 0;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
