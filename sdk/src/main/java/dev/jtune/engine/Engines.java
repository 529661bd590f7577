package dev.jtune.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine the way jtune wants it: offline (nothing is downloaded at run time unless the user
 * sets {@code ai.djl.offline=false}), and with an explicit device choice.
 */
public final class Engines {

    private Engines() {
    }

    /** The PyTorch engine, started offline. Thread count: system property {@code ai.djl.pytorch.num_threads}. */
    public static Engine pytorch() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        return Engine.getEngine("PyTorch");
    }

    /**
     * Parses a device name: {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}. A GPU needs a CUDA build of
     * libtorch, which DJL fetches itself on a machine with internet access (not on Maven Central).
     */
    public static Device device(String name) {
        pytorch();
        String n = name == null ? "cpu" : name.trim().toLowerCase();
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.equals("gpu") || n.equals("cuda")) {
            return requireGpu(0);
        }
        if (n.startsWith("gpu:") || n.startsWith("cuda:")) {
            try {
                return requireGpu(Integer.parseInt(n.substring(n.indexOf(':') + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + name + "': expected cpu, gpu or gpu:N");
            }
        }
        throw new IllegalArgumentException("bad device '" + name + "': expected cpu, gpu or gpu:N");
    }

    /** The engine's intra-op thread count (2 by default on this machine kind). */
    public static int threads() {
        pytorch();
        return JniUtils.getNumThreads();
    }

    /**
     * Sets the intra-op thread count. Splitting an op across threads costs a fork and join of a few microseconds,
     * which outweighs the work of the tiny ops of one decoding step of a small model; see {@code Generator}.
     */
    public static void setThreads(int n) {
        pytorch();
        if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
    }

    private static Device requireGpu(int id) {
        int count = Engine.getEngine("PyTorch").getGpuCount();
        if (id >= count) {
            throw new IllegalArgumentException("device gpu:" + id + " requested but the engine sees " + count
                    + " GPU(s); jtune ships the CPU build of libtorch");
        }
        return Device.gpu(id);
    }
}
