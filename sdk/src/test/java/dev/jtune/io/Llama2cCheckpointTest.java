package dev.jtune.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.jtune.model.LlamaConfig;
import dev.jtune.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Llama2cCheckpointTest {

    @TempDir
    Path tmp;

    @Test
    void stories260kHfOpensWithTiedConfig() {
        try (Checkpoint c = Checkpoints.open(Fixtures.path("weights/stories260K-hf"))) {
            LlamaConfig cfg = c.config();
            assertEquals(47, c.tensors().names().size());
            assertTrue(cfg.tieWordEmbeddings());
            assertEquals(List.of(512, 64, 172, 5, 8, 4, 8), List.of(cfg.vocabSize(), cfg.hiddenSize(),
                    cfg.intermediateSize(), cfg.numLayers(), cfg.numHeads(), cfg.numKvHeads(), cfg.headDim()));
            assertFalse(c.tensors().names().contains(LlamaLayout.LM_HEAD));
        }
    }

    /** The .bin read with the q/k permutation equals an independent conversion of the same model to HF. */
    @Test
    void stories260kBinEqualsTheHfConversion() {
        try (Checkpoint bin = Checkpoints.open(Fixtures.path("weights/stories260K/stories260K.bin"));
             Checkpoint hf = Checkpoints.open(Fixtures.path("weights/stories260K-hf/model.safetensors"))) {
            assertEquals(hf.config().tieWordEmbeddings(), bin.config().tieWordEmbeddings());
            assertEquals(hf.config().numKvHeads(), bin.config().numKvHeads());
            assertEquals(hf.config().headDim(), bin.config().headDim());
            assertEquals(hf.tensors().names(), bin.tensors().names());
            for (String name : bin.tensors().names()) {
                assertArrayEquals(hf.tensors().info(name).shape(), bin.tensors().info(name).shape(), name);
                assertArrayEquals(hf.tensors().readFloats(name), bin.tensors().readFloats(name), 1e-6f, name);
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                String q = LlamaLayout.layer(2) + "self_attn.q_proj.weight";
                NDArray a = bin.tensors().load(q, manager);
                NDArray b = hf.tensors().load(q, manager);
                assertEquals(b.getShape(), a.getShape());
                assertArrayEquals(b.toFloatArray(), a.toFloatArray(), 1e-6f);
            }
        }
    }

    @Test
    void unsharedClassifierIsReadFromTheEnd() throws IOException {
        int dim = 8;
        int vocab = -16;
        long floats = RawFiles.llama2cFloats(dim, 12, 2, 2, 1, vocab, 32);
        Path file = RawFiles.llama2c(tmp.resolve("untied.bin"), new int[] {dim, 12, 2, 2, 1, vocab, 32}, floats);
        try (Llama2cCheckpoint c = Llama2cCheckpoint.open(file)) {
            assertFalse(c.config().tieWordEmbeddings());
            assertEquals(16, c.config().vocabSize());
            float[] head = c.readFloats(LlamaLayout.LM_HEAD);
            assertEquals(16 * dim, head.length);
            assertEquals(floats - 16 * dim, (long) head[0], "wcls is the last vocab x dim floats");
            assertEquals(floats - 1, (long) head[head.length - 1]);
            assertEquals(0f, c.readFloats(LlamaLayout.EMBED_TOKENS)[0]);
        }
    }

    @Test
    void qAndKRowsMoveFromInterleavedPairsToRotateHalf() {
        // two heads of head_dim 4, one input column: rows are h*4 + (0, 1, 2, 3) = pairs (0,1), (2,3)
        float[] w = {0, 1, 2, 3, 10, 11, 12, 13};
        assertArrayEquals(new float[] {0, 2, 1, 3, 10, 12, 11, 13}, Llama2cCheckpoint.toRotateHalf(w, 2, 1));
        float[] wide = {0, 0, 1, 1, 2, 2, 3, 3};
        assertArrayEquals(new float[] {0, 0, 2, 2, 1, 1, 3, 3}, Llama2cCheckpoint.toRotateHalf(wide, 1, 2));
    }
}
