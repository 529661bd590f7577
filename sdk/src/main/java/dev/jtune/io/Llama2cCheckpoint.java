package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.jtune.model.LlamaConfig;
import dev.jtune.model.RopeScaling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A llama2.c legacy {@code .bin} checkpoint: a header of 7 little-endian int32 ({@code dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size, seq_len}) then float32 arrays: token embeddings, attention norms, wq, wk, wv, wo,
 * FFN norms, w1, w2, w3, final norm, the legacy RoPE tables (skipped), and, when {@code vocab_size} is negative,
 * an unshared classifier. Tensors are exposed under Hugging Face names ({@link LlamaLayout}), with the rows of
 * q_proj and k_proj permuted from llama2.c's interleaved RoPE pairs to HF's rotate_half layout:
 * {@code W.reshape(heads, hd/2, 2, in).transpose(0, 2, 1, 3).reshape(out, in)}.
 */
public final class Llama2cCheckpoint implements TensorSource {

    private static final int HEADER_BYTES = 7 * 4;

    /** Where a tensor lies in the file and whether its rows need the RoPE permutation (0: no, else head count). */
    private record Entry(TensorInfo info, int permuteHeads) {
    }

    private final Path file;
    private final LlamaConfig config;
    private final SortedMap<String, Entry> entries;
    private final FileChannel channel;
    private MappedSection data;

    private Llama2cCheckpoint(Path file, LlamaConfig config, SortedMap<String, Entry> entries, FileChannel channel,
                              MappedSection data) {
        this.file = file;
        this.config = config;
        this.entries = entries;
        this.channel = channel;
        this.data = data;
    }

    /** Opens a {@code .bin} file, checking its header and that its size is exactly what the header implies. */
    public static Llama2cCheckpoint open(Path file) {
        FileChannel channel;
        try {
            channel = MappedSection.openChannel(file);
        } catch (NoSuchFileException e) {
            throw new InvalidCheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            throw new InvalidCheckpointException(file + ": cannot open (" + e.getMessage() + ")", e);
        }
        try {
            long size = channel.size();
            if (size < HEADER_BYTES) {
                throw fail(file, "file is " + size + " bytes, shorter than the " + HEADER_BYTES
                        + "-byte llama2.c header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (header.hasRemaining()) {
                if (channel.read(header, header.position()) < 0) {
                    throw fail(file, "unexpected end of file in the header");
                }
            }
            header.flip();
            int[] h = new int[7];
            for (int i = 0; i < h.length; i++) {
                h[i] = header.getInt();
            }
            LlamaConfig config = config(file, h);
            SortedMap<String, Entry> entries = new TreeMap<>();
            long end;
            try {
                end = layout(config, h[6], entries);
            } catch (ArithmeticException e) {
                throw fail(file, "bad header: the sizes it implies overflow 64 bits");
            }
            if (size - HEADER_BYTES != end) {
                throw fail(file, "size mismatch: the header implies " + (HEADER_BYTES + end) + " bytes, the file has "
                        + size + (size < HEADER_BYTES + end ? " (truncated)" : ""));
            }
            MappedSection data = new MappedSection(file, channel, HEADER_BYTES, end, MappedSection.DEFAULT_STRIDE);
            return new Llama2cCheckpoint(file, config, Collections.unmodifiableSortedMap(entries), channel, data);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new InvalidCheckpointException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The architecture the header describes: head_dim = dim / n_heads, theta 10000, eps 1e-5, BOS 1, EOS 2. */
    public LlamaConfig config() {
        return config;
    }

    /** The file this reads. */
    public Path file() {
        return file;
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return entry(name).info();
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Entry e = entry(name);
        if (e.permuteHeads() == 0) {
            return section().load(e.info(), manager);
        }
        return manager.create(readFloats(name), new Shape(e.info().shape()));
    }

    /** A tensor's values in C order, q_proj and k_proj rows already in rotate_half order. */
    @Override
    public float[] readFloats(String name) {
        Entry e = entry(name);
        float[] values = section().readFloats(e.info());
        return e.permuteHeads() == 0 ? values : toRotateHalf(values, e.permuteHeads(), (int) e.info().shape()[1]);
    }

    @Override
    public void close() {
        data = null;
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "Llama2cCheckpoint[" + file + "]";
    }

    /**
     * Reorders the rows of a {@code [heads * hd, in]} matrix within each head from interleaved pairs
     * {@code (2i, 2i+1)} to rotate_half pairs {@code (i, i + hd/2)}: new row {@code h*hd + j*hd/2 + i} is old
     * row {@code h*hd + 2i + j}.
     */
    static float[] toRotateHalf(float[] w, int heads, int in) {
        int hd = w.length / in / heads;
        int half = hd / 2;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    int from = h * hd + 2 * i + j;
                    int to = h * hd + j * half + i;
                    System.arraycopy(w, from * in, out, to * in, in);
                }
            }
        }
        return out;
    }

    private static LlamaConfig config(Path file, int[] h) {
        int dim = h[0];
        int hidden = h[1];
        int layers = h[2];
        int heads = h[3];
        int kvHeads = h[4];
        int vocab = h[5];
        int seqLen = h[6];
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab == 0 || seqLen <= 0
                || vocab == Integer.MIN_VALUE) {
            throw fail(file, "bad header: dim=" + dim + " hidden_dim=" + hidden + " n_layers=" + layers
                    + " n_heads=" + heads + " n_kv_heads=" + kvHeads + " vocab_size=" + vocab + " seq_len=" + seqLen
                    + " (all must be positive; vocab_size may be negative for an unshared classifier)");
        }
        if (dim % heads != 0) {
            throw fail(file, "bad header: dim " + dim + " is not a multiple of n_heads " + heads);
        }
        try {
            return new LlamaConfig(Math.abs(vocab), dim, hidden, layers, heads, kvHeads, dim / heads, seqLen, 1e-5,
                    10000.0, RopeScaling.NONE, vocab > 0, 1, List.of(2), -1);
        } catch (IllegalArgumentException e) {
            throw fail(file, "bad header: " + e.getMessage());
        }
    }

    /** Fills {@code entries} in file order and returns the byte length of all the arrays (exact arithmetic). */
    private static long layout(LlamaConfig c, int seqLen, Map<String, Entry> entries) {
        long[] offset = {0};
        long d = c.hiddenSize();
        long kv = c.kvDim();
        long ffn = c.intermediateSize();
        int layers = c.numLayers();
        add(entries, offset, LlamaLayout.EMBED_TOKENS, 0, c.vocabSize(), d);
        perLayer(entries, offset, layers, "input_layernorm.weight", 0, d);
        perLayer(entries, offset, layers, "self_attn.q_proj.weight", c.numHeads(), d, d);
        perLayer(entries, offset, layers, "self_attn.k_proj.weight", c.numKvHeads(), kv, d);
        perLayer(entries, offset, layers, "self_attn.v_proj.weight", 0, kv, d);
        perLayer(entries, offset, layers, "self_attn.o_proj.weight", 0, d, d);
        perLayer(entries, offset, layers, "post_attention_layernorm.weight", 0, d);
        perLayer(entries, offset, layers, "mlp.gate_proj.weight", 0, ffn, d);
        perLayer(entries, offset, layers, "mlp.down_proj.weight", 0, d, ffn);
        perLayer(entries, offset, layers, "mlp.up_proj.weight", 0, ffn, d);
        add(entries, offset, LlamaLayout.NORM, 0, d);
        offset[0] = Math.addExact(offset[0], 2L * seqLen * (c.headDim() / 2) * 4); // legacy freq_cis real, imag
        if (!c.tieWordEmbeddings()) {
            add(entries, offset, LlamaLayout.LM_HEAD, 0, c.vocabSize(), d);
        }
        return offset[0];
    }

    private static void perLayer(Map<String, Entry> entries, long[] offset, int layers, String suffix,
                                 int permuteHeads, long... shape) {
        for (int i = 0; i < layers; i++) {
            add(entries, offset, LlamaLayout.layer(i) + suffix, permuteHeads, shape);
        }
    }

    private static void add(Map<String, Entry> entries, long[] offset, String name, int permuteHeads,
                            long... shape) {
        long bytes = 4;
        for (long dim : shape) {
            bytes = Math.multiplyExact(bytes, dim);
        }
        long end = Math.addExact(offset[0], bytes);
        entries.put(name, new Entry(new TensorInfo(name, DType.F32, shape, offset[0], end), permuteHeads));
        offset[0] = end;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new InvalidCheckpointException(file + ": no tensor named " + name);
        }
        return e;
    }

    private MappedSection section() {
        MappedSection d = data;
        if (d == null) {
            throw new IllegalStateException(file + " is closed");
        }
        return d;
    }

    private static InvalidCheckpointException fail(Path file, String reason) {
        return new InvalidCheckpointException(file + ": " + reason);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the channel is being dropped
        }
    }
}
